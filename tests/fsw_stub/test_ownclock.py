"""The stub on its own clock: SYNC ignored, a cycle per period from STATE_INIT on, its
ticks its own count and its stamps its own time; overdue cycles skipped, not bursted."""

from __future__ import annotations

from fsw_stub.ownclock import OwnClockFsw
from packets import (
    Deframer,
    EngineCmd,
    Framer,
    FswStatus,
    Imu,
    Ping,
    Pong,
    StateInit,
    Sync,
    cuc_from_us,
)

from .conftest import config


class FakeNow:
    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


def _frames(data: bytes) -> list[object]:
    return [f.packet for f in Deframer().feed(data)]


def _stamps(data: bytes) -> list[int]:
    return [f.cuc for f in Deframer().feed(data)]


def test_sync_is_ignored_and_nothing_cycles_before_state_init() -> None:
    now = FakeNow()
    fsw = OwnClockFsw(config(), now=now)
    enc = Framer().encode
    out = fsw.receive(enc(Ping(7), 0) + enc(Sync(0, 50_000), 0) + enc(Sync(1, 50_000), 3277))
    assert _frames(out) == [Pong(7, 1)]
    assert fsw.syncs_ignored == 2
    assert fsw.next_due() is None


def test_cycles_run_on_its_own_period_from_state_init_with_its_own_ticks() -> None:
    now = FakeNow()
    fsw = OwnClockFsw(config(), now=now)
    enc = Framer().encode
    fsw.receive(enc(StateInit(100.0, 0.0, 0.0, -5.0, 400.0, 5.0, 0.5), 0))
    assert fsw.next_due() == 50.0
    answers = []
    for j in range(4):
        assert fsw.next_due() == 50.0 + 0.05 * j
        now.t = 50.0 + 0.05 * j + 0.001  # the pump wakes a little after the deadline
        out = fsw.cycle()
        answers.append(out)
        packets = _frames(out)
        assert isinstance(packets[-1], EngineCmd) and packets[-1].tick == j
        assert isinstance(packets[-2], FswStatus) and packets[-2].tick == j
        assert set(_stamps(out)) == {cuc_from_us(j * 50_000)}  # its own time
        # an IMU frame between cycles is navigated on, and a SYNC still changes nothing
        fsw.receive(enc(Imu(0.08, 0.0, 0.0, 0.0, 0.0, 0.0, 50_000, 1), cuc_from_us(j * 50_000)))
        assert fsw.receive(enc(Sync(99, 50_000), 0)) == b""
    assert fsw.cycles == 4 and fsw.skipped_cycles == 0


def test_a_cycle_more_than_a_period_late_is_skipped_not_bursted() -> None:
    now = FakeNow()
    fsw = OwnClockFsw(config(), now=now)
    fsw.receive(Framer().encode(StateInit(100.0, 0.0, 0.0, -5.0, 400.0, 5.0, 0.5), 0))
    fsw.cycle()  # cycle 0 at 50.0
    now.t = 50.0 + 0.05 * 3 + 0.01  # the host stalled: cycles 1 and 2 are overdue
    packets = _frames(fsw.cycle())
    assert packets[-1].tick == 3  # type: ignore[attr-defined]
    assert fsw.skipped_cycles == 2
    assert fsw.next_due() == 50.0 + 0.05 * 4
