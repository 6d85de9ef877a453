"""The gate: naive latches on a persistent step, robust re-baselines to it; a stamped,
delayed measurement is carried to now by the IMU's displacement."""

from __future__ import annotations

from fsw_stub.lrf import LrfMonitor
from fsw_stub.nav import History, VerticalFilter
from fsw_stub.telemetry import EventCode

from .conftest import config

G = 1.62
DT_US = 10_000


class Descent:
    """A vehicle descending at constant speed, its filter and history."""

    def __init__(self, profile: str, h0: float = 2000.0, vz: float = -40.0) -> None:
        self.mon = LrfMonitor(config(profile))
        self.kf = VerticalFilter(h0, vz, 5.0, 0.5, 0.001)
        self.hist = History(5_000_000)
        self.t_us = 0
        self.h_true = h0
        self.vz = vz
        self.hist.record(0, 0.0, 0.0)

    def run(self, seconds: float, terrain_offset: float = 0.0, latency_us: int = 0) -> list:
        events = []
        for _ in range(int(seconds * 1e6) // DT_US):
            self.t_us += DT_US
            dt = DT_US / 1e6
            self.h_true += self.vz * dt
            dh = self.kf.propagate(G * dt, dt, G, 0.05, 2e-4)
            self.hist.record(self.t_us, dh, 0.0)
            if self.t_us % 100_000 == 0:
                acq = self.t_us - latency_us
                meas = self.h_true - self.vz * latency_us / 1e6 + terrain_offset
                res = self.mon.process(meas, 0x01, acq, self.t_us, 0.0, self.kf, self.hist)
                events.extend(res.events)
        return events


def test_naive_latches_on_a_persistent_step_and_never_recovers() -> None:
    d = Descent("naive")
    d.run(2.0)
    assert d.mon.acquired and not d.mon.latched_failed
    events = d.run(2.0, terrain_offset=3000.0)
    codes = [c for c, _ in events]
    assert EventCode.LRF_LATCHED_FAILED in codes
    assert d.mon.latched_failed
    accepted = d.mon.accepted
    d.run(2.0, terrain_offset=0.0)  # even agreeing data is never used again
    assert d.mon.accepted == accepted
    assert abs(d.kf.h - d.h_true) < 20  # IMU-only: it still believes the old terrain


def test_robust_rebaselines_to_a_persistent_step() -> None:
    d = Descent("robust")
    d.run(2.0)
    events = d.run(2.0, terrain_offset=3000.0)
    codes = [c for c, _ in events]
    assert EventCode.LRF_REBASELINED in codes
    assert not d.mon.latched_failed
    assert abs(d.kf.h - (d.h_true + 3000.0)) < 30
    rejected = d.mon.rejected
    d.run(1.0, terrain_offset=3000.0)
    assert d.mon.rejected - rejected <= 1  # the new terrain is accepted from then on


def test_robust_does_not_rebaseline_to_a_stuck_sensor() -> None:
    d = Descent("robust")
    d.run(2.0)
    h_stuck = d.h_true + 500.0
    for _ in range(60):  # a stuck reading disagrees with the IMU's motion
        for _ in range(10):
            d.t_us += DT_US
            d.h_true += d.vz * 0.01
            d.hist.record(d.t_us, d.kf.propagate(G * 0.01, 0.01, G, 0.05, 2e-4), 0.0)
        d.mon.process(h_stuck, 0x01, d.t_us, d.t_us, 0.0, d.kf, d.hist)
    assert abs(d.kf.h - d.h_true) < 20


def test_stamped_delayed_measurement_is_compensated() -> None:
    # 2 s latency at 40 m/s: an 80 m bias if taken as measured on arrival
    robust = Descent("robust")
    robust.run(3.0)  # history to carry the first late samples with
    robust.run(6.0, latency_us=2_000_000)
    assert abs(robust.kf.h - robust.h_true) < 5
    assert robust.mon.rejected <= 1
    naive = Descent("naive")
    naive.run(3.0)
    naive.run(6.0, latency_us=2_000_000)
    assert naive.mon.latched_failed or abs(naive.kf.h - naive.h_true) > 40


def test_invalid_status_is_not_a_measurement() -> None:
    d = Descent("robust")
    res = d.mon.process(0.0, 0x04, 0, 0, 0.0, d.kf, d.hist)
    assert not res.accepted and not res.rejected
    assert d.mon.stale(10_000_000)
