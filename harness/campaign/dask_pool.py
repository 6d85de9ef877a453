"""The Dask executor: the same ``submit`` / ``events`` shape as the process pool, on
``dask.distributed`` -- a ``LocalCluster`` (``--dask local``) or a running scheduler
(``--dask tcp://HOST:8786``).

The coordinator keeps up to two tasks in flight per worker thread (``PREFETCH``): the
second waits on the worker, so a worker that finishes a run starts the next at once
instead of idling through the result's round trip to the coordinator and the next
submit (that idle time was ~20 ms a run, 17 % of an 80-run slice). A run's clock starts
when the scheduler reports it processing on a worker (not while it waits, nor while a
worker restarts). A worker that dies takes its waiting task with it, and Dask cannot say
which of the two was running: the victims of one worker's death (``KilledWorker`` names
the worker) are gathered for ``DEATH_GRACE_S``; a lone victim is reported ``Died`` (the
coordinator retries it once), several are resubmitted once as they were -- a bystander
loses no attempt -- and while such a rerun or any retry is in flight the pool keeps one
task per thread, so the run that kills its worker is then caught alone. A
run past ``run_timeout_s`` is recorded as a timeout, its future cancelled and the worker
that holds it restarted by its nanny (``Client.restart_workers``), so a hung run does
not hold a slot. The local cluster is
made with ``allowed-failures = 0``: a worker that dies gives ``KilledWorker`` at once
and the coordinator retries the run once, as with the process pool. Workers import the
harness themselves (the same environment), once, when the pool starts (``Client.run``);
only the ``RunTask`` crosses the wire.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

from harness.campaign.pool import Died, Event, Finished, TimedOut
from harness.campaign.store import RunRecord
from harness.campaign.worker import RunTask, run_task
from harness.errors import HarnessError

#: tasks in flight per worker thread (one running, one waiting on the worker)
PREFETCH = 2
#: how long the victims of one worker's death are gathered before they are judged
DEATH_GRACE_S = 1.0
#: Dask's own housekeeping, turned down (the local cluster's workers inherit it; a
#: running scheduler's workers keep their own): the statistical profiler sampling every
#: worker's stack every 10 ms, the 20 ms event-loop tick, the 100 ms memory monitor.
#: Measured (``python -m benchmarks.bench_campaign housekeeping``): an idle LocalCluster
#: of two workers burned 0.10 core-s a second, 0.02 with these; two 5 s tasks cost 0.63
#: core-s beside them, 0.15 with these -- ~5 % of a 2-core machine, given to the runs
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "200ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


class DaskPool:
    def __init__(
        self,
        address: str,
        jobs: int,
        run_timeout_s: float,
        work: Callable[[RunTask], RunRecord] = run_task,
    ) -> None:
        dask: Any = importlib.import_module("dask")
        dist: Any = importlib.import_module("distributed")
        self._wait = dist.wait
        self.run_timeout_s = run_timeout_s
        self.work = work
        self.cluster: Any = None
        dask.config.set(QUIET | {"distributed.scheduler.allowed-failures": 0})
        try:
            if address == "local":
                self.cluster = dist.LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=40,
                )
                self.client: Any = dist.Client(self.cluster)
            else:
                self.client = dist.Client(address, timeout=10)
        except (OSError, ValueError) as exc:  # ValueError: an address scheme dask knows not
            raise HarnessError(f"--dask {address}: cannot reach the scheduler: {exc}") from exc
        # every worker imports the harness now, as the process pool's forkserver preloads
        # it, rather than inside its first run
        self.client.run(importlib.import_module, "harness.campaign.worker")
        nthreads = self.client.nthreads()
        self.slot_count: int = max(1, sum(nthreads.values()))
        self.inflight: dict[Any, tuple[RunTask, float]] = {}
        #: submitted, not yet seen processing on a worker (its run clock has not started)
        self.queued: set[str] = set()
        #: a dead worker's address -> (when its first victim was seen, the victims)
        self.deaths: dict[str, tuple[float, list[RunTask]]] = {}
        #: runs resubmitted once as bystanders of a death (run id, attempt)
        self.bystanders: set[tuple[int, int]] = set()

    @property
    def slots(self) -> int:
        return self.slot_count

    @property
    def free(self) -> int:
        careful = self.deaths or any(
            t.attempt > 1 or (t.run_id, t.attempt) in self.bystanders
            for t, _ in self.inflight.values()
        )
        depth = 1 if careful else PREFETCH
        return depth * self.slot_count - self.busy

    @property
    def busy(self) -> int:
        return len(self.inflight) + sum(len(v) for _, v in self.deaths.values())

    def submit(self, task: RunTask, rerun: bool = False) -> None:
        key = f"lunar-hil-run-{task.run_id}-a{task.attempt}" + ("-b" if rerun else "")
        fut = self.client.submit(self.work, task, key=key, pure=False)
        self.inflight[fut] = (task, time.monotonic())
        self.queued.add(fut.key)

    def events(self, timeout_s: float) -> list[Event]:
        if not self.inflight:
            return self._judge_deaths(time.monotonic() + DEATH_GRACE_S)
        now = time.monotonic()
        nearest = (
            min(t0 + self.run_timeout_s for _, t0 in self.inflight.values())
            if not self.queued
            else now + 0.25
        )
        wait_s = max(0.01, min(timeout_s, nearest - now))
        try:
            done, _ = self._wait(list(self.inflight), timeout=wait_s, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished within wait_s
            done = set()
        out: list[Event] = []
        for fut in done:
            task, _t0 = self.inflight.pop(fut)
            self.queued.discard(fut.key)
            if fut.status == "finished":
                out.append(Finished(task, fut.result()))
                continue
            exc = fut.exception()
            last = getattr(getattr(exc, "last_worker", None), "address", None)
            if last is None:
                out.append(Died(task, f"Dask worker lost flying run {task.run_id}: {exc!r}"))
            else:
                self.deaths.setdefault(last, (time.monotonic(), []))[1].append(task)
        out += self._judge_deaths(time.monotonic())
        self._mark_started()
        now = time.monotonic()
        for fut, (task, t0) in list(self.inflight.items()):
            if fut.key in self.queued:
                continue
            if now - t0 >= self.run_timeout_s:
                del self.inflight[fut]
                out.append(TimedOut(task, now - t0))
                self._stop(fut)
        return out

    def _judge_deaths(self, now: float) -> list[Event]:
        out: list[Event] = []
        for address, (seen, victims) in list(self.deaths.items()):
            if now - seen < DEATH_GRACE_S:
                continue
            del self.deaths[address]
            for task in victims:
                ident = (task.run_id, task.attempt)
                if len(victims) > 1 and ident not in self.bystanders:
                    self.bystanders.add(ident)
                    self.submit(task, rerun=True)
                else:
                    why = f"Dask worker {address} died flying run {task.run_id}"
                    out.append(Died(task, why))
        return out

    def _mark_started(self) -> None:
        """A task's clock starts when a worker processes it (not while a worker restarts)."""
        if not self.queued:
            return
        processing = {k for keys in self.client.processing().values() for k in keys}
        now = time.monotonic()
        for fut, (task, _) in list(self.inflight.items()):
            if fut.key in self.queued and fut.key in processing:
                self.queued.discard(fut.key)
                self.inflight[fut] = (task, now)

    def _stop(self, fut: Any) -> None:
        holders = [w for w, keys in self.client.processing().items() if fut.key in keys]
        fut.cancel()
        if holders:
            self.client.restart_workers(holders, raise_for_error=False)

    def close(self) -> None:
        for fut in self.inflight:
            fut.cancel()
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
