"""[[faults]] parsing: kinds, schedules, parameters and located errors."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import ConfigError
from harness.faults.config import (
    BiasParams,
    DropoutParams,
    LateAcquisitionParams,
    LatencyParams,
    Schedule,
)
from tests.harness.sensors.fakes import faults


def test_parses_kinds_schedules_and_params_in_order() -> None:
    specs = faults(
        {"kind": "late_acquisition", "sensor": "lrf", "valid_below_alt_m": 900.0},
        {"kind": "latency", "sensor": "lrf", "latency_s": 2, "stamped": False,
         "start_s": 10, "end_s": 20.5, "below_alt_m": 3000},
        {"kind": "dropout", "sensor": "imu", "model": "gilbert_elliott", "p_gb": 0.01,
         "p_bg": 0.2},
        {"kind": "scale", "sensor": "velocimeter", "scale": 1.1},
    )  # fmt: skip
    assert [s.index for s in specs] == [0, 1, 2, 3]
    assert specs[0].params == LateAcquisitionParams(900.0, "no_return")
    assert specs[1].params == LatencyParams(2.0, 0.0, 0.0, False, True)
    assert specs[1].schedule == Schedule(10_000_000, 20_500_000, 3000.0, None)
    assert specs[2].params == DropoutParams("gilbert_elliott", 0.0, 0.01, 0.2)
    assert specs[3].params == BiasParams("vz_mps", 0.0, 1.1)
    assert specs[1].key == "faults[1]" and specs[1].file == "test.toml"


def test_schedule_windows() -> None:
    s = Schedule(1_000_000, 2_000_000, 500.0, 100.0)
    assert s.active(1_000_000, 300.0) and not s.active(999_999, 300.0)
    assert not s.active(2_000_000, 300.0)
    assert not s.active(1_500_000, 500.1) and not s.active(1_500_000, 99.9)
    assert Schedule().active(0, 1e9)


@pytest.mark.parametrize(
    ("table", "key", "expected"),
    [
        ({"kind": "wobble", "sensor": "lrf"}, "faults[0].kind", "one of"),
        ({"kind": "stuck", "sensor": "radar"}, "faults[0].sensor", "one of"),
        ({"kind": "stuck"}, "faults[0].sensor", "required"),
        ({"kind": "late_acquisition", "sensor": "lrf"}, "faults[0].valid_below_alt_m", "required"),
        ({"kind": "late_acquisition", "sensor": "imu", "valid_below_alt_m": 1},
         "faults[0].sensor", "'lrf'"),
        ({"kind": "dropout", "sensor": "imu", "p": 1.5}, "faults[0].p", "<= 1"),
        ({"kind": "dropout", "sensor": "imu", "model": "gilbert_elliott", "p_gb": 0.1},
         "faults[0].p_bg", "required"),
        ({"kind": "bias", "sensor": "imu", "field": "range_m"}, "faults[0].field", "one of"),
        ({"kind": "bias", "sensor": "discretes"}, "faults[0].sensor", "numeric"),
        ({"kind": "false_valid", "sensor": "discretes"}, "faults[0].sensor", "valid bit"),
        ({"kind": "stuck", "sensor": "lrf", "start_s": 5, "end_s": 4}, "faults[0].end_s", ">= 5"),
        ({"kind": "stuck", "sensor": "lrf", "below_alt_m": 5, "above_alt_m": 9},
         "faults[0].above_alt_m", "<= below_alt_m"),
        ({"kind": "inhibited", "sensor": "lrf", "latency_s": 1}, "faults[0].latency_s",
         "known key"),
    ],
)  # fmt: skip
def test_errors_are_located(table: dict[str, Any], key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        faults(table)
    assert info.value.file == "test.toml" and info.value.key == key
    assert expected in info.value.expected
