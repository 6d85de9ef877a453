"""Link-fault scenarios fly: each fault acted inside its window and nowhere else, the
link accounting adds up, and memory and pty give the same physics (slow)."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from harness import runner

CONFIGS = Path(__file__).resolve().parents[3] / "hil_configs"


def fly(tmp: Path, scenario: str, link: str = "memory", **kw: Any) -> runner.RunResult:
    return runner.run(
        runner.RunRequest(
            config=CONFIGS / f"{scenario}.toml",
            fsw_kind=link,
            out=tmp / f"{scenario}-{link}",
            plot=False,
            **kw,
        )
    )


def tick_of(t_s: float) -> int:
    """The sim time (µs) of the first 50 ms tick at or after ``t_s``."""
    return math.ceil(round(t_s * 1e6) / 50_000) * 50_000


def link_faults(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in result["faults_applied"] if "link" in f]


def test_babbling_lrf_acts_only_in_its_altitude_band(tmp_path: Path):
    r = fly(tmp_path, "babbling_lrf", profile="robust")
    assert r.result["verdict"] == "soft"
    alt = {row.t_us: row.truth.alt_m for row in r.rows}
    babble, burst = link_faults(r.result)
    assert (babble["kind"], burst["kind"]) == ("babble", "burst_loss")
    for f in (babble, burst):
        assert f["applied"] > 10 and f["writes_touched"] > 10
        # the band is judged on the truth at the tick that puts the frame on the line (a
        # frame due at t goes with the first tick at or after t): 2300 m >= alt >= 1600 m
        assert 1600.0 <= alt[tick_of(f["first_t_s"])] <= 2300.0
        assert 1600.0 <= alt[tick_of(f["last_t_s"])] <= 2300.0
        before = [t for t, a in alt.items() if a > 2300.0]
        after = [t for t, a in alt.items() if a < 1600.0]
        assert max(before) < tick_of(f["first_t_s"]) and tick_of(f["last_t_s"]) < min(after)
    acct = r.result["link"]["accounting"]["h2f"]
    assert acct["writes_touched_by_faults"] == babble["writes_touched"] + burst["writes_touched"]
    assert acct["fsw_rx_skipped_bytes"] >= babble["counts"]["babbled"]  # junk is skipped
    assert 0 < acct["frames_not_accepted"] <= burst["writes_touched"] + 2


def test_noisy_uart_flips_bits_both_ways_and_the_fsw_counts_the_damage(tmp_path: Path):
    r = fly(tmp_path, "noisy_uart", overrides=("run.max_sim_time_s=15",))
    h2f, f2h = link_faults(r.result)
    assert (h2f["link"], f2h["link"]) == ("h2f", "f2h")
    bits_sent = 8 * r.result["link"]["bytes_sent"]
    # BER 1e-4 on the sensor frames (SYNC goes around the faults): within 5 sigma
    expected = 1e-4 * bits_sent
    assert abs(h2f["counts"]["bit_flipped"] - expected) < 5 * expected**0.5 + 5
    assert f2h["counts"]["bit_flipped"] > 0
    acct = r.result["link"]["accounting"]
    assert acct["h2f"]["fsw_rx_crc_errors"] + acct["h2f"]["fsw_rx_rejected"] > 0
    assert acct["f2h"]["crc_errors"] + acct["f2h"]["rejected"] > 0


def test_no_link_faults_no_record_and_no_accounting(tmp_path: Path):
    r = fly(tmp_path, "nominal", overrides=("run.max_sim_time_s=3",))
    assert link_faults(r.result) == [] and "accounting" not in r.result["link"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "profile"), [("noisy_uart", "robust"), ("babbling_lrf", "naive")]
)
def test_memory_and_pty_fly_the_same_physics(tmp_path: Path, scenario: str, profile: str):
    digests = {}
    for link in ("memory", "python-stub"):
        r = fly(tmp_path, scenario, link, profile=profile)
        digests[link] = hashlib.sha256(
            (tmp_path / f"{scenario}-{link}" / "telemetry.csv").read_bytes()
        ).hexdigest()
        counts = [f["counts"] for f in link_faults(r.result)]
        assert all(sum(c.values()) > 0 for c in counts)
        json.dumps(r.result)
    assert digests["memory"] == digests["python-stub"]
