"""The Python stub's own closed-loop cases (tests/fsw_stub/test_closed_loop.py, the
independent ICD plant) flown with the C core shadowing the stub: byte-identical answers
on the paths the harness scenarios do not take -- a velocimeter, a tilted LRF mount,
slow sensors with a laggy engine, a 3 km cliff and stamped LRF latency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.fswconfig import dump_toml
from tests.fsw_stub.conftest import VEHICLE
from tests.fsw_stub.firmware.twins import Twin
from tests.fsw_stub.icd_plant import IcdPlant, PlantOptions, fly
from tests.fsw_stub.test_closed_loop import CLIFF, STAMPED

pytestmark = pytest.mark.usefixtures("c_library")

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("velocimeter", "robust", {"velocimeter_every": 10, "vx0_mps": -20.0, "seed": 4}, {}),
    ("lrf-mount", "naive", {"lrf_mount_tilt_rad": 0.3}, {"lrf": {"mount_tilt_rad": 0.3}}),
    ("lag-slow-sensors", "robust",
     {"engine_lag_s": 0.25, "imu_every": 2, "attitude_every": 10, "lrf_every": 20}, {}),
    ("cliff", "robust", CLIFF, {}),
    ("stamped-latency", "robust", STAMPED, {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("profile", "plant", "fsw"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_c_core_shadows_the_stub_byte_for_byte(
    tmp_path: Path, profile: str, plant: dict[str, Any], fsw: dict[str, Any]
) -> None:
    doc: dict[str, Any] = {
        "profile": profile,
        "period_us": 50_000,
        "vehicle": dict(VEHICLE),
        "lrf": {"mount_tilt_rad": 0.0},
        **fsw,
    }
    config = tmp_path / "FSW.toml"
    config.write_text(dump_toml(doc))
    twin = Twin(config, real32=False)
    outcome = fly(IcdPlant(PlantOptions(**plant)), twin)
    assert outcome.verdict == "soft", outcome.touchdown
    assert len(twin.answers) > 500
    differ = [i for i, (py, c) in enumerate(twin.answers) if py != c]
    assert differ == [], f"first differing answer: #{differ[0]}"
