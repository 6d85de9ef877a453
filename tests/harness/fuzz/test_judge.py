"""The oracles judge hand-made exchanges as the ICD says: what a correct FSW answers
passes, each kind of wrong answer is named by its oracle."""

from __future__ import annotations

import math

import pytest

from harness.fuzz.judge import Judge, Violation
from packets import Deframer, EngineCmd, Event, Framer, FswStatus, Lrf, Ping, Pong, Sync
from packets.mutations import bad_crc, truncate

H = Framer()  # the harness side
F = Framer()  # the FSW side


def status(tick: int, frames: int, crc: int = 0, skipped: int = 0, rejected: int = 0) -> bytes:
    return F.encode(
        FswStatus(tick, 1, 0, 0.0, 0.0, 0.0, 0.0, 0, 0, frames, crc, skipped, rejected), 0
    )


def cmd(tick: int, throttle: float = 0.5) -> bytes:
    return F.encode(EngineCmd(tick, 1, throttle, 0.0), 0, check=False)


def answer(judge: Judge, data: bytes) -> None:
    judge.answered(list(Deframer().feed(data)))


def test_a_correct_exchange_passes_and_counters_are_anchored_at_the_baseline():
    j = Judge()
    (r,) = j.sent(H.encode(Sync(0, 50_000), 0))
    assert (r.kind, r.key) == ("sync", 0)
    answer(j, F.encode(Event(1, 0, 0.0), 0) + status(0, frames=7) + cmd(0))
    assert not j.waiting and j.offset == {
        "rx_frames": 6,
        "rx_crc_errors": 0,
        "rx_rejected": 0,
        "rx_skipped_bytes": 0,
    }
    lrf = H.encode(Lrf(10.0, 1, 9, 1), 0)
    (r,) = j.sent(b"\x00" * 5 + bad_crc(lrf) + lrf + H.encode(Sync(1, 50_000), 0))
    # five bytes of junk, then a PEC error: the hunt resumes one byte after its ASM and
    # skips all of it (no ASM inside), 5 + 26 bytes
    assert r.end is not None and (r.end.rx_crc_errors, r.end.rx_skipped_bytes) == (1, 31)
    answer(j, status(1, frames=9, crc=1, skipped=31) + cmd(1))
    j.sent(H.encode(Ping(3), 0))
    answer(j, F.encode(Pong(3, 10), 0))
    assert not j.waiting


@pytest.mark.parametrize(
    ("reply", "oracle", "words"),
    [
        (lambda: cmd(0), "lockstep", "without FSW_STATUS"),
        (lambda: status(0, 7) + cmd(0) + cmd(0), "lockstep", "answered already"),
        (lambda: status(0, 7) + cmd(1), "lockstep", "ENGINE_CMD(1) while SYNC(0)"),
        (lambda: F.encode(Pong(1, 0), 0), "lockstep", "PONG(1) while SYNC(0)"),
        (lambda: status(0, 7) + cmd(0, math.nan), "command_sanity", "throttle"),
        (lambda: status(0, 7) + cmd(0, 2.0), "command_sanity", "throttle"),
        (lambda: status(0, 7) + b"junk" + cmd(0), "lockstep", "not frames"),
        (lambda: status(0, 7) + bad_crc(cmd(0)), "lockstep", "bad PEC"),
    ],
)
def test_each_wrong_answer_is_named_by_its_oracle(reply, oracle: str, words: str):
    j = Judge()
    j.sent(H.encode(Sync(0, 50_000), 0))
    rx = Deframer(on_reject=lambda r: items.append(r))
    items: list[object] = []
    rx.feed(reply(), into=items)  # type: ignore[arg-type]
    with pytest.raises(Violation) as err:
        j.answered(items)  # type: ignore[arg-type]
        j.junk(rx.stats.skipped_bytes)
    assert err.value.oracle == oracle and words in err.value.detail


def test_accounting_names_the_counter_that_is_off():
    j = Judge()
    j.sent(H.encode(Sync(0, 50_000), 0))
    answer(j, status(0, frames=3) + cmd(0))
    lrf = H.encode(Lrf(10.0, 1, 9, 1), 0)
    j.sent(bad_crc(lrf) + H.encode(Sync(1, 50_000), 0))
    with pytest.raises(Violation) as err:
        answer(j, status(1, frames=4, crc=0, skipped=1) + cmd(1))  # the PEC error unreported
    assert err.value.oracle == "accounting" and "rx_crc_errors 0, expected 1" in str(err.value)


def test_a_sync_behind_a_frame_cut_short_is_still_owed_an_answer():
    """The cut frame's candidate swallows the SYNC; after the quiet that follows, a
    correct receiver resyncs one byte past its ASM and finds the SYNC (ICD §2 rule 7)."""
    j = Judge()
    lrf = H.encode(Lrf(10.0, 1, 9, 1), 0)
    (r,) = j.sent(truncate(lrf, 5) + H.encode(Sync(4, 50_000), 0))
    assert (r.kind, r.key) == ("sync", 4)
    assert r.end is not None and r.end.rx_skipped_bytes == 5  # the cut frame, skipped


def test_a_damaged_sync_is_owed_nothing():
    j = Judge()
    assert j.sent(bad_crc(H.encode(Sync(0, 50_000), 0))) == []
    assert not j.waiting
