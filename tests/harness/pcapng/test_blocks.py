"""The pcapng writer and reader: round trips, python-pcapng as an independent reader of
what we write, hand-built big-endian and microsecond files, and errors that name the byte."""

from __future__ import annotations

import io
import struct

import pcapng as oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.pcapng.blocks import (
    BLOCK_EPB,
    BLOCK_IDB,
    BLOCK_SHB,
    EPB_INBOUND,
    EPB_OUTBOUND,
    LINKTYPE_USER0,
    Interface,
    Packet,
    PcapngError,
    PcapngWriter,
    is_pcapng,
    read_pcapng,
)

#: python-pcapng 2.1.1 warns about its own option tables
pytestmark = pytest.mark.filterwarnings("ignore:Field type should not be:DeprecationWarning")
IFACES = [Interface(LINKTYPE_USER0, "H2F", "harness to FSW"), Interface(LINKTYPE_USER0, "F2H")]
packets_st = st.lists(
    st.builds(
        Packet,
        st.integers(0, 1),
        st.integers(0, 2**63 - 1),
        st.binary(max_size=70),
        st.one_of(st.none(), st.text(min_size=1, max_size=40)),
        st.one_of(st.none(), st.sampled_from([EPB_INBOUND, EPB_OUTBOUND])),
    ),
    max_size=20,
)


def written(packets: list[Packet], comment: str = "a section") -> bytes:
    buf = io.BytesIO()
    w = PcapngWriter(buf, IFACES, user_appl="lunar-hil", comment=comment)
    for p in packets:
        w.write(p.interface_id, p.timestamp_ns, p.data, comment=p.comment, flags=p.flags)
    return buf.getvalue()


@given(packets_st)
def test_what_is_written_reads_back(packets: list[Packet]) -> None:
    data = written(packets)
    assert len(data) % 4 == 0 and is_pcapng(data)
    reader = read_pcapng(data, "t.pcapng")
    assert list(reader) == packets
    assert reader.section.user_appl == "lunar-hil"
    assert reader.section.comment == "a section"
    assert reader.section.interfaces == IFACES


@given(packets_st)
def test_python_pcapng_reads_what_we_write(packets: list[Packet]) -> None:
    blocks = list(oracle.FileScanner(io.BytesIO(written(packets))))
    shb, idbs, epbs = blocks[0], blocks[1:3], blocks[3:]
    assert isinstance(shb, oracle.blocks.SectionHeader)
    assert shb.options["shb_userappl"] == "lunar-hil"
    assert shb.options["opt_comment"] == "a section"
    assert [(i.link_type, i.options["if_name"]) for i in idbs] == [(147, "H2F"), (147, "F2H")]
    assert all(i.timestamp_resolution == 1e-9 for i in idbs)
    assert len(epbs) == len(packets)
    for epb, p in zip(epbs, packets, strict=True):
        assert isinstance(epb, oracle.blocks.EnhancedPacket)
        assert (epb.interface_id, epb.packet_data, epb.packet_len) == (
            p.interface_id,
            p.data,
            len(p.data),
        )
        assert (epb.timestamp_high << 32 | epb.timestamp_low) == p.timestamp_ns
        assert epb.options.get("opt_comment") == p.comment
        if p.flags is not None:
            assert epb.options["epb_flags"].inout == ("inbound" if p.flags == 1 else "outbound")


def _block(endian: str, block_type: int, body: bytes) -> bytes:
    return (
        struct.pack(endian + "II", block_type, 12 + len(body))
        + body
        + struct.pack(endian + "I", 12 + len(body))
    )


def test_a_big_endian_file_with_microsecond_stamps_and_foreign_blocks_reads() -> None:
    e = ">"
    shb = _block(e, BLOCK_SHB, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    name = b"F2H\0"
    idb = _block(
        e,
        BLOCK_IDB,
        struct.pack(e + "HHI", LINKTYPE_USER0, 0, 0)
        + struct.pack(e + "HH", 2, 3)
        + name
        # no if_tsresol: microseconds, the default
        + struct.pack(e + "HH", 0, 0),
    )
    isb = _block(e, 5, b"\0" * 12)  # an interface statistics block: skipped
    ts_us = 1_700_000_000_123_456
    epb = _block(
        e,
        BLOCK_EPB,
        struct.pack(e + "IIIII", 0, ts_us >> 32, ts_us & 0xFFFFFFFF, 3, 3) + b"abc\0",
    )
    reader = read_pcapng(shb + idb + isb + epb, "be.pcapng")
    assert list(reader) == [Packet(0, ts_us * 1000, b"abc", None, None)]
    assert reader.section.interfaces == [Interface(LINKTYPE_USER0, "F2H")]


def test_a_truncated_block_is_an_error_that_names_its_offset() -> None:
    data = written([Packet(0, 5, b"abcdef", "c", None), Packet(1, 6, b"gh", None, None)])
    reader = read_pcapng(data[:-3], "cut.pcapng")
    assert next(reader).data == b"abcdef"
    with pytest.raises(PcapngError, match=r"cut\.pcapng: bad or truncated block .* at byte offset"):
        next(reader)


def test_a_file_that_is_not_pcapng_is_refused_with_its_first_bytes() -> None:
    with pytest.raises(PcapngError, match=r"not a pcapng file .*4c48494c"):
        read_pcapng(b"LHILCAP1", "x.lhcap")


def test_a_packet_on_an_undescribed_interface_is_refused() -> None:
    with pytest.raises(ValueError, match=r"interface 2 not in 0\.\.1"):
        PcapngWriter(io.BytesIO(), IFACES, user_appl="t").write(2, 0, b"x")
