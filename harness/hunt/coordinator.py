"""Start, resume and drive a hunt: the ledger in this process, the engines beside it.

Runs are flown by ``PooledFly``: each in a campaign pool worker (a child process), so a
run past the hunt's ``run_timeout_s`` is killed and recorded as a timeout, and a run
whose worker dies is retried once, then recorded as an error -- as in a campaign; the
hunt goes on either way (such a run counts as passing: it says nothing of the FSW).

``--jobs 1`` runs one engine in this process (bit-deterministic: the same hunt file and
store give the same runs in the same order). ``--jobs N`` runs N engines, each in its own
process with its own round seeds (``spawn_key=(engine, round)``), flying its runs
itself; they ask this process's ledger before every run over a pipe, so the store has
one writer, the budget is shared, a schedule flown by one engine is free to the others,
and a failure one engine shrank is off-limits to all. (With several engines the order
in which they meet is the OS's: the runs are each deterministic, the hunt's order is not.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from harness.campaign.coordinator import outcome_of
from harness.campaign.pool import ProcessPool
from harness.campaign.progress import Progress
from harness.campaign.store import RunRecord, Store, new_store, reopen_store
from harness.campaign.worker import RunTask, run_task
from harness.errors import HarnessError, signum_of
from harness.hunt.engine import BudgetSpent, Engine, Fly, Found
from harness.hunt.ledger import Ledger
from harness.hunt.plan import Hunt, hunt_from_text
from harness.hunt.space import Schedule
from harness.runner import RunSpec

POLL_S = 0.25


def fly_task(run_id: int, spec: RunSpec) -> RunRecord:
    """The default ``Fly``: the campaign worker's never-raising run."""
    return run_task(RunTask(run_id, spec))


class PooledFly:
    """A ``Fly`` that flies each run in a one-worker campaign pool, under the wall-clock
    limit ``run_timeout_s`` (``work``: what the worker runs, a module-level function --
    tests pass one that hangs or dies). The pool starts at the first run, in the process
    that flies (an engine's own, with ``--jobs N``)."""

    def __init__(
        self, run_timeout_s: float, work: Callable[[RunTask], RunRecord] = run_task
    ) -> None:
        self.run_timeout_s = run_timeout_s
        self.work = work
        self.pool: ProcessPool | None = None

    def __getstate__(self) -> dict[str, Any]:  # to an engine process: without a pool
        return {"run_timeout_s": self.run_timeout_s, "work": self.work, "pool": None}

    def __call__(self, run_id: int, spec: RunSpec) -> RunRecord:
        if self.pool is None:
            self.pool = ProcessPool(1, self.run_timeout_s, self.work)
        task = RunTask(run_id, spec)
        while True:
            self.pool.submit(task)
            while not (events := self.pool.events(POLL_S)):
                pass
            retry: deque[RunTask] = deque()
            rec = outcome_of(events[0], retry)  # None: its worker died, one more attempt
            if rec is not None:
                return rec
            task = retry.popleft()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


@dataclass
class Outcome:
    ledger: Ledger
    interrupted: bool
    #: the signal that interrupted it (SIGINT for Ctrl-C, SIGTERM, SIGHUP); 0 when none
    signum: int = 0


def create(hunt: Hunt, directory: Path) -> Store:
    """A new hunt directory (its store, no runs yet); refuses an existing one."""
    return new_store(directory, hunt, "hunt")


def reopen(directory: Path) -> tuple[Hunt, Store]:
    """The stored hunt, refusing a hunt file or base scenario changed since."""
    return reopen_store(directory, hunt_from_text, "hunt")


def drive(
    hunt: Hunt,
    store: Store,
    directory: Path,
    jobs: int,
    progress: Progress,
    fly: Fly | None = None,
) -> Outcome:
    """Hunt until the budget is spent; Ctrl-C stops and keeps what was found. ``fly``:
    how a run is flown (default ``PooledFly``; tests pass fakes -- then nothing is
    re-flown from its written file)."""
    real = fly is None or fly is fly_task or isinstance(fly, PooledFly)
    fly = PooledFly(hunt.run_timeout_s) if fly is None else fly
    ledger = Ledger(hunt, directory, store, progress, refly=real)
    total = hunt.budget_runs if hunt.budget_s is None else None
    progress.start(total, min(ledger.flown, hunt.budget_runs))
    interrupted = False
    signum = 0
    try:
        if jobs == 1:
            Engine(hunt, ledger, fly).run()
        else:
            _drive_processes(hunt, ledger, jobs, fly)
        ledger.stop_reason = ledger.stop_reason or ledger.spent() or "done"
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM / SIGHUP (errors.SignalInterrupt)
        interrupted = True
        signum = signum_of(exc)
        how = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        ledger.stop_reason = f"interrupted ({how}): resume with lunar-hil hunt resume DIR"
    finally:
        if isinstance(fly, PooledFly):
            fly.close()
        progress.stop()
        ledger.write()
    return Outcome(ledger, interrupted, signum)


# -- engines in processes -----------------------------------------------------------------


class _PipeBroker:
    """An engine's view of the ledger across a pipe (one request, one answer)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._known: list[Schedule] = []

    def _call(self, *msg: Any) -> Any:
        self.conn.send(msg)
        tag, value = self.conn.recv()
        if tag == "spent":
            raise BudgetSpent(value)
        return value

    def ask(self, key: str, mode: str = "run") -> RunRecord | int | None:
        answer, known = self._call("ask", key, mode)
        self._known = [Schedule.from_key(k) for k in known]
        return answer  # type: ignore[no-any-return]

    def ran(self, run_id: int, key: str, rec: RunRecord) -> None:
        self._call("ran", run_id, key, rec)

    def known(self) -> list[Schedule]:
        return self._known

    def found(self, f: Found) -> bool:
        new: bool = self._call("found", f)
        self._known = [Schedule.from_key(k) for k in self._call("known")]
        return new


def _engine_main(conn: Connection, hunt: Hunt, engine: int, fly: Fly) -> None:
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    broker = _PipeBroker(conn)
    try:
        broker._known = [Schedule.from_key(k) for k in broker._call("known")]
        Engine(hunt, broker, fly, engine).run()
    except (EOFError, OSError, BudgetSpent):
        pass
    finally:
        if isinstance(fly, PooledFly):
            fly.close()
        with contextlib.suppress(OSError):
            conn.send(("done",))


def _drive_processes(hunt: Hunt, ledger: Ledger, jobs: int, fly: Fly) -> None:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["harness.hunt.engine", "harness.campaign.worker"])
    conns: dict[Connection, Any] = {}
    try:
        for e in range(jobs):
            mine, theirs = ctx.Pipe()
            # not a daemon: its PooledFly starts a worker of its own (it is killed below)
            proc = ctx.Process(target=_engine_main, args=(theirs, hunt, e, fly), daemon=False)
            proc.start()
            theirs.close()
            conns[mine] = proc
        live = set(conns)
        while live:
            for conn in multiprocessing.connection.wait(list(live), POLL_S):
                assert isinstance(conn, Connection)
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    live.discard(conn)
                    continue
                if msg[0] == "done":
                    live.discard(conn)
                    continue
                conn.send(_serve(ledger, msg))
            ledger.progress.refresh()
            for conn in list(live):
                if conns[conn].exitcode is not None and not conn.poll():
                    live.discard(conn)
    finally:
        for proc in conns.values():
            if proc.exitcode is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    proc.kill()
            proc.join(5.0)


def _serve(ledger: Ledger, msg: tuple[Any, ...]) -> tuple[str, Any]:
    known = [s.key() for s in ledger.known()]
    op = msg[0]
    try:
        if op == "ask":
            return ("ok", (ledger.ask(msg[1], msg[2]), known))
        if op == "ran":
            ledger.ran(msg[1], msg[2], msg[3])
            return ("ok", None)
        if op == "found":
            return ("ok", ledger.found(msg[1]))
        if op == "known":
            return ("ok", known)
    except BudgetSpent as exc:
        return ("spent", str(exc))
    raise HarnessError(f"hunt engine sent an unknown message {op!r}")
