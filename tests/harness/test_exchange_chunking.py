"""The record of a run never depends on how the F→H bytes were chunked (ICD §2 rule 8).

A scripted FSW answers each SYNC(k) well or badly (an EVENT or a FSW_STATUS after the
command, a duplicate command, a bad PEC, an out-of-range throttle); a link hands its
answers back in hypothesis-chosen chunks. Counters, events, rows and the verdict are
identical to the same run read in one piece.
"""

from __future__ import annotations

from itertools import cycle
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.inprocess import InProcessFswLink
from harness.launcher import FswEndpoint, FswKind
from harness.link.base import Link
from harness.report.observers import RowRecorder
from harness.session import Session, SessionSettings
from packets import Deframer, EngineCmd, Event, Framer, FswStatus, Ping, Pong, StateInit, Sync
from tests.harness.test_session_supervision import FreeFallSim

BEHAVIOURS = ("good", "event_before", "event_after", "status_after", "dup", "bad_pec", "range")


class ScriptedFsw:
    """A byte-level FSW whose answer to SYNC(k) follows ``script[k % len(script)]``."""

    def __init__(self, script: list[str]) -> None:
        self.script = script
        self.deframer = Deframer()
        self.framer = Framer()

    def receive(self, data: bytes) -> bytes:
        out = b""
        for f in self.deframer.feed(data):
            p = f.packet
            if isinstance(p, Ping):
                out += self.framer.encode(Pong(p.nonce, 0), f.cuc)
            elif isinstance(p, Sync):
                out += self._answer(p.tick, f.cuc, self.script[p.tick % len(self.script)])
        return out

    def _answer(self, k: int, cuc: int, how: str) -> bytes:
        enc = self.framer.encode
        status = enc(FswStatus(k, 1, 0, 1.0, 0.0, 0.0, 0.0, 0, 0, 0, 0, 0, 0), cuc)
        throttle = 2.0 if how == "range" else 0.25
        cmd = enc(EngineCmd(k, 1, throttle, 0.0), cuc, False)
        if how == "bad_pec":
            cmd = cmd[:-1] + bytes([cmd[-1] ^ 0x5A])
        event = enc(Event(7, 0, float(k)), cuc)
        return {
            "good": status + cmd,
            "event_before": event + status + cmd,
            "event_after": status + cmd + event,
            "status_after": cmd + status,
            "dup": status + cmd + cmd,
            "bad_pec": status + cmd,
            "range": status + cmd,
        }[how]


class ChunkingLink(Link):
    """Hands back what ``inner`` has in chunks of the given sizes, in turn."""

    name = "chunking"

    def __init__(self, inner: Link, sizes: list[int]) -> None:
        self.inner = inner
        self._sizes = cycle(sizes)
        self._held = b""

    def _write(self, data: bytes) -> None:
        self.inner.write(data)

    def _read_some(self, timeout_s: float) -> bytes:
        if not self._held:
            self._held = self.inner.read(timeout_s)
        n = next(self._sizes)
        out, self._held = self._held[:n], self._held[n:]
        return out

    def _close(self) -> None:
        self.inner.close()


def _fly(script: list[str], sizes: list[int] | None) -> dict[str, Any]:
    link: Link = InProcessFswLink(ScriptedFsw(script))
    if sizes is not None:
        link = ChunkingLink(link, sizes)
    endpoint = FswEndpoint(FswKind.MEMORY, link, "scripted")
    sim = FreeFallSim(alt0_m=2.0)
    recorder = RowRecorder()
    session = Session(
        sim,
        endpoint,
        StateInit(2.0, 0.0, 0.0, 0.0, 500.0, 1.0, 0.1),
        SessionSettings(
            watchdog_s=2.0, read_slice_s=0.001, resync_quiet_s=0.0, max_missed_commands=1000
        ),
        observers=[recorder],
    )
    outcome = session.run()
    return {
        "verdict": outcome.verdict,
        "reason": outcome.end_reason,
        "causes": outcome.causes,
        "events": outcome.events,
        "link": outcome.link,
        "rows": [(r.t_us, r.status, r.engine_on, r.throttle, r.lrf_sent) for r in recorder.rows],
        "commands": sim.commands,
    }


@settings(max_examples=40)
@given(
    script=st.lists(st.sampled_from(BEHAVIOURS), min_size=1, max_size=12),
    sizes=st.lists(st.integers(1, 80), min_size=1, max_size=8),
)
def test_the_record_is_the_same_whatever_the_chunking(script: list[str], sizes: list[int]) -> None:
    whole = _fly(script, None)
    chunked = _fly(script, sizes)
    assert chunked == whole


def test_the_script_exercises_every_counter() -> None:
    """The property above is not vacuous: each misbehaviour leaves its mark."""
    rec = _fly(list(BEHAVIOURS), None)
    link = rec["link"]
    assert link["stale_answers"] > 0
    assert link["engine_cmd_rejected"] > 0
    assert link["engine_cmd_lost"] > 0
    assert link["received"]["crc_errors"] > 0
    assert rec["events"]
    assert any(status is None for _, status, *_ in rec["rows"])
