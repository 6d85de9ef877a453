"""The wall clock's statistics against a fake clock: lateness, overruns, achieved ratio
and percentiles, each stated exactly beforehand."""

from __future__ import annotations

import math
import os

import pytest

from harness.pacing import (
    PacingRecord,
    RtPriorityError,
    WallClock,
    percentile,
    realtime_priority,
)

STEP_US = 10_000


class FakeTime:
    """A monotonic clock that moves only when slept on or worked in; each sleep lands
    ``overshoot[i]`` seconds after the instant it was asked for."""

    def __init__(self, overshoots: list[float], quantum_s: float = 0.0) -> None:
        self.t = 1000.0
        self.overshoots = list(overshoots)
        self.quantum_s = quantum_s
        self.sleeps: list[float] = []

    def now(self) -> float:
        t = self.t
        self.t += self.quantum_s  # a spin must see time pass
        return t

    def sleep(self, dt: float) -> None:
        self.sleeps.append(dt)
        self.t += dt + (self.overshoots.pop(0) if self.overshoots else 0.0)

    def work(self, dt: float) -> None:
        self.t += dt


def test_percentile_is_nearest_rank() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 99) == 5.0
    assert percentile(values, 20) == 1.0
    assert percentile(values, 21) == 2.0
    assert percentile(list(range(1, 101)), 99) == 99
    assert math.isnan(percentile([], 50))


def test_lateness_is_the_sleeps_overshoot_when_there_is_no_spin() -> None:
    overshoots = [0.0, 0.0002, 0.0, 0.0011, 0.00005, 0.0, 0.0, 0.0003, 0.0, 0.0]
    fake = FakeTime(overshoots)
    clock = WallClock(STEP_US, spin_s=0.0, now=fake.now, sleep=fake.sleep)
    clock.start()
    for s in range(len(overshoots) + 1):
        clock.wait_for_tick(s, s * STEP_US)
    lateness = clock.record.lateness_s
    # step 0 is due at start (no sleep); step s sleeps and lands overshoots[s-1] late
    assert lateness[0] == 0.0
    assert lateness[1:] == pytest.approx(overshoots, abs=1e-12)
    summary = clock.finish(len(overshoots) * STEP_US).summary()
    assert summary["jitter_p50_ms"] == pytest.approx(0.0, abs=1e-9)
    assert summary["jitter_p99_ms"] == pytest.approx(1.1, abs=1e-9)
    assert summary["jitter_max_ms"] == pytest.approx(1.1, abs=1e-9)
    assert summary["overruns"] == 0
    # 10 steps of sim in 10 steps of wall plus the last step's 0 overshoot
    assert summary["achieved_ratio"] == pytest.approx(1.0, abs=1e-12)


def test_deadlines_are_absolute_so_a_late_step_does_not_shift_the_next() -> None:
    fake = FakeTime([0.004, 0.0, 0.0])
    clock = WallClock(STEP_US, spin_s=0.0, now=fake.now, sleep=fake.sleep)
    clock.start()
    t0 = fake.t
    for s in range(4):
        clock.wait_for_tick(s, s * STEP_US)
    # step 1 landed 4 ms late; step 2 is still due at t0 + 20 ms, so it sleeps 6 ms
    assert fake.sleeps == pytest.approx([0.010, 0.006, 0.010], abs=1e-12)
    assert fake.t == pytest.approx(t0 + 0.030, abs=1e-12)


def test_work_past_the_next_deadline_is_an_overrun_with_its_size() -> None:
    fake = FakeTime([])
    clock = WallClock(STEP_US, spin_s=0.0, now=fake.now, sleep=fake.sleep)
    clock.start()
    work = [0.002, 0.013, 0.001, 0.025, 0.004, 0.0]  # s: the work done after step s started
    for s, w in enumerate(work):
        clock.wait_for_tick(s, s * STEP_US)
        fake.work(w)
    rec = clock.record
    # step 1 (due 10 ms) works to 23 ms: step 2 (due 20) starts 3 ms late; step 3 (due 30)
    # works to 55 ms: step 4 (due 40) starts 15 ms late, works to 59: step 5 (due 50) 9 late
    assert rec.overruns == 3
    assert rec.worst_overrun_s == pytest.approx(0.015, abs=1e-12)
    assert rec.lateness_s == pytest.approx([0.0, 0.0, 0.003, 0.0, 0.015, 0.009], abs=1e-12)


def test_spin_reaches_the_deadline_after_an_early_sleep() -> None:
    """The sleep stops ``spin_s`` early; the spin on now() covers the rest, so lateness
    is at most two clock reads (the check on entry, the read that ends the spin)."""
    quantum = 1e-6
    fake = FakeTime([], quantum_s=quantum)
    clock = WallClock(STEP_US, spin_s=0.0005, now=fake.now, sleep=fake.sleep)
    clock.start()
    for s in range(20):
        clock.wait_for_tick(s, s * STEP_US)
    assert all(0.0 <= x <= 2 * quantum + 1e-12 for x in clock.record.lateness_s)
    assert all(dt == pytest.approx(0.0095, abs=1e-5) for dt in fake.sleeps)


def test_speed_scales_deadlines_and_the_ratio_is_relative_to_it() -> None:
    fake = FakeTime([])
    clock = WallClock(STEP_US, speed=4.0, spin_s=0.0, now=fake.now, sleep=fake.sleep)
    clock.start()
    for s in range(9):
        clock.wait_for_tick(s, s * STEP_US)
    assert fake.sleeps == pytest.approx([0.0025] * 8, abs=1e-12)
    assert clock.sim_us_at(clock.t0 + 0.0025) == STEP_US
    assert clock.finish(8 * STEP_US).achieved_ratio == pytest.approx(1.0, abs=1e-12)


def test_a_bad_speed_is_refused() -> None:
    with pytest.raises(ValueError, match="speed"):
        WallClock(STEP_US, speed=0.0)


def test_command_latency_figures() -> None:
    rec = PacingRecord(cmd_latency_s=[0.001, 0.003, 0.002, 0.010])
    s = rec.summary()
    assert s["cmd_latency_p50_ms"] == pytest.approx(2.0)
    assert s["cmd_latency_p99_ms"] == pytest.approx(10.0)
    assert s["commands"] == 4


def test_rt_priority_zero_leaves_scheduling_alone() -> None:
    before = os.sched_getscheduler(0)
    with realtime_priority(0) as granted:
        assert granted == "SCHED_OTHER"
        assert os.sched_getscheduler(0) == before


def test_rt_priority_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(RtPriorityError, match=r"must be in \[1, 99\]"), realtime_priority(500):
        pass


def test_rt_priority_is_granted_or_refused_with_the_reason() -> None:
    """Root (or CAP_SYS_NICE) gets SCHED_FIFO for the block and back after; anyone else
    gets a message that says what to do."""
    try:
        with realtime_priority(10) as granted:
            assert granted == "SCHED_FIFO priority 10"
            assert os.sched_getscheduler(0) & ~getattr(os, "SCHED_RESET_ON_FORK", 0) == (
                os.SCHED_FIFO
            )
    except RtPriorityError as exc:
        assert "CAP_SYS_NICE" in str(exc)
        return
    assert os.sched_getscheduler(0) == os.SCHED_OTHER
