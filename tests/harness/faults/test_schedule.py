"""Every fault kind respects its schedule: nothing is applied, nothing changes, outside it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.harness.faults.helpers import Paired, only

KINDS: list[dict[str, Any]] = [
    {"kind": "latency", "sensor": "lrf", "latency_s": 0.3, "jitter_s": 0.2},
    {"kind": "latency", "sensor": "lrf", "latency_s": 0.2, "stamped": False, "fifo": False},
    {"kind": "late_acquisition", "sensor": "lrf", "valid_below_alt_m": 1500.0},
    {"kind": "dropout", "sensor": "lrf", "p": 0.5},
    {"kind": "dropout", "sensor": "lrf", "model": "gilbert_elliott", "p_gb": 0.3, "p_bg": 0.3},
    {"kind": "stuck", "sensor": "lrf"},
    {"kind": "bias", "sensor": "lrf", "bias": 50.0},
    {"kind": "scale", "sensor": "lrf", "scale": 1.2},
    {"kind": "noise_growth", "sensor": "lrf", "sigma": 3.0},
    {"kind": "false_valid", "sensor": "lrf"},
    {"kind": "false_invalid", "sensor": "lrf"},
    {"kind": "inhibited", "sensor": "lrf"},
]

windows = st.fixed_dictionaries(
    {},
    optional={
        "start_s": st.floats(0.0, 30.0),
        "end_s": st.floats(30.0, 60.0),
        "below_alt_m": st.floats(1200.0, 2200.0),
        "above_alt_m": st.floats(0.0, 1200.0),
    },
)


@settings(max_examples=150)
@given(fault=st.sampled_from(KINDS), window=windows)
def test_nothing_applied_and_nothing_changed_outside_the_window(
    fault: dict[str, Any], window: dict[str, float]
) -> None:
    # 2.2 km at −40 m/s for 60 s: the LRF sees 2200 m → −200 m (0 at 55 s: no return below)
    r = Paired({**fault, **window}, seconds=60.0, alt0_m=2200.0, vz_mps=-40.0,
               config=only("lrf", max_range_m=2000.0))  # fmt: skip
    schedule = r.suite.fault_summary()[0]["schedule"]
    start_us = round(schedule["start_s"] * 1e6)
    end_us = None if schedule["end_s"] is None else round(schedule["end_s"] * 1e6)

    def inside(t_us: int) -> bool:
        alt = r.alt_at(t_us)
        return not (
            t_us < start_us
            or (end_us is not None and t_us >= end_us)
            or (schedule["below_alt_m"] is not None and alt > schedule["below_alt_m"])
            or (schedule["above_alt_m"] is not None and alt < schedule["above_alt_m"])
        )

    for a in r.applied:
        assert inside(a.acquired_us) or a.action == "queued", a
    base, out = r.of("lrf")
    queued = {a.acquired_us for a in r.applied if a.action == "queued"}
    for t, e in base.items():
        if not inside(t) and t not in queued:
            assert out[t] == e
    summary = r.suite.fault_summary()[0]
    assert summary["applied"] == len(r.applied)
    if r.applied:
        assert summary["first_t_s"] == r.applied[0].acquired_us / 1e6
        assert summary["last_t_s"] == r.applied[-1].acquired_us / 1e6
