"""``lunar-hil hunt`` on the real stub: a late-acquisition failure found, shrunk to the
bisection's boundary, written as a scenario that re-flies to the same verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.config.table import load_toml
from harness.runner import RunSpec, execute
from harness.scenario import scenario_from_doc
from tests.harness.hunt._fixtures import hunt_file

ONE_KIND = """
[[kind]]
name = "late_acquisition"
table = { kind = "late_acquisition", sensor = "lrf" }
story = "the LRF first acquires below {valid_below_alt_m:,.0f} m"
draw.valid_below_alt_m = { simple = 3000.0, harsh = 600.0, step = 50.0 }
"""


def test_hunt_finds_m2_and_its_scenario_refiles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a run without an --out would put its directory
    path = hunt_file(tmp_path, "shrink_runs = 12\nround_examples = 6", space=ONE_KIND)
    out = tmp_path / "out"
    code = main(
        [
            "hunt",
            str(path),
            "--out",
            str(out),
            "--budget-runs",
            "8",
            "--jobs",
            "1",
            "--no-progress",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    data = json.loads((out / "hunt.json").read_text())
    f = data["failures"][0]
    assert f["state"] == "shrunk" and f["verdict"] == "crash"
    assert "naive crashes when the LRF first acquires below" in printed
    b = f["boundary"]
    assert b["shrunk_off_boundary_frac"] < 0.10  # the shrinker stops at the bisection's flip
    assert f["refly"] == {
        "run_dir": str(out / "failures" / "hunt-1"),
        "verdict": "crash",
        "same_verdict": True,
        "same_telemetry": True,
    }
    assert (out / "failures" / "hunt-1" / "descent.png").is_file()
    # the hunt's own runs keep no artifacts: only the re-flown failures have a directory
    assert data["runs"] > 8 and not (tmp_path / "runs").exists()
    # the written scenario, read as any scenario, flies the same crash
    written = Path(f["scenario"])
    doc = load_toml(written)
    summary = execute(
        RunSpec(scenario=scenario_from_doc(doc, written), fsw_kind="memory", artifacts="none")
    )
    assert summary.verdict == "crash"
    assert (out / "report.md").read_text().count("## Failure") == len(data["failures"])
    assert main(["hunt", "report", str(out)]) == 0


def test_hunt_refuses_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = hunt_file(tmp_path, space=ONE_KIND)
    assert main(["hunt", str(path), "--out", str(tmp_path / "o"), "--budget-runs", "0"]) == 2
    assert "--budget-runs: expected a number >= 1, found 0" in capsys.readouterr().err
    assert main(["hunt", str(path)]) == 2
    assert "--out DIR is required" in capsys.readouterr().err
    assert main(["hunt", "resume", str(tmp_path / "nothing")]) == 2
    assert "not a campaign directory" in capsys.readouterr().err
