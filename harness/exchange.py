"""The per-tick exchange (ICD §4): what the FSW answered to SYNC(k), frame by frame.

Items (accepted frames and rejections) are taken in stream order. The tick's answer is
settled by ENGINE_CMD(k) -- or at once by an ENGINE_CMD(k) that failed its range checks
(its PEC vouched for it) -- and everything that follows it in the stream is carried over
to the next tick's exchange, where an FSW_STATUS or ENGINE_CMD of tick k is stale. So a
duplicate command, a status sent after the command and an EVENT after the command are
recorded the same way whether they came in the same read as ENGINE_CMD(k) or later
(ICD §2 rule 8): the record never depends on how the OS chunked the bytes.

EVENTs are kept with the time they carry (ICD "Time stamps of F→H frames").
"""

from __future__ import annotations

from typing import Any

from harness.outcome import ExchangeCounts
from harness.port import Received
from packets import Apid, EngineCmd, Event, FswStatus, Pong, Rejection
from packets.codec import Frame

_ENGINE_CMD = int(Apid.ENGINE_CMD)
_CUC_PER_S = 65536.0
#: how many of a tick's items the timeout reason lists
_SHOWN = 12


class TickExchange:
    """Collects the answer to each SYNC(k) in turn; counts what went wrong."""

    def __init__(self, counts: ExchangeCounts, events: list[tuple[float, Event]]) -> None:
        self.counts = counts
        self.events = events
        self.carry: list[Received] = []
        self.k = -1
        self.status: FswStatus | None = None
        self.command: EngineCmd | None = None
        self.settled = False
        #: "command" | "rejected" | "lost" | "late" once settled
        self.how = ""
        #: a rejection (or skipped bytes) came after the last good frame
        self.damaged = False
        #: what arrived for this tick, in order (described only when a reason needs it)
        self.seen: list[Received] = []
        self.rejections: list[Rejection] = []
        self.missed_in_row = 0

    def begin(self, k: int) -> bool:
        """Start tick k's exchange with what was carried over; True if already settled."""
        self.k = k
        self.status = None
        self.command = None
        self.settled = False
        self.how = ""
        self.damaged = False
        if self.seen:  # fresh lists only when the last tick used them
            self.seen = []
        if self.rejections:
            self.rejections = []
        if not self.carry:
            return False
        carried, self.carry = self.carry, []
        return self.take(carried)

    def take(self, items: list[Received]) -> bool:
        """Process ``items`` in order until the answer is settled; keep the rest."""
        k = self.k
        c = self.counts
        seen = self.seen
        for i, item in enumerate(items):
            if self.settled:
                self.carry.extend(items[i:])
                return True
            if type(item) is Frame:
                self.damaged = False
                p = item.packet
                tp = type(p)
                if tp is EngineCmd:
                    if p.tick == k:  # type: ignore[union-attr]
                        self.command = p  # type: ignore[assignment]
                        self._settle("command")
                    else:
                        c.stale_answers += 1
                        seen.append(item)
                elif tp is FswStatus:
                    if p.tick == k and self.status is None:  # type: ignore[union-attr]
                        self.status = p  # type: ignore[assignment]
                        seen.append(item)
                    else:
                        c.stale_answers += 1
                        seen.append(item)
                elif tp is Event:
                    self.events.append((item.cuc / _CUC_PER_S, p))  # type: ignore[arg-type]
                    seen.append(item)
                elif tp is Pong:
                    seen.append(item)
                else:
                    c.unexpected_frames += 1
                    seen.append(item)
            else:
                rej: Rejection = item  # type: ignore[assignment]
                self.rejections.append(rej)
                seen.append(item)
                if rej.kind == "range" and rej.apid == _ENGINE_CMD and _tick_of(rej) == k:
                    c.engine_cmd_rejected += 1
                    self._settle("rejected")
                else:
                    self.damaged = True
        return self.settled

    def finish(self, items: list[Received]) -> None:
        """The run is over: what followed the last answer (and ``items``, read since) is
        still recorded -- EVENTs kept, stale answers counted -- so every accepted frame
        is acted on or counted (ICD §2 rule 8)."""
        self.k = -1
        self.settled = False
        carried, self.carry = self.carry, []
        self.take(carried + items)
        self.carry = []

    def give_up(self, how: str) -> None:
        """Settle the tick without a command: ``lost`` (damaged, then quiet) or ``late``."""
        if how == "lost":
            self.counts.engine_cmd_lost += 1
        else:
            self.counts.engine_cmd_late += 1
        self._settle(how)

    def _settle(self, how: str) -> None:
        self.settled = True
        self.how = how
        if how == "command":
            self.missed_in_row = 0
        else:
            self.missed_in_row += 1
            self.counts.max_missed_in_row = max(self.counts.max_missed_in_row, self.missed_in_row)

    def received_for_tick(self) -> str:
        """What arrived for this tick, for an end reason."""
        if not self.seen:
            return "nothing"
        shown = [self._describe(item) for item in self.seen[:_SHOWN]]
        if len(self.seen) > _SHOWN:
            shown.append(f"… ({len(self.seen) - _SHOWN} more)")
        return "; ".join(shown)

    def _describe(self, item: Received) -> str:
        if type(item) is not Frame:
            return f"rejected ({describe(item)})"  # type: ignore[arg-type]
        p = item.packet
        tick = getattr(p, "tick", None)
        if tick is None:
            return item.name
        return f"{item.name}({tick})" + ("" if tick == self.k else " stale")


def describe(rej: Rejection) -> str:
    """A rejection in a few words: why, its length, and the APID its header names."""
    name = rej.name or (f"APID 0x{rej.apid:03X}" if rej.apid is not None else "no header")
    return f"{rej.reason}; {len(rej.data)} bytes, {name} per its header"


def _tick_of(rej: Rejection) -> Any:
    return rej.fields[0] if rej.fields else None
