"""The same campaign on a Dask LocalCluster: the same store as the process pool's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harness.cli import main
from tests.harness.campaign._fixtures import campaign_file

SAME = "run_id, params, profile, seed, status, verdict, telemetry_sha256"


def _rows(out: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(out / "campaign.sqlite") as con:
        return con.execute(f"SELECT {SAME} FROM runs ORDER BY run_id").fetchall()


def test_dask_local_cluster_gives_the_pool_s_digests(tmp_path: Path) -> None:
    path = campaign_file(
        tmp_path,
        'profiles = ["naive", "robust"]\nseed = 3\nruns = 6\nkeep = "none"\n'
        '[[disperse]]\nkey = "initial.vz_mps"\ndist = "uniform"\nlow = -62.0\nhigh = -40.0\n',
        sim_s=3.0,
    )
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    args = ["--jobs", "2", "--no-progress"]
    assert main(["campaign", "run", str(path), "--out", str(pool), *args]) == 0
    assert main(["campaign", "run", str(path), "--out", str(dask), "--dask", "local", *args]) == 0
    rows = _rows(dask)
    assert len(rows) == 12 and {r[4] for r in rows} == {"done"}
    assert len({r[6] for r in rows}) == 6  # distinct runs, distinct bytes
    assert rows == _rows(pool)


@pytest.mark.slow  # ~15 s: the nanny restarts a worker three times
def test_dask_records_dying_and_hung_runs(tmp_path: Path) -> None:
    from harness.campaign import coordinator
    from harness.campaign.dask_pool import DaskPool
    from harness.campaign.plan import load_campaign
    from harness.campaign.progress import Progress
    from tests.harness.campaign._fixtures import dies_once_on_1_always_on_2_hangs_on_3

    c = load_campaign(campaign_file(tmp_path, 'runs = 6\nkeep = "none"\nrun_timeout_s = 4.0\n'))
    store = coordinator.create(c, tmp_path / "out")
    pool = DaskPool("local", 2, c.run_timeout_s, work=dies_once_on_1_always_on_2_hangs_on_3)
    finish = coordinator.run_pending(c, store, tmp_path / "out", pool, Progress(False))
    assert finish.completed
    by_id = {r["run_id"]: r for r in store.rows()}
    assert [by_id[i]["status"] for i in range(6)] == [
        "done",
        "done",
        "error",
        "timeout",
        "error",
        "done",
    ]
    assert by_id[1]["attempts"] == 2 and by_id[2]["attempts"] == 2
    assert "died again" in by_id[2]["error"]
