"""The local executor: N long-lived worker processes, one task each at a time.

Why not ``concurrent.futures.ProcessPoolExecutor``: it cannot stop one task. A hung run
would hold its worker forever, and killing that worker breaks the whole pool
(``BrokenProcessPool``: every task in flight lost). Here the coordinator knows which
worker flies which run and since when, so a run past ``run_timeout_s`` is killed with
its FSW child (each worker leads its own process group) and only that worker is
replaced; a worker that dies (``os._exit``, a segfault, the OOM killer) is noticed by
its process sentinel and reported with the task it held, to be retried once.

Workers come from a ``forkserver`` (no fork of a coordinator that has threads -- the
progress bar's -- and an open SQLite handle); they ignore SIGINT, so Ctrl-C reaches the
coordinator only, which stops them. If the coordinator dies (kill -9), a worker exits
when its pipe breaks or, mid-run, when it sees itself orphaned (checked every second).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from harness.campaign.store import RunRecord
from harness.campaign.worker import RunTask, run_task

#: how often an idle-or-busy worker checks that its coordinator still lives
ORPHAN_CHECK_S = 1.0


@dataclass(frozen=True)
class Finished:
    task: RunTask
    record: RunRecord


@dataclass(frozen=True)
class Died:
    task: RunTask
    why: str


@dataclass(frozen=True)
class TimedOut:
    task: RunTask
    after_s: float


Event = Finished | Died | TimedOut


def _exit_when_orphaned(parent: int) -> None:
    """A worker whose coordinator was killed exits even while a run hangs (its pipe
    would tell it only after the run)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(1)


def _worker_main(conn: Connection, work: Callable[[RunTask], RunRecord]) -> None:
    os.setpgrp()  # the worker and its FSW children: one group, killed together
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        while True:
            task = conn.recv()
            if task is None:
                return
            conn.send(work(task))
    except (EOFError, OSError):  # the coordinator is gone
        return


class _Worker:
    def __init__(
        self, ctx: multiprocessing.context.BaseContext, work: Callable[[RunTask], RunRecord]
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(target=_worker_main, args=(child, work), daemon=True)  # type: ignore[attr-defined]
        self.proc.start()
        child.close()
        self.task: RunTask | None = None
        self.started = 0.0

    def kill(self) -> None:
        pid = self.proc.pid
        if pid is not None and self.proc.exitcode is None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        self.proc.join(5.0)
        self.conn.close()


class ProcessPool:
    """``submit`` a task to an idle worker; ``events`` reports what finished, died or
    timed out; ``close`` stops everything."""

    def __init__(
        self,
        jobs: int,
        run_timeout_s: float,
        work: Callable[[RunTask], RunRecord] = run_task,
    ) -> None:
        """``work`` flies one task in a worker (a module-level function: it is pickled by
        reference); tests pass one that dies or hangs on purpose."""
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["harness.campaign.worker"])
        self.run_timeout_s = run_timeout_s
        self.work = work
        self.workers = [_Worker(self.ctx, work) for _ in range(jobs)]
        self.replaced = 0

    @property
    def slots(self) -> int:
        return len(self.workers)

    @property
    def free(self) -> int:
        return sum(w.task is None for w in self.workers)

    @property
    def busy(self) -> int:
        return self.slots - self.free

    def submit(self, task: RunTask) -> None:
        w = next(w for w in self.workers if w.task is None)
        w.task, w.started = task, time.monotonic()
        with contextlib.suppress(OSError):  # died idle: events() reports and replaces it
            w.conn.send(task)

    def events(self, timeout_s: float) -> list[Event]:
        """Wait up to ``timeout_s`` (less when a run's deadline comes first)."""
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return []
        now = time.monotonic()
        nearest = min(w.started + self.run_timeout_s for w in busy)
        wait_s = max(0.0, min(timeout_s, nearest - now))
        handles: list[object] = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
        ready = set(multiprocessing.connection.wait(handles, wait_s))  # type: ignore[arg-type]
        out: list[Event] = []
        now = time.monotonic()
        for w in busy:
            task = w.task
            assert task is not None
            if w.conn in ready or w.proc.sentinel in ready:
                rec = self._receive(w)
                if rec is not None:
                    out.append(Finished(task, rec))
                    w.task = None
                    continue
                code = w.proc.exitcode
                w.proc.join(1.0)
                code = w.proc.exitcode
                why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                out.append(Died(task, f"worker process died ({why}) flying run {task.run_id}"))
                self._replace(w)
            elif now - w.started >= self.run_timeout_s:
                out.append(TimedOut(task, now - w.started))
                self._replace(w)
        return out

    @staticmethod
    def _receive(w: _Worker) -> RunRecord | None:
        try:
            if w.conn.poll():
                rec: RunRecord = w.conn.recv()
                return rec
        except (EOFError, OSError):
            pass
        return None

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self.workers[self.workers.index(w)] = _Worker(self.ctx, self.work)
        self.replaced += 1

    def close(self) -> None:
        for w in self.workers:
            if w.task is None:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        deadline = time.monotonic() + 2.0
        for w in self.workers:
            if w.task is None:
                w.proc.join(max(0.0, deadline - time.monotonic()))
            w.kill()
        self.workers = []
