"""Runs fuzz cases against one FSW through its ``FswPort``, under the oracles.

``Target`` is the FSW under fuzz: started by a factory of ``FswEndpoint``s (the
launcher's kinds, or a test's own byte FSW behind ``InProcessFswLink``), booted over
its port (PING until PONG, then STATE_INIT), and started afresh after a violation, so
the case hypothesis tries next does not inherit a broken FSW. ``play`` sends one case's
writes chunk by chunk and waits, after each write, for the answers the judge expects
(or the answer timeout); it keeps every byte both ways for a reproducer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from harness.fuzz.judge import Judge, Violation
from harness.launcher import FswEndpoint
from harness.link.base import Link
from harness.port import FswPort
from packets import StateInit

EndpointFactory = Callable[[], FswEndpoint]
#: the STATE_INIT the fuzzer boots an FSW with (the nominal descent's)
BOOT_STATE = StateInit(3000.0, 0.0, 0.0, -60.0, 900.0, 50.0, 2.0)


@dataclass(frozen=True)
class FuzzSettings:
    #: a correct FSW answers each write within this (its resync on quiet included)
    answer_timeout_s: float = 2.0
    #: how long one read waits (the in-process FSW resyncs on a read that waited)
    read_slice_s: float = 0.002
    boot_timeout_s: float = 15.0
    #: after the closing PONG, read this long for anything sent too many
    drain_s: float = 0.0
    #: start a fresh FSW for every example hypothesis shrinks with (cheap in memory)
    fresh_fsw_per_shrink: bool = True
    #: wall time for shrinking and pruning one failure (then the best so far is kept)
    shrink_budget_s: float = 60.0


@dataclass
class Exchange:
    """Every byte of one case both ways: ``(write index, direction, bytes)``, in order."""

    records: list[tuple[int, int, bytes]] = field(default_factory=list)
    frames_sent: int = 0


class _Tap(Link):
    """``inner`` with the bytes read kept in ``read_log`` (for the reproducer's F2H side)."""

    def __init__(self, inner: Link) -> None:
        self.inner = inner
        self.name = inner.name
        self.read_log: list[bytes] = []

    def _write(self, data: bytes) -> None:
        self.inner.write(data)

    def _read_some(self, timeout_s: float) -> bytes:
        data = self.inner.read(timeout_s)
        if data:
            self.read_log.append(data)
        return data

    def _close(self) -> None:
        self.inner.close()


class Target:
    """One FSW under fuzz, restartable."""

    def __init__(self, factory: EndpointFactory, settings: FuzzSettings) -> None:
        self.factory = factory
        self.settings = settings
        self.endpoint: FswEndpoint | None = None
        self.port: FswPort | None = None
        self.tap: _Tap | None = None
        self.starts = 0

    def start(self) -> FswPort:
        self.close()
        self.endpoint = self.factory()
        self.starts += 1
        self.tap = _Tap(self.endpoint.link)
        self.port = FswPort(self.tap, resync_quiet_s=self.settings.answer_timeout_s)
        try:
            self.port.boot(BOOT_STATE, timeout_s=self.settings.boot_timeout_s)
        except Exception as exc:
            raise Violation("liveness", f"the FSW did not boot: {exc}{self._why()}") from None
        return self.port

    def ready(self) -> FswPort:
        return self.port if self.port is not None else self.start()

    def _why(self) -> str:
        ep = self.endpoint
        code = ep.exit_code() if ep is not None else None
        if code is None:
            return ""
        tail = ep.stderr_tail(5) if ep is not None else ""
        return f"; it exited with code {code}" + (f": {tail}" if tail else "")

    def close(self) -> None:
        if self.endpoint is not None:
            self.endpoint.close()
        self.endpoint = self.port = None


def play(target: Target, writes: Sequence[Sequence[bytes]], out: Exchange | None = None) -> None:
    """Send each write (its chunks, in order) and judge the answers; raises ``Violation``."""
    port = target.ready()
    tap = target.tap
    assert tap is not None
    tap.read_log.clear()
    s = target.settings
    judge = Judge()
    rec = out.records if out is not None else None
    skipped0 = port.deframer.stats.skipped_bytes
    for w, chunks in enumerate(writes):
        for chunk in chunks:
            if rec is not None:  # before sending: the chunk that kills the FSW counts
                rec.append((w, 0, chunk))
            try:
                port.send(chunk)
            except Exception as exc:  # an in-process FSW that raises, a link that broke
                raise Violation("liveness", _crash(exc) + target._why(), w) from None
        judge.sent(b"".join(chunks))
        deadline = time.monotonic() + s.answer_timeout_s
        drain_until = 0.0
        while True:
            try:
                got = port.read(s.read_slice_s if judge.waiting else 0.0)
            except Exception as exc:
                raise Violation("liveness", _crash(exc) + target._why(), w) from None
            if tap.read_log:
                if rec is not None:
                    rec.extend((w, 1, d) for d in tap.read_log)
                tap.read_log.clear()
            if got:
                judge.answered(got)
            judge.junk(port.deframer.stats.skipped_bytes - skipped0)
            if judge.waiting:
                if time.monotonic() > deadline:
                    why = target._why()
                    raise Violation(
                        "liveness",
                        f"{judge.describe_waiting()} within {s.answer_timeout_s:g} s{why}",
                        w,
                    )
                continue
            if w < len(writes) - 1 or s.drain_s <= 0:
                break
            if not drain_until:
                drain_until = time.monotonic() + s.drain_s
            elif time.monotonic() > drain_until:
                break
    if out is not None:
        out.frames_sent += judge.ref.stats.frames


def _crash(exc: BaseException) -> str:
    return f"the FSW crashed or its link broke: {type(exc).__name__}: {exc}"
