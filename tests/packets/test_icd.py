"""The construct definitions against the ICD text: golden frames written out by hand,
the CRC check value, sizes, field names, and spacepackets as an independent oracle for
the CCSDS primary header."""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacepackets.ccsds.spacepacket import PacketType as SpPacketType
from spacepackets.ccsds.spacepacket import SequenceFlags, SpacePacketHeader

from packets import (
    EngineCmd,
    Frame,
    FswStatus,
    Lrf,
    Sync,
    crc16,
    cuc_from_us,
    decode,
    encode,
)
from packets.codec import codec_for
from packets.icd import CRC_CHECK_VALUE, SPECS, Apid, FrameStruct, PacketType
from packets.model import CLASS_OF_APID
from packets.strategies import EncodedFrame, encoded_frames, packets_of


def frame_hex(*parts: str) -> bytes:
    """Hex parts of a frame, spaces allowed, joined."""
    return bytes.fromhex("".join(parts).replace(" ", ""))


# --- CRC ----------------------------------------------------------------------------


def test_crc_check_value_is_pinned() -> None:
    # CRC-16/CCITT-FALSE catalogue check value (ICD §1)
    assert CRC_CHECK_VALUE == 0x29B1
    assert crc16(b"123456789") == 0x29B1
    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1


def test_crc_of_packet_with_its_pec_is_zero() -> None:
    # the deframer relies on this: no final XOR, non-reflected => zero residue
    body = b"\x09\x01\xc0\x05\x00\x0f" + bytes(14)
    assert crc16(body + crc16(body).to_bytes(2, "big")) == 0


# --- golden frames, written from the ICD text -----------------------------------------
#
# Each frame is ASM | primary header | CUC | user data | PEC. The PEC is
# binascii.crc_hqx(<everything between the ASM and the PEC>, 0xFFFF); the test recomputes
# it from the hex here *and* pins the value, so a change to either shows.

ASM = "1ACFFC1D"

# SYNC(tick=3, period_us=50000), seq 3, t = t_3 = 0.15 s.
#   word1 = version 0 | type 1 (TC) | sec hdr 1 | APID 0x010      = 0001 1000 0001 0000 = 1810
#   word2 = seq flags 3 | seq 3                                    = C003
#   length = 6 (CUC) + 8 (data) + 2 (PEC) - 1 = 15                 = 000F
#   CUC: coarse 0, fine = round(0.15 * 65536) = 9830               = 00000000 2666
#   data: tick 3, period_us 50000 = 0xC350                          = 00000003 0000C350
SYNC_BODY = "1810 C003 000F 00000000 2666 00000003 0000C350"
SYNC_PEC = 0x7D44

# LRF(range_m=1234.5, status=valid, quality=200, meas_id=42), seq 5, t = 12.5 s.
#   word1 = type 0 (TM) | sec hdr 1 | APID 0x101 = 0000 1001 0000 0001 = 0901
#   length 15; CUC coarse 12, fine 0.5 s = 0x8000
#   1234.5 = 1.2055664 * 2^10 -> f32 sign 0, exponent 137 = 0x89, mantissa 0x1A5000
#          -> 0 10001001 0011010 0101 0000 ... = 449A5000
LRF_BODY = "0901 C005 000F 0000000C 8000 449A5000 01 C8 002A"
LRF_PEC = 0x3D47

# ENGINE_CMD(tick=7, engine_on=1, throttle=0.5, pitch_cmd_rad=-0.25), seq 0, t = t_7 = 0.35 s
#   word1 = type 1 | sec hdr 1 | APID 0x200 = 0001 1010 0000 0000 = 1A00
#   length = 6 + 13 + 2 - 1 = 20 = 0014; fine = round(0.35 * 65536) = 22938 = 599A
#   0.5 = 3F000000, -0.25 = BE800000
ENGINE_BODY = "1A00 C000 0014 00000000 599A 00000007 01 3F000000 BE800000"
ENGINE_PEC = 0x9555

# FSW_STATUS(tick 7, phase 3, nav_flags 0x11 (LRF accepted | fallback), est_alt_m 100,
#   est_vz_mps -2, est_vx_mps 0.5, est_pitch_rad 0, lrf_accepted 10, lrf_rejected 2,
#   rx_frames 1000, rx_crc_errors 1, rx_skipped_bytes 17, rx_rejected 0), seq 6, t 0.35 s
#   word1 = type 0 | sec hdr 1 | APID 0x300 = 0B00; length = 6 + 42 + 2 - 1 = 49 = 0031
#   100.0 = 42C80000, -2.0 = C0000000
STATUS_BODY = (
    "0B00 C006 0031 00000000 599A"
    " 00000007 03 11 42C80000 C0000000 3F000000 00000000 000A 0002"
    " 000003E8 00000001 00000011 00000000"
)
STATUS_PEC = 0xB1F6

GOLDEN = [
    pytest.param(
        SYNC_BODY, SYNC_PEC, Frame(Apid.SYNC, 3, cuc_from_us(150_000), Sync(3, 50_000)), id="SYNC"
    ),
    pytest.param(
        LRF_BODY, LRF_PEC, Frame(Apid.LRF, 5, 12 << 16 | 0x8000, Lrf(1234.5, 1, 200, 42)), id="LRF"
    ),
    pytest.param(
        ENGINE_BODY,
        ENGINE_PEC,
        Frame(Apid.ENGINE_CMD, 0, cuc_from_us(350_000), EngineCmd(7, 1, 0.5, -0.25)),
        id="ENGINE_CMD",
    ),
    pytest.param(
        STATUS_BODY,
        STATUS_PEC,
        Frame(
            Apid.FSW_STATUS,
            6,
            cuc_from_us(350_000),
            FswStatus(7, 3, 0x11, 100.0, -2.0, 0.5, 0.0, 10, 2, 1000, 1, 17, 0),
        ),
        id="FSW_STATUS",
    ),
]


@pytest.mark.parametrize(("body", "pec", "expected"), GOLDEN)
def test_golden_frame_pec(body: str, pec: int, expected: Frame) -> None:
    assert binascii.crc_hqx(frame_hex(body), 0xFFFF) == pec


@pytest.mark.parametrize(("body", "pec", "expected"), GOLDEN)
def test_golden_frame_decodes_to_the_icd_fields(body: str, pec: int, expected: Frame) -> None:
    raw = frame_hex(ASM, body, f"{pec:04X}")
    got = decode(raw)
    assert got == expected
    assert got.packet._asdict() == expected.packet._asdict()
    assert len(raw) == SPECS[expected.apid].frame_len


@pytest.mark.parametrize(("body", "pec", "expected"), GOLDEN)
def test_golden_frame_re_encodes_byte_identically(body: str, pec: int, expected: Frame) -> None:
    raw = frame_hex(ASM, body, f"{pec:04X}")
    assert encode(expected.packet, expected.seq, expected.cuc) == raw
    # and construct, the source of truth, builds the same bytes
    parsed = FrameStruct.parse(raw)
    assert FrameStruct.build(parsed) == raw


def test_golden_times() -> None:
    assert cuc_from_us(150_000) == 0x2666
    assert cuc_from_us(350_000) == 0x599A


# --- the definitions against the ICD tables -----------------------------------------

#: user-data sizes and types, copied from ICD §3
ICD_TABLE = {
    Apid.SYNC: (8, PacketType.TC),
    Apid.PING: (4, PacketType.TC),
    Apid.STATE_INIT: (28, PacketType.TC),
    Apid.IMU: (29, PacketType.TM),
    Apid.LRF: (8, PacketType.TM),
    Apid.ATTITUDE: (17, PacketType.TM),
    Apid.VELOCIMETER: (13, PacketType.TM),
    Apid.DISCRETES: (2, PacketType.TM),
    Apid.ENGINE_CMD: (13, PacketType.TC),
    Apid.FSW_STATUS: (42, PacketType.TM),
    Apid.PONG: (8, PacketType.TM),
    Apid.EVENT: (7, PacketType.TM),
}


def test_every_apid_of_the_icd_is_defined_with_its_size_and_type() -> None:
    assert set(SPECS) == set(ICD_TABLE)
    for apid, (size, ptype) in ICD_TABLE.items():
        spec = SPECS[apid]
        assert (spec.data_len, spec.type) == (size, ptype), spec.name
        assert spec.frame_len == size + 18
        assert spec.name == apid.name


@pytest.mark.parametrize("apid", sorted(SPECS))
def test_model_field_names_equal_construct_field_names(apid: int) -> None:
    cls = CLASS_OF_APID[apid]
    assert cls._fields == SPECS[apid].field_names
    assert all(sc.docs for sc in SPECS[apid].data.subcons), "every field documents its meaning"


@pytest.mark.parametrize("apid", sorted(SPECS))
def test_limits_and_masks_name_real_fields(apid: int) -> None:
    spec = SPECS[apid]
    names = set(spec.field_names)
    assert {n for n, _, _ in spec.limits} <= names
    assert {n for n, _ in spec.bit_masks} <= names


# --- spacepackets as an independent CCSDS oracle ----------------------------------------


@given(encoded_frames())
def test_our_primary_header_parses_with_spacepackets(ef: EncodedFrame) -> None:
    frame, raw = ef
    hdr = SpacePacketHeader.unpack(raw[4:10])
    spec = SPECS[frame.apid]
    assert hdr.ccsds_version == 0
    assert hdr.packet_type == SpPacketType(int(spec.type))
    assert hdr.sec_header_flag is True
    assert hdr.apid == frame.apid
    assert hdr.seq_flags == SequenceFlags.UNSEGMENTED
    assert hdr.seq_count == frame.seq
    assert hdr.data_len == spec.length_field
    # spacepackets' packet length is the whole space packet, ASM excluded
    assert hdr.packet_len == len(raw) - 4


@given(
    apid=st.sampled_from(sorted(SPECS)),
    seq=st.integers(0, 16383),
    time_us=st.integers(0, 10**12),
    data=st.data(),
)
def test_spacepackets_headers_parse_with_ours(
    apid: int, seq: int, time_us: int, data: st.DataObject
) -> None:
    spec = SPECS[apid]
    packet = data.draw(packets_of(apid))
    hdr = SpacePacketHeader(
        packet_type=SpPacketType(int(spec.type)),
        apid=apid,
        seq_count=seq,
        data_len=spec.length_field,
        sec_header_flag=True,
        seq_flags=SequenceFlags.UNSEGMENTED,
    )
    # their header, our CUC and user data, our PEC over all of it
    cuc = cuc_from_us(time_us)
    body = hdr.pack() + cuc.to_bytes(6, "big") + codec_for(apid).data.pack(*packet)
    raw = bytes.fromhex(ASM) + body + crc16(body).to_bytes(2, "big")
    got = decode(raw)
    assert (got.apid, got.seq, got.cuc) == (apid, seq, cuc)
    assert got.packet == packet
    assert FrameStruct.parse(raw).packet.value.primary.apid == apid
