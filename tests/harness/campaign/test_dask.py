"""The same campaign on a Dask LocalCluster: the same store as the process pool's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
