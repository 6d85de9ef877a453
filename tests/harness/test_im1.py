"""IM-1 (hil_configs/im1.toml), read from result.json: the LRF never usable, a Doppler
velocimeter available. Naive (trusts its propagated altitude, ignores the velocimeter)
meets the ~12 deg slope ~100 m early at ~3 m/s drifting 1-2 m/s and tips; robust (the
velocimeter's velocity, a conservative altitude, constant-speed final descent to the
contact probe) lands soft.

In ``make test``: one seed over memory and one over a pty per profile. Under ``slow``:
8 seeds over memory and a pty, 20 over memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import runner

SCENARIO = Path(__file__).resolve().parents[2] / "hil_configs" / "im1.toml"


def run(tmp: Path, profile: str, link: str, seed: int) -> dict[str, Any]:
    out = tmp / f"im1-{profile}-{link}-{seed}"
    runner.run(
        runner.RunRequest(
            config=SCENARIO, profile=profile, fsw_kind=link, seed=seed, out=out, plot=False
        )
    )
    res: dict[str, Any] = json.loads((out / "result.json").read_text())
    return res


def check_naive(res: dict[str, Any]) -> None:
    td = res["touchdown"]
    assert res["metrics"]["lrf_first_valid"] is None  # the LRF was never armed
    # lands hard or tips: uphill at 1.5 m/s is just over the 1.34 m/s tipping speed on 12 deg
    assert res["verdict"] == "crash", res["causes"]
    assert 2.5 <= -td["vz_mps"] <= 4.5, td  # record: ~2.7-3 m/s (20 seeds: 2.7-4.3)
    assert 1.0 <= abs(td["vx_mps"]) <= 2.0, td  # record: ~1-2 m/s lateral
    assert 10.0 <= abs(td["slope_deg"]) <= 13.0, td  # record: ~12 deg
    # believed ~100 m higher near the surface (20 seeds: 87-151 m)
    assert 70.0 <= res["metrics"]["max_abs_alt_error_m"] <= 160.0


def check_robust(res: dict[str, Any]) -> None:
    assert res["verdict"] == "soft", (res["end_reason"], res["touchdown"])
    assert "tipped" not in res["causes"]
    assert abs(res["touchdown"]["slope_deg"]) >= 10.0  # on the same slope
    assert res["touchdown"]["propellant_kg"] > 10


CHECKS = {"naive": check_naive, "robust": check_robust}


SLOW = pytest.mark.slow
FAST = [
    (p, link, 1 if link == "memory" else 2) for p in CHECKS for link in ("memory", "python-stub")
]
CASES = (
    FAST
    + [
        pytest.param(p, link, seed, marks=SLOW)
        for p in CHECKS
        for link in ("memory", "python-stub")
        for seed in range(1, 9)
        if (p, link, seed) not in FAST
    ]
    + [pytest.param(p, "memory", seed, marks=SLOW) for p in CHECKS for seed in range(9, 21)]
)


@pytest.mark.parametrize(("profile", "link", "seed"), CASES)
def test_im1(tmp_path: Path, profile: str, link: str, seed: int) -> None:
    res = run(tmp_path, profile, link, seed)
    CHECKS[profile](res)
    if profile == "naive" and (profile, link, seed) in FAST:
        assert "tipped" in res["causes"]  # these two seeds tip (seed 5 of 8 only lands hard)
