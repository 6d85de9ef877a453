"""The fast codec: round trips, byte-identity with construct both ways, range checks."""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from packets import (
    EngineCmd,
    FieldRangeError,
    FrameError,
    Framer,
    Lrf,
    Sync,
    UnknownPacketError,
    Velocimeter,
    codec_for,
    cuc_from_us,
    cuc_to_s,
    cuc_to_us,
    decode,
    encode,
)
from packets.codec import CODECS, F32_MAX, F32_OVERFLOW, MAX_CUC, struct_format_of
from packets.icd import ASM, SPECS, Apid, FrameStruct
from packets.model import CLASS_OF_APID, Packet
from packets.strategies import bad_crc, cucs, length_lie, packets_of, wrong_apid, wrong_version

APIDS = sorted(SPECS)
INT_RANGE = {"B": 0xFF, "H": 0xFFFF, "L": 0xFFFF_FFFF, "I": 0xFFFF_FFFF}


def raw_values(apid: int) -> st.SearchStrategy[Packet]:
    """Any value of each field's wire type, valid or not: NaN, inf, bits the ICD forbids."""
    fmt = CODECS[apid].data.format[1:]
    fields = [st.floats(width=32) if c == "f" else st.integers(0, INT_RANGE[c]) for c in fmt]
    return st.builds(CLASS_OF_APID[apid], *fields)


def wide_values(apid: int) -> st.SearchStrategy[Packet]:
    """Like ``raw_values`` but f32 fields get any Python float: also ones binary32 cannot hold."""
    fmt = CODECS[apid].data.format[1:]
    fields = [st.floats() if c == "f" else st.integers(0, INT_RANGE[c]) for c in fmt]
    return st.builds(CLASS_OF_APID[apid], *fields)


def fits_f32(v: float) -> bool:
    """What the wire can carry: a finite float that ``struct.pack('>f')`` accepts."""
    if not math.isfinite(v):
        return False
    try:
        struct.pack(">f", v)
    except OverflowError:
        return False
    return True


def same_value(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN (and tells -0.0 from 0.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return struct.pack(">d", a) == struct.pack(">d", b) or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def construct_build(packet: Packet, seq: int, cuc: int) -> bytes:
    """The frame as construct (the source of truth) builds it."""
    spec = SPECS[codec_for(packet).spec.apid]
    value = {
        "primary": {
            "version": 0,
            "type": int(spec.type),
            "sec_hdr_flag": 1,
            "apid": int(spec.apid),
            "seq_flags": 3,
            "seq_count": seq,
            "data_length": spec.length_field,
        },
        "secondary": {"coarse": cuc >> 16, "fine": cuc & 0xFFFF},
        "data": packet._asdict(),
    }
    return bytes(FrameStruct.build({"packet": {"value": value}}))


# --- round trips --------------------------------------------------------------------


@pytest.mark.parametrize("apid", APIDS, ids=[SPECS[a].name for a in APIDS])
@given(data=st.data(), seq=st.integers(0, 16383), cuc=cucs())
def test_every_apid_round_trips(apid: int, data: st.DataObject, seq: int, cuc: int) -> None:
    packet = data.draw(packets_of(apid))
    raw = encode(packet, seq, cuc)
    assert len(raw) == SPECS[apid].frame_len
    frame = decode(raw)
    assert (frame.apid, frame.seq, frame.cuc, frame.packet) == (apid, seq, cuc, packet)
    assert type(frame.packet) is CLASS_OF_APID[apid]
    assert encode(frame.packet, frame.seq, frame.cuc) == raw


# --- the derived fast path against construct, both ways -------------------------------


@pytest.mark.parametrize("apid", APIDS, ids=[SPECS[a].name for a in APIDS])
@given(data=st.data(), seq=st.integers(0, 16383), cuc=cucs())
def test_fast_build_equals_construct_build(
    apid: int, data: st.DataObject, seq: int, cuc: int
) -> None:
    packet = data.draw(raw_values(apid))
    assert encode(packet, seq, cuc, check=False) == construct_build(packet, seq, cuc)


@pytest.mark.parametrize("apid", APIDS, ids=[SPECS[a].name for a in APIDS])
@given(data=st.data(), seq=st.integers(0, 16383), cuc=cucs())
def test_fast_parse_equals_construct_parse(
    apid: int, data: st.DataObject, seq: int, cuc: int
) -> None:
    packet = data.draw(raw_values(apid))
    raw = encode(packet, seq, cuc, check=False)
    parsed = FrameStruct.parse(raw)
    fields = CODECS[apid].whole.unpack_from(raw)[6:]
    expected = [parsed.packet.value.data[name] for name in SPECS[apid].field_names]
    assert all(same_value(a, b) for a, b in zip(fields, expected, strict=True))
    primary = parsed.packet.value.primary
    assert (primary.apid, primary.seq_count, primary.data_length) == (
        apid,
        seq,
        SPECS[apid].length_field,
    )
    sec = parsed.packet.value.secondary
    assert sec.coarse << 16 | sec.fine == cuc
    if CODECS[apid].valid(fields):
        frame = decode(raw)
        assert all(same_value(a, b) for a, b in zip(frame.packet, expected, strict=True))


def test_struct_formats_are_read_off_the_construct_definitions() -> None:
    for apid, codec in CODECS.items():
        assert codec.data.format == struct_format_of(SPECS[apid].data)
        assert codec.data.size == SPECS[apid].data.sizeof()


# --- range checks (ICD §2 rule 5) ------------------------------------------------------


def reference_valid(apid: int, values: tuple[Any, ...]) -> bool:
    """ICD §2 rule 5 written plainly, to check the generated predicate against."""
    spec = SPECS[apid]
    fmt = CODECS[apid].data.format[1:]
    limits = {n: (lo, hi) for n, lo, hi in spec.limits}
    masks = dict(spec.bit_masks)
    for name, code, v in zip(spec.field_names, fmt, values, strict=True):
        if code == "f" and not fits_f32(v):
            return False
        if name in limits and not limits[name][0] <= v <= limits[name][1]:
            return False
        if name in masks and v & ~masks[name]:
            return False
    return True


#: just below the smallest double that overflows binary32: it rounds down to F32_MAX
BELOW_F32_OVERFLOW = math.nextafter(F32_OVERFLOW, 0.0)


@settings(max_examples=600)
@given(
    st.sampled_from(APIDS).flatmap(
        lambda a: st.tuples(st.just(a), st.one_of(raw_values(a), wide_values(a)))
    )
)
@example((Apid.ENGINE_CMD, EngineCmd(1, 1, math.nan, 0.0)))
@example((Apid.ENGINE_CMD, EngineCmd(1, 1, -0.0, 0.0)))
@example((Apid.LRF, Lrf(math.inf, 1, 0, 0)))
@example((Apid.SYNC, Sync(0, 0)))
@example((Apid.VELOCIMETER, Velocimeter(1e39, 0.0, 0.0, 1)))
@example((Apid.VELOCIMETER, Velocimeter(0.0, -1e39, 0.0, 1)))
@example((Apid.VELOCIMETER, Velocimeter(F32_MAX, -F32_MAX, 0.0, 1)))
@example((Apid.VELOCIMETER, Velocimeter(BELOW_F32_OVERFLOW, 0.0, -BELOW_F32_OVERFLOW, 1)))
@example((Apid.VELOCIMETER, Velocimeter(0.0, 0.0, F32_OVERFLOW, 1)))
@example((Apid.VELOCIMETER, Velocimeter(-F32_OVERFLOW, 0.0, 0.0, 1)))
@example((Apid.ENGINE_CMD, EngineCmd(1, 1, 1e39, 0.0)))
@example((Apid.ENGINE_CMD, EngineCmd(1, 1, 0.5, -1e39)))
def test_generated_range_predicate_agrees_with_the_icd(case: tuple[int, Packet]) -> None:
    apid, values = case
    expected = reference_valid(apid, values)
    assert CODECS[apid].valid(values) is expected
    if expected:
        CODECS[apid].check(values)
    else:
        with pytest.raises(FieldRangeError):
            CODECS[apid].check(values)


@pytest.mark.parametrize(
    ("packet", "field"),
    [
        (EngineCmd(1, 1, math.nan, 0.0), "throttle"),
        (EngineCmd(1, 1, 1.5, 0.0), "throttle"),
        (EngineCmd(1, 2, 0.5, 0.0), "engine_on"),
        (EngineCmd(1, 1, 0.5, math.inf), "pitch_cmd_rad"),
        (Lrf(-1.0, 1, 0, 0), "range_m"),
        (Lrf(1.0, 0x10, 0, 0), "status"),
        (Sync(0, 0), "period_us"),
    ],
)
def test_encode_refuses_out_of_range_values_naming_the_field(packet: Packet, field: str) -> None:
    with pytest.raises(FieldRangeError) as info:
        encode(packet)
    assert info.value.field == field
    assert field in str(info.value)
    # and decode refuses the same values sent with check=False
    with pytest.raises(FieldRangeError):
        decode(encode(packet, check=False))


def test_f32_boundary_constants_match_struct() -> None:
    assert struct.unpack(">f", struct.pack(">f", F32_MAX))[0] == F32_MAX
    assert struct.unpack(">f", b"\x7f\x7f\xff\xff")[0] == F32_MAX
    assert fits_f32(BELOW_F32_OVERFLOW) and not fits_f32(F32_OVERFLOW)
    assert fits_f32(-BELOW_F32_OVERFLOW) and not fits_f32(-F32_OVERFLOW)


@given(v=st.floats())
@example(v=1e39)
@example(v=-1e39)
@example(v=F32_MAX)
@example(v=-F32_MAX)
@example(v=math.nextafter(F32_MAX, math.inf))  # rounds to F32_MAX on the wire
@example(v=BELOW_F32_OVERFLOW)
@example(v=F32_OVERFLOW)
@example(v=-F32_OVERFLOW)
@example(v=math.inf)
@example(v=math.nan)
def test_encode_accepts_exactly_the_floats_an_f32_can_carry(v: float) -> None:
    """Never a raw OverflowError: a float too large for binary32 is a FieldRangeError."""
    packet = Velocimeter(0.0, v, 0.0, 1)
    if fits_f32(v):
        sent = decode(encode(packet)).packet
        assert isinstance(sent, Velocimeter)
        assert sent.vy_mps == struct.unpack(">f", struct.pack(">f", v))[0]
        assert abs(sent.vy_mps) <= F32_MAX
    else:
        with pytest.raises(FieldRangeError) as info:
            encode(packet)
        err = info.value
        assert (err.packet, err.field) == ("VELOCIMETER", "vy_mps")
        assert same_value(err.value, v)
        assert "a finite f32" in err.expected
        assert "VELOCIMETER.vy_mps" in str(err) and "finite f32" in str(err)


@pytest.mark.parametrize("v", [1e39, -1e39, F32_OVERFLOW, 1e300])
def test_encode_refuses_a_finite_float_too_large_for_f32(v: float) -> None:
    with pytest.raises(FieldRangeError, match=r"VELOCIMETER\.vx_mps = .*a finite f32"):
        encode(Velocimeter(v, 0.0, 0.0, 1))
    with pytest.raises(FieldRangeError, match=r"ENGINE_CMD\.pitch_cmd_rad"):
        encode(EngineCmd(1, 1, 0.5, v))
    with pytest.raises(FieldRangeError, match=r"ENGINE_CMD\.throttle"):
        encode(EngineCmd(1, 1, v, 0.0))  # a limited f32 too


def test_encode_refuses_a_time_beyond_cuc() -> None:
    with pytest.raises(FieldRangeError):
        encode(Sync(0, 1), cuc=MAX_CUC + 1)
    with pytest.raises(FieldRangeError):
        encode(Sync(0, 1), cuc=-1)


# --- decode errors ---------------------------------------------------------------------

GOOD = encode(Lrf(10.0, 1, 9, 1), 1, 1)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "not a frame"),
        (b"\x00" + GOOD[1:], "not a frame"),
        (GOOD[:-1], "length"),
        (GOOD + b"\x00", "length"),
        (bad_crc(GOOD), "bad PEC"),
        (length_lie(GOOD, 16), "length"),
        (wrong_apid(GOOD, 0x555), "not in ICD v1"),
        (wrong_version(GOOD, 1), "primary header"),
    ],
)
def test_decode_raises_frame_error_with_the_bytes(raw: bytes, reason: str) -> None:
    with pytest.raises(FrameError) as info:
        decode(raw)
    assert reason in str(info.value)
    assert info.value.data == raw


def test_codec_for_names_and_classes() -> None:
    assert codec_for("LRF") is codec_for(Apid.LRF) is codec_for(Lrf) is codec_for(Lrf(0, 0, 0, 0))
    for bad in ("NOPE", 0x555, int):
        with pytest.raises(UnknownPacketError):
            codec_for(bad)  # type: ignore[arg-type]


# --- sequence counters and time ---------------------------------------------------------


def test_framer_counts_per_apid_and_wraps() -> None:
    framer = Framer()
    seqs = [decode(framer.encode(Sync(k, 1), 0)).seq for k in range(3)]
    assert seqs == [0, 1, 2]
    assert decode(framer.encode(Lrf(1.0, 1, 0, 0), 0)).seq == 0  # its own counter
    framer.continue_after(Apid.SYNC, 16382)
    assert [decode(framer.encode(Sync(0, 1), 0)).seq for _ in range(2)] == [16383, 0]


@given(data=st.data(), n=st.integers(1, 12))
def test_framer_frames_equal_the_pinned_encoder_one_by_one_and_all_at_once(
    data: st.DataObject, n: int
) -> None:
    """``Framer.encode`` and ``encode_each`` (their own packing, without the ASM) give the
    bytes of ``encode`` -- which the test above pins to construct -- with the sequence
    counts a framer keeps per APID."""
    items = [
        (data.draw(packets_of(data.draw(st.sampled_from(APIDS)))), data.draw(cucs()))
        for _ in range(n)
    ]
    counts: dict[int, int] = {}
    expected = []
    for packet, cuc in items:
        apid = int(codec_for(packet).spec.apid)
        expected.append(encode(packet, counts.get(apid, 0), cuc))
        counts[apid] = counts.get(apid, 0) + 1
    one, each = Framer(), Framer()
    assert [one.encode(p, c) for p, c in items] == expected
    assert each.encode_each(items) == expected
    assert one.sent == each.sent == counts
    assert one.encode_all(items) == each.encode_all(items)


def test_asm_is_the_ccsds_marker() -> None:
    assert bytes.fromhex("1ACFFC1D") == ASM
    assert GOOD.startswith(ASM)


@given(st.integers(0, 10**13))
def test_cuc_round_trips_to_the_microsecond(t_us: int) -> None:
    cuc = cuc_from_us(t_us)
    assert abs(cuc_to_us(cuc) - t_us) <= 8  # half a 2^-16 s tick is 7.6 us
    assert abs(cuc_to_s(cuc) - t_us / 1e6) <= 8e-6
    assert cuc_from_us(cuc_to_us(cuc)) == cuc


def _f32_bits_near_the_edges() -> st.SearchStrategy[bytes]:
    """4-byte f32 patterns biased to infinities, NaNs and the largest finite values."""
    edges = [0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F7FFFFF, 0xFF7FFFFF, 0]
    return st.one_of(
        st.sampled_from(edges).map(lambda b: b.to_bytes(4, "big")),
        st.binary(min_size=4, max_size=4),
    )


@given(data=st.data())
def test_decoded_range_predicate_equals_the_encoders_on_unpacked_values(
    data: st.DataObject,
) -> None:
    """The deframer's predicate (f32 fields without limits tested by their sum) accepts
    exactly what the encoder's accepts, for any user data unpacked from bytes."""
    codec = data.draw(st.sampled_from(list(CODECS.values())))
    raw = b"".join(
        data.draw(_f32_bits_near_the_edges())
        if code == "f"
        else data.draw(
            st.binary(min_size=struct.calcsize(">" + code), max_size=struct.calcsize(">" + code))
        )
        for code in codec.data.format[1:]
    )
    values = codec.data.unpack(raw)
    assert codec.valid_decoded(values) == codec.valid(values)
