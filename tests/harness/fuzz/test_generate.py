"""Cases from bytes: zeros are the plainest case, the same bytes the same case, every
write ends with its requests, and the mix is mostly frames that carry a valid PEC."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from harness.fuzz.generate import Blob, case_of
from packets import Deframer, Ping, Sync
from packets.icd import ASM


def test_zero_bytes_are_the_plainest_case():
    case = case_of(b"")
    assert [w.carries for w in case] == [["SYNC(0)"], ["SYNC(1)"], ["PING(1)"]]
    assert case_of(bytes(320)) == case  # zeros past the end read as zeros


def test_a_blob_reads_big_endian_within_the_range_and_zeros_past_the_end():
    b = Blob(bytes([7, 1, 2]))
    assert b(0, 3) == 3  # 7 % 4
    assert b(0, 0xFFFF) == 0x0102
    assert b(5, 9) == 5
    assert b.take(3) == bytes(3)


@given(st.binary(min_size=0, max_size=320))
def test_same_bytes_same_case_and_each_write_ends_with_its_requests(blob: bytes):
    a, b = case_of(blob), case_of(blob)
    assert [w.chunks for w in a] == [w.chunks for w in b]
    for w in a:
        assert b"".join(w.chunks) == w.data
        last = w.parts[-1][1]
        assert last.startswith(("SYNC(", "PING("))
        # the last part is an intact request frame: a receiver ends the write on it
        (frame,) = Deframer().feed(w.parts[-1][0])
        assert type(frame.packet) in (Sync, Ping)


def test_the_mix_is_mostly_frames_with_a_valid_pec():
    rnd = random.Random(3)
    d = Deframer()
    sent = accepted = 0
    mutated = garbage = 0
    for _ in range(300):
        for w in case_of(rnd.randbytes(320)):
            sent += sum(1 for _, what in w.parts if what != "garbage")
            garbage += sum(1 for _, what in w.parts if what == "garbage")
            mutated += sum(1 for _, what in w.parts if " " in what)
            accepted += len(d.feed(w.data))
            d.resync()
    assert accepted / sent > 0.6  # valid frames plus above-the-CRC ones the ICD accepts
    assert mutated / sent > 0.15 and garbage > 50
    assert d.stats.crc_errors > 100 and d.stats.rejected > 50 and d.stats.unknown_apid > 20
    assert ASM in b"".join(w.data for w in case_of(rnd.randbytes(320)))
