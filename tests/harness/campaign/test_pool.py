"""Executing a campaign: identical results in-process and in pool workers; a raising run,
a dying worker and a hung run are recorded, never fatal; resume refuses a changed file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.campaign import coordinator
from harness.campaign.plan import load_campaign
from harness.campaign.pool import ProcessPool
from harness.campaign.progress import Progress
from harness.campaign.store import Store
from harness.campaign.worker import run_task
from harness.cli import main
from harness.errors import HarnessError
from tests.harness.campaign._fixtures import campaign_file, dies_once_on_1_always_on_2_hangs_on_3

GRID = (
    'profiles = ["naive", "robust"]\nseed = 5\nrepeats = 2\nkeep = "none"\n'
    '[[sweep]]\nkey = "faults.0.valid_below_alt_m"\nvalues = [600.0, 2500.0]\n'
)


def test_pool_results_equal_in_process_results(tmp_path: Path) -> None:
    grid = GRID.replace("faults.0.valid_below_alt_m", "initial.vz_mps")
    c = load_campaign(
        campaign_file(tmp_path, grid.replace("600.0, 2500.0", "-60.0, -40.0"), sim_s=4.0)
    )
    store = coordinator.create(c, tmp_path / "out")
    finish = coordinator.run_pending(
        c, store, tmp_path / "out", ProcessPool(2, 60.0), Progress(False)
    )
    assert finish.completed and finish.ran == c.run_count == 8
    rows = store.rows()
    assert [r["status"] for r in rows] == ["done"] * 8
    for r in rows:
        local = run_task(coordinator.task_of(c, tmp_path / "out", c.point_of(r["run_id"])))
        assert local.telemetry_sha256 == r["telemetry_sha256"] is not None
        assert json.loads(r["params"]) == c.point_of(r["run_id"]).params
    # seeds differ across samples, not across profiles or grid points (common random numbers)
    assert len({r["seed"] for r in rows}) == 2
    # ... while the swept start speed and the seed change every byte (the two FSW profiles
    # fly alike until the LRF acquires, which these 4 s runs never reach)
    assert len({r["telemetry_sha256"] for r in rows}) == 4


def test_raising_dying_and_hung_runs_are_recorded(tmp_path: Path) -> None:
    c = load_campaign(campaign_file(tmp_path, 'runs = 6\nkeep = "none"\nrun_timeout_s = 3.0\n'))
    store = coordinator.create(c, tmp_path / "out")
    pool = ProcessPool(2, c.run_timeout_s, work=dies_once_on_1_always_on_2_hangs_on_3)
    finish = coordinator.run_pending(c, store, tmp_path / "out", pool, Progress(False))
    assert finish.completed and finish.retried == 2  # run 1 once, run 2 once
    by_id = {r["run_id"]: r for r in store.rows()}
    assert by_id[0]["status"] == "done" and by_id[0]["attempts"] == 1
    assert by_id[1]["status"] == "done" and by_id[1]["attempts"] == 2  # retried, then flew
    assert by_id[2]["status"] == "error" and by_id[2]["attempts"] == 2
    assert "exit code 4" in by_id[2]["error"] and "died again" in by_id[2]["error"]
    assert by_id[3]["status"] == "timeout" and by_id[3]["wall_s"] >= 3.0
    assert by_id[4]["status"] == "error" and "Traceback" in by_id[4]["error"]
    assert "artifacts" in by_id[4]["error"]
    assert by_id[5]["status"] == "done"
    assert pool.replaced == 4  # three deaths (run 1 once, run 2 twice) and one kill
    assert (
        by_id[1]["telemetry_sha256"]
        == run_task(coordinator.task_of(c, tmp_path / "out", c.point_of(1))).telemetry_sha256
    )


def test_cli_run_report_rerun_and_refused_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = campaign_file(tmp_path, GRID.replace('keep = "none"', 'keep = "all"'), sim_s=3.0)
    out = tmp_path / "out"
    assert main(["campaign", "run", str(path), "--out", str(out), "--jobs", "2"]) == 0
    text = capsys.readouterr().out
    assert "naive: lands soft" in text and "95 % CI" in text
    assert len(list((out / "runs").iterdir())) == 8  # keep = "all"
    assert main(["campaign", "report", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "| naive | 4 |" in report and (out / "sweep_curve.png").stat().st_size > 1000
    assert main(["campaign", "rerun", str(out), "5", "--out", str(tmp_path / "r5")]) == 0
    assert "digest matches" in capsys.readouterr().out
    assert (tmp_path / "r5" / "telemetry.csv").is_file()
    assert main(["campaign", "run", str(path), "--out", str(out)]) == 2  # not over a store
    path.write_text(path.read_text().replace("seed = 5", "seed = 6"))
    with pytest.raises(HarnessError, match=r"changed since(.|\n)*-seed = 5(.|\n)*\+seed = 6"):
        coordinator.reopen(out)
    store = Store.open(out)
    assert store.counts() == {"done": 8}


def test_python_stub_runs_in_parallel_on_their_own_ptys(tmp_path: Path) -> None:
    body = 'profiles = ["naive", "robust"]\nseed = 1\nruns = 2\nkeep = "none"\n'
    c = load_campaign(campaign_file(tmp_path, body, sim_s=2.0, fsw="python-stub"))
    assert c.fsw_kind == "python-stub"
    store = coordinator.create(c, tmp_path / "out")
    finish = coordinator.run_pending(
        c, store, tmp_path / "out", ProcessPool(2, 60.0), Progress(False)
    )
    assert finish.completed
    rows = store.rows()
    assert [r["status"] for r in rows] == ["done"] * 4
    endpoints = {json.loads(r["summary"])["link"]["bytes_sent"] > 0 for r in rows}
    assert endpoints == {True}
    local = run_task(coordinator.task_of(c, tmp_path / "out", c.point_of(3)))
    assert local.telemetry_sha256 == rows[3]["telemetry_sha256"]


def test_keep_failures_keeps_only_runs_that_did_not_land_soft(tmp_path: Path) -> None:
    body = 'profiles = ["naive", "robust"]\nseed = 1\nruns = 1\n'  # keep = "failures" default
    c = load_campaign(campaign_file(tmp_path, body, sim_s=200.0))
    assert c.keep == "failures"
    naive, robust = (run_task(coordinator.task_of(c, tmp_path, c.point_of(i))) for i in range(2))
    assert (naive.verdict, robust.verdict) == ("crash", "soft")
    assert (coordinator.run_dir(tmp_path, 0) / "telemetry.csv").is_file()
    assert not coordinator.run_dir(tmp_path, 1).exists()
