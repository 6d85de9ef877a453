"""The coordinator: expand a campaign into the store, feed an executor, record results.

The store is the truth of what is done: a new campaign writes every run ``pending``
first; then pending runs go to the executor, at most one per free slot (so memory stays
flat: the coordinator holds a few tasks and the store's cursor, never the campaign),
and each result is one transaction. ``resume`` is "run what is still pending" after
checking that the campaign file and its base scenario are the ones stored. A worker that
dies is retried once (``attempts = 2``); a run past ``run_timeout_s`` is ``timeout``.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from harness.campaign.plan import Campaign, RunPoint, campaign_from_text
from harness.campaign.pool import Died, Event, Finished, ProcessPool, TimedOut
from harness.campaign.progress import Progress
from harness.campaign.store import RunRecord, Store, new_store, reopen_store
from harness.campaign.worker import RunTask
from harness.errors import HarnessError, signum_of

RUNS_DIR = "runs"
#: how long the coordinator waits for an event before refreshing the progress bar
POLL_S = 0.25


class Executor(Protocol):
    """What the coordinator needs of an executor (ProcessPool, DaskPool)."""

    @property
    def slots(self) -> int: ...
    @property
    def free(self) -> int: ...
    @property
    def busy(self) -> int: ...

    def submit(self, task: RunTask) -> None: ...
    def events(self, timeout_s: float) -> list[Event]: ...
    def close(self) -> None: ...


@dataclass
class Finish:
    """How a ``drive`` ended."""

    completed: bool
    interrupted: bool
    wall_s: float
    ran: int
    retried: int
    #: the signal that interrupted it (SIGINT for Ctrl-C, SIGTERM, SIGHUP); 0 when none
    signum: int = 0


def run_dir(directory: Path, run_id: int) -> Path:
    return directory / RUNS_DIR / f"run-{run_id:06d}"


def params_json(p: RunPoint) -> str:
    return json.dumps(p.params, sort_keys=True)


def create(campaign: Campaign, directory: Path) -> Store:
    """A new campaign directory with every run pending; refuses an existing one."""

    def rows() -> Iterator[tuple[int, str, str, int, int]]:
        for i in range(campaign.run_count):
            p = campaign.point_of(i)
            yield (i, params_json(p), p.profile, p.seed, p.sample)

    grid = campaign.search is None
    return new_store(
        directory, campaign, "campaign", campaign.run_count if grid else 0, rows() if grid else ()
    )


def reopen(directory: Path) -> tuple[Campaign, Store]:
    """The stored campaign, refusing a campaign file or base scenario changed since."""
    return reopen_store(directory, campaign_from_text, "campaign")


def task_of(campaign: Campaign, directory: Path, p: RunPoint, attempt: int = 1) -> RunTask:
    keep = campaign.keep
    spec = campaign.spec(
        p,
        artifacts="none" if keep == "none" else "full",
        out=None if keep == "none" else run_dir(directory, p.run_id),
        plot=False,
    )
    return RunTask(p.run_id, spec, attempt, keep_failures_only=keep == "failures")


def drive(
    store: Store,
    tasks: Iterator[RunTask],
    pool: Executor,
    progress: Progress,
    on_record: Callable[[RunRecord], None] | None = None,
) -> Finish:
    """Feed ``tasks`` to ``pool`` and record every outcome; Ctrl-C stops cleanly (the
    caller closes the pool)."""
    t0 = time.monotonic()
    retry: deque[RunTask] = deque()
    ran = retried = 0
    exhausted = False
    try:
        while True:
            while pool.free > 0 and (retry or not exhausted):
                if retry:
                    pool.submit(retry.popleft())
                    continue
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                pool.submit(task)
            if exhausted and not retry and pool.busy == 0:
                break
            for ev in pool.events(POLL_S):
                rec = outcome_of(ev, retry)
                if rec is None:
                    retried += 1
                    continue
                store.record(rec)
                ran += 1
                progress.advance(rec)
                if on_record is not None:
                    on_record(rec)
            progress.refresh()
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM / SIGHUP (errors.SignalInterrupt)
        signum = signum_of(exc)
        return Finish(False, True, time.monotonic() - t0, ran, retried, signum)
    return Finish(True, False, time.monotonic() - t0, ran, retried)


def outcome_of(ev: Event, retry: deque[RunTask]) -> RunRecord | None:
    """The record of a pool's event -- or None, when a task whose worker died is put on
    ``retry`` for its one more attempt."""
    task = ev.task
    if isinstance(ev, Finished):
        return ev.record
    if isinstance(ev, TimedOut):
        return RunRecord(
            run_id=task.run_id,
            status="timeout",
            wall_s=ev.after_s,
            error=f"killed after {ev.after_s:.1f} s of wall time (run_timeout_s)",
            attempts=task.attempt,
        )
    assert isinstance(ev, Died)
    if task.attempt < 2:
        retry.append(RunTask(task.run_id, task.spec, task.attempt + 1, task.keep_failures_only))
        return None
    return RunRecord(
        run_id=task.run_id,
        status="error",
        error=f"{ev.why}; retried once, died again",
        attempts=task.attempt,
    )


def make_pool(campaign: Campaign, jobs: int, dask: str | None) -> Executor:
    if dask:
        from harness.campaign.dask_pool import DaskPool

        return DaskPool(dask, jobs, campaign.run_timeout_s)
    return ProcessPool(jobs, campaign.run_timeout_s)


def run_pending(
    campaign: Campaign, store: Store, directory: Path, pool: Executor, progress: Progress
) -> Finish:
    """Run every pending run of a grid / Monte Carlo campaign."""
    counts = store.counts()
    progress.start(campaign.run_count, campaign.run_count - counts.get("pending", 0))
    progress.seed(store.verdict_counts())

    def tasks() -> Iterator[RunTask]:
        for run_id in store.pending_ids():
            row = store.run(run_id)
            p = campaign.point_of(run_id)
            if row is None or row["params"] != params_json(p) or row["seed"] != p.seed:
                raise HarnessError(f"run {run_id}: the store and the campaign disagree")
            yield task_of(campaign, directory, p)

    try:
        return drive(store, tasks(), pool, progress)
    finally:
        pool.close()
        progress.stop()
