"""The Dask executor: the same ``submit`` / ``events`` shape as the process pool, on
``dask.distributed`` -- a ``LocalCluster`` (``--dask local``) or a running scheduler
(``--dask tcp://HOST:8786``).

The coordinator keeps at most one task in flight per worker thread; a run's clock starts
when the scheduler reports it processing on a worker (not while a worker restarts). A
run past ``run_timeout_s`` is recorded as a timeout, its future cancelled and the worker
that holds it restarted by its nanny (``Client.restart_workers``), so a hung run does
not hold a slot. The local cluster is
made with ``allowed-failures = 0``: a worker that dies gives ``KilledWorker`` at once
and the coordinator retries the run once, as with the process pool. Workers import the
harness themselves (the same environment); only the ``RunTask`` crosses the wire.
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
        dask.config.set({"distributed.scheduler.allowed-failures": 0})
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
        except OSError as exc:
            raise HarnessError(f"--dask {address}: cannot reach the scheduler: {exc}") from exc
        nthreads = self.client.nthreads()
        self.slot_count: int = max(1, sum(nthreads.values()))
        self.inflight: dict[Any, tuple[RunTask, float]] = {}
        #: submitted, not yet seen processing on a worker (its run clock has not started)
        self.queued: set[str] = set()

    @property
    def slots(self) -> int:
        return self.slot_count

    @property
    def free(self) -> int:
        return self.slot_count - len(self.inflight)

    @property
    def busy(self) -> int:
        return len(self.inflight)

    def submit(self, task: RunTask) -> None:
        fut = self.client.submit(
            self.work, task, key=f"lunar-hil-run-{task.run_id}-a{task.attempt}", pure=False
        )
        self.inflight[fut] = (task, time.monotonic())
        self.queued.add(fut.key)

    def events(self, timeout_s: float) -> list[Event]:
        if not self.inflight:
            return []
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
            else:
                exc = fut.exception()
                out.append(Died(task, f"Dask worker lost flying run {task.run_id}: {exc!r}"))
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
