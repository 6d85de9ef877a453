"""The telecommands as XTCE MetaCommands: a packet laid out from a MetaCommand's entries
(read from the XML alone) is byte for byte the packet our encoder frames, PEC aside."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from packets import SPECS, Frame, PacketType
from packets.export.xtce import XTCE_NS, xtce_document
from packets.strategies import encoded_frames, packets_of

NS = {"x": XTCE_NS}
TC_APIDS = sorted(a for a, s in SPECS.items() if s.type == PacketType.TC)


@cache
def command_metadata() -> ET.Element:
    el = ET.fromstring(xtce_document().encode()).find("x:CommandMetaData", NS)
    assert el is not None
    return el


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def lay_out(command: ET.Element, values: dict[str, int | float]) -> bytes:
    """Pack the command's entries MSB first: fixed values as given, arguments by their type."""
    types = {t.get("name"): t for t in command_metadata().find("x:ArgumentTypeSet", NS) or ()}
    arg_types = {
        a.get("name"): types[a.get("argumentTypeRef")]
        for a in command.findall("x:ArgumentList/x:Argument", NS)
    }
    acc = nbits = 0
    for entry in command.findall("x:CommandContainer/x:EntryList/*", NS):
        if _local(entry.tag) == "FixedValueEntry":
            size = int(entry.get("sizeInBits", "0"))
            value = int(entry.get("binaryValue", ""), 16)
        else:
            assert _local(entry.tag) == "ArgumentRefEntry"
            name = entry.get("argumentRef", "")
            t = arg_types[name]
            enc = t.find("x:IntegerDataEncoding", NS)
            if enc is None:
                enc = t.find("x:FloatDataEncoding", NS)
                assert enc is not None and enc.get("encoding") == "IEEE754_1985"
                size = int(enc.get("sizeInBits", "0"))
                value = struct.unpack(">I", struct.pack(">f", values[name]))[0]
            else:
                assert enc.get("encoding") in ("unsigned", "twosComplement")
                size = int(enc.get("sizeInBits", "0"))
                value = int(values[name]) & ((1 << size) - 1)
        assert 0 <= value < (1 << size)
        acc, nbits = (acc << size) | value, nbits + size
    assert nbits % 8 == 0
    return acc.to_bytes(nbits // 8, "big")


def test_every_telecommand_apid_is_a_metacommand() -> None:
    names = [
        m.get("name") for m in command_metadata().findall("x:MetaCommandSet/x:MetaCommand", NS)
    ]
    assert names == [SPECS[a].name for a in TC_APIDS]


@given(encoded_frames(packets=st.one_of(*(packets_of(a) for a in TC_APIDS))))
def test_a_metacommand_lays_out_the_packet_our_encoder_frames(frame: tuple[Frame, bytes]) -> None:
    decoded, raw = frame
    command = command_metadata().find(
        f"x:MetaCommandSet/x:MetaCommand[@name='{SPECS[decoded.apid].name}']", NS
    )
    assert command is not None
    values: dict[str, int | float] = dict(decoded.packet._asdict())
    values |= {
        "CCSDS_seq_count": decoded.seq,
        "CUC_coarse": decoded.cuc >> 16,
        "CUC_fine": decoded.cuc & 0xFFFF,
    }
    packet = lay_out(command, values)
    assert packet[:-2] == raw[4:-2]  # everything but the ASM and the PEC
    assert packet[-2:] == b"\0\0"  # the PEC: reserved for the sender to fill in
