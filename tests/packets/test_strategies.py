"""packets.strategies is public API: its packets are valid and its mutations do what
their names say."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packets import Deframer, FieldRangeError, FrameError, decode, encode
from packets.icd import ASM, SPECS
from packets.strategies import (
    CORRUPTIONS,
    EncodedFrame,
    Stream,
    any_packet,
    bad_crc,
    bitflip,
    byteset,
    chunked,
    chunkings,
    damage,
    encoded_frames,
    false_sync,
    length_lie,
    packets_of,
    seq_gap,
    streams,
    truncate,
    wrong_apid,
    wrong_version,
)


@pytest.mark.parametrize("apid", sorted(SPECS), ids=[s.name for s in SPECS.values()])
@given(data=st.data())
def test_packets_of_are_valid_and_of_their_apid(apid: int, data: st.DataObject) -> None:
    packet = data.draw(packets_of(apid))
    assert decode(encode(packet)).apid == apid  # encode checks every range


@given(any_packet())
def test_any_packet_is_valid(packet: object) -> None:
    encode(packet)  # type: ignore[arg-type]


@given(streams(max_frames=20))
def test_streams_carry_their_frames(stream: Stream) -> None:
    assert Deframer().feed(stream.data) == stream.frames


@given(encoded_frames(), st.data())
def test_each_corruption_stops_the_frame_decoding(ef: EncodedFrame, data: st.DataObject) -> None:
    hurt = data.draw(damage(ef.data))
    assert hurt.name in CORRUPTIONS
    if hurt.data != ef.data:
        with pytest.raises((FrameError, FieldRangeError)):
            decode(hurt.data)


@given(encoded_frames())
def test_named_mutations(ef: EncodedFrame) -> None:
    raw = ef.data
    assert bitflip(raw, 0)[0] == raw[0] ^ 0x80
    assert byteset(raw, 5, 0xAB)[5] == 0xAB
    assert len(truncate(raw, 3)) == 3
    with pytest.raises(FrameError, match="bad PEC"):
        decode(bad_crc(raw, 0x1234))
    with pytest.raises(FrameError, match="length"):
        decode(length_lie(raw, 3))
    with pytest.raises(FrameError, match="not in ICD v1"):
        decode(wrong_apid(raw, 0x555))
    with pytest.raises(FrameError, match="primary header"):
        decode(wrong_version(raw, 4))
    gapped = decode(seq_gap(raw, 3))  # still a valid frame, with a good PEC
    assert gapped.seq == (ef.frame.seq + 3) % 16384
    assert gapped.packet == ef.frame.packet
    assert false_sync() == ASM


@given(st.binary(max_size=200), st.data())
def test_chunkings_join_to_the_data(data_bytes: bytes, data: st.DataObject) -> None:
    chunks = data.draw(chunkings(data_bytes))
    assert b"".join(chunks) == data_bytes
    assert chunked(b"abcdef", [4, 2, 2]) == [b"ab", b"", b"cd", b"ef"]
