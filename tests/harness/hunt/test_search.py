"""The search: a planted failure is found and shrunk to exactly its two faults near
their thresholds; Ctrl-C keeps the first failure and a resume replays for free to the
same result; several engines share one ledger."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.campaign.progress import Progress
from harness.hunt import coordinator
from harness.hunt.plan import load_hunt
from tests.harness.hunt._fixtures import (
    ACQUIRED_BELOW_M,
    LATENCY_OVER_S,
    ROOT,
    Interrupt,
    hangs_on_bias,
    hunt_file,
    planted,
)

BODY = "max_faults = 3\nbudget_runs = 400\nround_examples = 30\nshrink_runs = 150"


def _hunt(tmp: Path, out: str, fly: Any = planted, jobs: int = 1) -> coordinator.Outcome:
    hunt = load_hunt(hunt_file(tmp, BODY))
    store = coordinator.create(hunt, tmp / out)
    try:
        return coordinator.drive(hunt, store, tmp / out, jobs, Progress(False), fly=fly)
    finally:
        store.close()


def _tables(failure: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in failure["schedule"]}


def test_planted_failure_is_found_and_shrunk_to_its_two_faults(tmp_path: Path) -> None:
    out = _hunt(tmp_path, "h")
    data = json.loads((tmp_path / "h" / "hunt.json").read_text())
    assert not out.interrupted and data["runs"] == 400  # the budget, all of it
    shrunk = [f for f in data["failures"] if f["state"] == "shrunk"]
    assert len(shrunk) == 1, data["failures"]  # the only failure there is, once
    f = shrunk[0]
    tables = _tables(f)
    assert sorted(tables) == ["late_acquisition", "lrf_latency"]
    lat, acq = tables["lrf_latency"]["latency_s"], tables["late_acquisition"]["valid_below_alt_m"]
    # the smallest failing grid values: one step past each threshold
    assert LATENCY_OVER_S < lat <= LATENCY_OVER_S + 0.05 + 1e-9
    assert ACQUIRED_BELOW_M - 25.0 <= acq < ACQUIRED_BELOW_M
    # the bisection of the main magnitude (acquisition) brackets the planted threshold
    b = f["boundary"]
    assert b["param"] == "valid_below_alt_m" and b["low"] <= ACQUIRED_BELOW_M <= b["high"]
    assert b["shrunk_off_boundary_frac"] < 0.10
    # the written scenario holds exactly the shrunk schedule on the base
    text = Path(f["scenario"]).read_text()
    assert "latency_s = 1.05" in text and f"valid_below_alt_m = {acq}" in text
    assert f["story"].startswith("naive crashes when ")


def test_interrupted_hunt_keeps_its_first_failure_and_resumes_to_the_same_end(
    tmp_path: Path,
) -> None:
    whole = _hunt(tmp_path, "whole")
    whole_json = json.loads((tmp_path / "whole" / "hunt.json").read_text())
    first = whole_json["first_failure_run"]
    cut = _hunt(tmp_path, "cut", fly=Interrupt(at=first + 3))  # Ctrl-C while shrinking
    assert cut.interrupted
    kept = json.loads((tmp_path / "cut" / "hunt.json").read_text())
    assert kept["failures"] and kept["failures"][0]["state"] == "found (not yet shrunk)"
    assert kept["first_failure_run"] == first
    assert Path(kept["failures"][0]["scenario"]).is_file()
    hunt, store = coordinator.reopen(tmp_path / "cut")
    done = coordinator.drive(hunt, store, tmp_path / "cut", 1, Progress(False), fly=planted)
    store.close()
    resumed = json.loads((tmp_path / "cut" / "hunt.json").read_text())
    assert done.ledger.flown_now == whole.ledger.flown - (first + 3 - 1)  # nothing flown twice
    for k in ("runs", "first_failure_run", "duplicates"):
        assert resumed[k] == whole_json[k]
    assert [f["schedule"] for f in resumed["failures"]] == [
        f["schedule"] for f in whole_json["failures"]
    ]


def test_a_hunt_killed_with_sigkill_keeps_its_first_failure_and_resumes(tmp_path: Path) -> None:
    """A real process, killed with SIGKILL while it shrinks its first failure."""
    whole = _hunt(tmp_path, "whole")
    whole_json = json.loads((tmp_path / "whole" / "hunt.json").read_text())
    first = whole_json["first_failure_run"]
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1])\n"
        "from tests.harness.hunt import test_search as t\n"
        "from tests.harness.hunt._fixtures import Kill9\n"
        "t._hunt(Path(sys.argv[2]), 'cut', fly=Kill9(at=int(sys.argv[3])))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), str(tmp_path), str(first + 3)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    kept = json.loads((tmp_path / "cut" / "hunt.json").read_text())
    assert kept["first_failure_run"] == first
    assert kept["failures"][0]["state"] == "found (not yet shrunk)"
    assert Path(kept["failures"][0]["scenario"]).is_file()
    hunt, store = coordinator.reopen(tmp_path / "cut")
    done = coordinator.drive(hunt, store, tmp_path / "cut", 1, Progress(False), fly=planted)
    counts = store.counts()
    store.close()
    resumed = json.loads((tmp_path / "cut" / "hunt.json").read_text())
    # the runs before the kill are in the store and replay for free; none is flown twice
    assert done.ledger.flown_now == whole.ledger.flown - (first + 3 - 1)
    assert counts == {"done": resumed["runs"]}
    for k in ("runs", "first_failure_run", "duplicates"):
        assert resumed[k] == whole_json[k]
    assert [f["schedule"] for f in resumed["failures"]] == [
        f["schedule"] for f in whole_json["failures"]
    ]


def test_hung_runs_are_killed_and_recorded_and_the_hunt_goes_on(tmp_path: Path) -> None:
    """Runs fly in a pool worker under run_timeout_s: a schedule that hangs the FSW is
    killed, stored as a timeout, counts as passing, and the search still finds the
    planted failure."""
    body = "max_faults = 3\nbudget_runs = 40\nround_examples = 30\nshrink_runs = 40"
    body += "\nrun_timeout_s = 0.3"
    hunt = load_hunt(hunt_file(tmp_path, body))
    store = coordinator.create(hunt, tmp_path / "h")
    fly = coordinator.PooledFly(hunt.run_timeout_s, work=hangs_on_bias)
    try:
        out = coordinator.drive(hunt, store, tmp_path / "h", 1, Progress(False), fly=fly)
        counts = store.counts()
        timeouts = store.db.execute(
            "SELECT params, error FROM runs WHERE status = 'timeout'"
        ).fetchall()
    finally:
        store.close()
    assert not out.interrupted
    assert counts.get("timeout", 0) >= 1 and counts["done"] >= 20, counts
    assert all("lrf_bias" in params for params, _ in timeouts)
    assert all("killed after" in error and "run_timeout_s" in error for _, error in timeouts)
    data = json.loads((tmp_path / "h" / "hunt.json").read_text())
    assert data["runs"] == sum(counts.values())
    assert any(sorted(_tables(f)) == ["late_acquisition", "lrf_latency"] for f in data["failures"])


def test_two_engines_share_the_ledger(tmp_path: Path) -> None:
    out = _hunt(tmp_path, "two", jobs=2)
    data = json.loads((tmp_path / "two" / "hunt.json").read_text())
    assert not out.interrupted
    assert data["runs"] >= 400  # the budget (a bisection in flight may pass it)
    shrunk = [f for f in data["failures"] if f["state"] == "shrunk"]
    assert [sorted(_tables(f)) for f in shrunk] == [["late_acquisition", "lrf_latency"]]
    _, store = coordinator.reopen(tmp_path / "two")
    counts = store.counts()
    store.close()
    assert counts == {"done": data["runs"]}  # one writer: every run recorded, none pending
