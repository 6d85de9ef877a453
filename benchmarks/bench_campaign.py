"""Campaigns: the shipped 1,000-run M2 Monte Carlo on the process pool, the pool's
speed-up over one worker, Dask LocalCluster against the pool, the per-run overhead
outside the simulation, and a 10,000-run campaign's coordinator memory and store size.

Budgets (issue 10): the Monte Carlo <= 180 s wall on 2 cores; speed-up >= 1.7x on 2
cores; Dask within 15 % of the pool (wall ratio <= 1.15). The speed-up and Dask figures
use the same 80-run slice of the Monte Carlo (40 a profile) for every executor, in
interleaved rounds (medians).
The machine is shared: the load (uptime) is printed beside the figures.
Run: .venv/bin/python -m benchmarks campaign   (parts: python -m benchmarks.bench_campaign speedup)
"""

from __future__ import annotations

import os
import pickle
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.figures import Figures
from harness.campaign import coordinator
from harness.campaign.plan import Campaign, campaign_from_text, load_campaign
from harness.campaign.progress import Progress
from harness.campaign.store import RunRecord

ROOT = Path(__file__).resolve().parents[1]
MONTE_CARLO = ROOT / "hil_configs" / "campaigns" / "m2_monte_carlo.toml"


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)"


class _Sampler(Progress):
    """Records the coordinator's resident memory as runs complete."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.rss_mb: dict[int, float] = {}
        self.n = 0

    def advance(self, rec: RunRecord) -> None:
        super().advance(rec)
        self.n += 1
        if self.n % 1000 == 0:
            with open("/proc/self/statm") as fh:
                pages = int(fh.read().split()[1])
            self.rss_mb[self.n] = pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def fly(
    campaign: Campaign, jobs: int, dask: str | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    try:
        store = coordinator.create(campaign, out)
        pool = coordinator.make_pool(campaign, jobs, dask)  # start-up counted: a user waits for it
        t0 = time.perf_counter()
        finish = coordinator.run_pending(campaign, store, out, pool, progress or Progress(False))
        wall = time.perf_counter() - t0
        assert finish.completed and store.counts() == {"done": campaign.run_count}, store.counts()
        row = store.db.execute(
            "SELECT SUM(wall_s), SUM(json_extract(summary, '$.session_wall_s')),"
            " SUM(verdict = 'soft'), COUNT(*) FROM runs"
        ).fetchone()
        store.close()
        return {
            "wall_s": wall,
            "worker_s": row[0],
            "session_s": row[1],
            "soft": row[2],
            "n": row[3],
            "store_bytes": sum(p.stat().st_size for p in out.glob("campaign.sqlite*")),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


PARTS = ("mc", "overhead", "speedup", "housekeeping", "big")


def main(figures: Figures, parts: tuple[str, ...] = PARTS) -> None:
    mc = load_campaign(MONTE_CARLO)
    if "mc" in parts:
        _monte_carlo(figures, mc)
    if "overhead" in parts:
        _coordinator_overhead(figures, mc)
    if "speedup" in parts:
        _speedup(figures, mc)
    if "housekeeping" in parts:
        _dask_housekeeping(figures)
    if "big" in parts:
        _ten_thousand(figures, mc)


def _monte_carlo(figures: Figures, mc: Campaign) -> None:
    print(f"M2 Monte Carlo: {mc.run_count} runs, memory FSW, 2 jobs; {_load()}")
    r = fly(mc, 2)
    figures.add(
        "M2 Monte Carlo 1,000 runs, pool --jobs 2, wall",
        r["wall_s"],
        "s",
        budget=180.0,
        higher_is_better=False,
        load=_load(),
    )
    n = r["n"]
    figures.add("throughput, pool --jobs 2", n / r["wall_s"], "runs/s")
    figures.add("mean session (simulation + FSW) per run", r["session_s"] / n, "s")
    figures.add(
        "per-run overhead in the worker, outside the session",
        (r["worker_s"] - r["session_s"]) / n * 1e3,
        "ms",
        higher_is_better=False,
    )
    figures.add(
        "per-run overhead outside the session, whole campaign (2 x wall - sessions) / runs",
        (2 * r["wall_s"] - r["session_s"]) / n * 1e3,
        "ms",
        higher_is_better=False,
    )


def _coordinator_overhead(figures: Figures, mc: Campaign, n: int = 300) -> None:
    """What the coordinator spends per run besides waiting: expand the run, build and
    validate its spec, pickle the task, unpickle and record a result in SQLite."""
    out = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    try:
        store = coordinator.create(mc, out)
        rec = RunRecord(0, "done", verdict="soft", causes=(), summary={"metrics": {}})
        t0 = time.perf_counter()
        for i in range(n):
            task = coordinator.task_of(mc, out, mc.point_of(i))
            pickle.loads(pickle.dumps(task))
            store.record(replace(rec, run_id=i))
        per = (time.perf_counter() - t0) / n
        figures.add(
            "coordinator cost per run (spec + pickle + store write)",
            per * 1e3,
            "ms",
            higher_is_better=False,
            task_bytes=len(pickle.dumps(task)),
            load=_load(),
        )
        store.close()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _speedup(figures: Figures, mc: Campaign, per_profile: int = 40, rounds: int = 5) -> None:
    """1 worker, the pool with 2 and Dask with 2 on the same slice, interleaved round by
    round (the machine is shared: each executor sees the same spread of load); medians."""
    small = campaign_from_text(mc.text.replace("runs = 500", f"runs = {per_profile}"), mc.path)
    walls: dict[str, list[float]] = {"one": [], "pool": [], "dask": []}
    for i in range(rounds):
        walls["one"].append(fly(small, 1)["wall_s"])
        walls["pool"].append(fly(small, 2)["wall_s"])
        walls["dask"].append(fly(small, 2, "local")["wall_s"])
        print(
            f"  round {i + 1}: 1 worker {walls['one'][-1]:.1f} s, pool 2"
            f" {walls['pool'][-1]:.1f} s, dask 2 {walls['dask'][-1]:.1f} s; {_load()}"
        )
    one, two, dask = (statistics.median(walls[k]) for k in ("one", "pool", "dask"))
    n = small.run_count
    figures.add(
        f"pool speed-up, 2 workers over 1 ({n} runs, median of {rounds})",
        one / two,
        "x",
        budget=1.7,
        walls=walls,
        load=_load(),
    )
    figures.add(
        f"Dask LocalCluster wall / pool wall ({n} runs, 2 workers, median of {rounds})",
        dask / two,
        "ratio",
        budget=1.15,
        higher_is_better=False,
        walls=walls,
    )


def _spin(seconds: float) -> int:
    """Burn ``seconds`` of this process's CPU (a stand-in run)."""
    t0, n = time.process_time(), 0
    while time.process_time() - t0 < seconds:
        n += 1
    return n


def _dask_housekeeping(figures: Figures, idle_s: float = 8.0, busy_s: float = 4.0) -> None:
    """CPU a two-worker LocalCluster burns beside the work, with Dask's defaults and with
    ``dask_pool.QUIET``: idle (core-s per s), and around two tasks of ``busy_s`` CPU each
    (core-s beyond the tasks' own). CPU time over the process tree (psutil, which Dask
    itself depends on), so the machine's load does not enter it."""
    import importlib

    from harness.campaign.dask_pool import QUIET

    dask: Any = importlib.import_module("dask")
    distributed: Any = importlib.import_module("distributed")
    psutil: Any = importlib.import_module("psutil")

    me = psutil.Process()

    def cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in [me, *me.children(recursive=True)])

    for name, config in (("defaults", {}), ("QUIET", QUIET)):
        with dask.config.set(config):
            cluster = distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=40,
            )  # fmt: skip
            client = distributed.Client(cluster)
            try:
                client.submit(_spin, 0.1, pure=False).result()
                c0, t0 = cpu(), time.perf_counter()
                time.sleep(idle_s)  # measuring what an idle cluster burns: nothing to wait on
                idle = (cpu() - c0) / (time.perf_counter() - t0)
                c0 = cpu()
                client.gather([client.submit(_spin, busy_s, pure=False) for _ in range(2)])
                busy = cpu() - c0 - 2 * busy_s
            finally:
                client.close()
                cluster.close()
        figures.add(f"Dask housekeeping, idle, {name}", idle, "core-s/s", higher_is_better=False)
        figures.add(
            f"Dask housekeeping beside two {busy_s:.0f} s tasks, {name}",
            busy,
            "core-s",
            higher_is_better=False,
        )


def _ten_thousand(figures: Figures, mc: Campaign) -> None:
    tiny = campaign_from_text(
        mc.text.replace("runs = 500", 'runs = 5000\nset = ["run.max_sim_time_s=1.0"]'), mc.path
    )
    print(f"10,000 runs of 1 s sim each (coordinator memory, store size); {_load()}")
    sampler = _Sampler()
    big = fly(tiny, 2, progress=sampler)
    rss = sampler.rss_mb
    figures.add(
        "coordinator RSS growth from 1,000 to 10,000 runs",
        rss[10000] - rss[1000],
        "MB",
        budget=20.0,
        higher_is_better=False,
        rss_mb=rss,
    )
    figures.add(
        "store size, 10,000 runs",
        big["store_bytes"] / 2**20,
        "MB",
        budget=20.0,
        higher_is_better=False,
    )
    figures.add(
        "max RSS of the coordinator process",
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "MB",
    )


if __name__ == "__main__":  # python -m benchmarks.bench_campaign [PART ...] (PARTS)
    main(Figures(), tuple(sys.argv[1:]) or PARTS)
