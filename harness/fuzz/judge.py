"""The oracles: what any FSW must answer to the H2F bytes of a case, judged from the link.

The judge runs its own ICD receiver (``packets.Deframer``) over the H2F bytes exactly as
written, resynchronising where the FSW must (a write whose bytes leave a partial
candidate is followed by quiet: ICD §2 rule 7), and so knows which requests a correct
receiver accepted, in order: every PING(n) must get PONG(n); every SYNC(k) must get one
FSW_STATUS(k) and then exactly one ENGINE_CMD(k), last (EVENTs anywhere). The F2H side
must be clean frames. Violations, each by oracle name:

* ``liveness`` -- the FSW exited, crashed, or did not answer within the answer timeout;
* ``lockstep`` -- an answer missing, twice, out of order, for a request not sent, or F2H
  bytes that are not frames (bad PEC, junk, a header the ICD rejects);
* ``command_sanity`` -- an ENGINE_CMD that fails its ICD range checks (NaN, throttle > 1);
* ``accounting`` -- FSW_STATUS / PONG counters (frames, PEC errors, rejected, skipped
  bytes) differ from the judge's receiver by more than the ICD lets a receiver decide:
  ``rx_frames`` may also count unknown-APID and idle frames; a request answered in the
  middle of a write may already count what follows it in that write (a receiver may
  read the whole write before it acts: ICD §2 rule 8), so each counter must lie between
  the judge's count at the request and at the end of its write.

Counters are compared as deltas from the first FSW_STATUS whose SYNC ended its write (the
case's baseline SYNC), so one FSW can run case after case.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from packets import Apid, Deframer, EngineCmd, Event, Frame, FswStatus, Ping, Pong, Rejection, Sync

ORACLES = ("liveness", "lockstep", "command_sanity", "accounting")
_COUNTERS = ("rx_frames", "rx_crc_errors", "rx_rejected", "rx_skipped_bytes")


class Violation(Exception):  # noqa: N818 (the domain word: an oracle is violated)
    """An oracle found the FSW wrong: which oracle, what, and in which write."""

    def __init__(self, oracle: str, detail: str, write: int | None = None) -> None:
        self.oracle = oracle
        self.detail = detail
        self.write = write
        where = f" (write {write})" if write is not None else ""
        super().__init__(f"{oracle}: {detail}{where}")


class Counts(NamedTuple):
    """The judge's receiver counters at one point of the stream, as the FSW reports them."""

    rx_frames: int
    rx_crc_errors: int
    rx_rejected: int
    rx_skipped_bytes: int
    #: frames the ICD lets a receiver count in ``rx_frames`` or not (unknown APID, idle)
    optional_frames: int


def _counts(d: Deframer) -> Counts:
    st = d.stats
    return Counts(
        st.frames, st.crc_errors, st.rejected, st.skipped_bytes, st.unknown_apid + st.idle
    )


@dataclass
class Request:
    """A request a correct receiver accepted: PING(nonce) or SYNC(tick), and the judge's
    counters when it was accepted (``at``) and when its write was done (``end``)."""

    kind: str  # "ping" | "sync"
    key: int  # nonce or tick
    at: Counts
    end: Counts | None = None
    write: int = 0
    status: FswStatus | None = None

    def __str__(self) -> str:
        return f"PING({self.key})" if self.kind == "ping" else f"SYNC({self.key})"


class Judge:
    """Follows one FSW's exchange, write by write; raises ``Violation``."""

    def __init__(self) -> None:
        self._items: list[object] = []
        self.ref = Deframer(keep_rejections=0, on_reject=self._items.append)
        self.pending: deque[Request] = deque()
        #: FSW counter minus the judge's, once known (counter name -> offset)
        self.offset: dict[str, int] | None = None
        self.last_answered: Request | None = None
        self.writes = 0

    def sent(self, data: bytes) -> list[Request]:
        """The bytes of one write, as sent: the requests they carry (resynchronising on the
        quiet that follows a write that left a partial candidate)."""
        w = self.writes
        self.writes += 1
        ref, items = self.ref, self._items
        start = _counts(ref)
        ref.feed(data, into=items)
        while ref.pending:
            ref.resync(into=items)
        end = _counts(ref)
        new = self._requests(start, w)
        items.clear()
        for r in new:
            r.end = end
        self.pending.extend(new)
        return new

    def _requests(self, start: Counts, w: int) -> list[Request]:
        """Requests among the frames and rejections of one write, in stream order, each
        with the counters at its frame (skipped bytes: as at the start of the write)."""
        out = []
        frames, crc, rejected = start.rx_frames, start.rx_crc_errors, start.rx_rejected
        for item in self._items:
            if type(item) is not Frame:
                if item.kind == "crc":  # type: ignore[attr-defined]
                    crc += 1
                else:
                    rejected += 1
                continue
            frames += 1
            p = item.packet
            tp = type(p)
            if tp is Ping or tp is Sync:
                at = Counts(frames, crc, rejected, start.rx_skipped_bytes, start.optional_frames)
                key = p.nonce if tp is Ping else p.tick  # type: ignore[union-attr]
                out.append(Request("ping" if tp is Ping else "sync", key, at, None, w))
        return out

    @property
    def waiting(self) -> bool:
        return bool(self.pending)

    def answered(self, items: list[Frame | Rejection]) -> None:
        """Judge what the FSW sent back, in stream order."""
        for item in items:
            if type(item) is not Frame:
                self._rejected(item)  # type: ignore[arg-type]
                continue
            p = item.packet
            tp = type(p)
            if tp is Event or item.apid == Apid.IDLE:
                continue
            head = self.pending[0] if self.pending else None
            if tp is Pong:
                if head is None or head.kind != "ping" or head.key != p.nonce:  # type: ignore[union-attr]
                    raise self._out_of_turn(f"PONG({p.nonce})", head)  # type: ignore[union-attr]
                self._check_frames(head, p.rx_frames)  # type: ignore[union-attr]
                self._done()
            elif tp is FswStatus:
                if head is None or head.kind != "sync" or head.key != p.tick or head.status:  # type: ignore[union-attr]
                    raise self._out_of_turn(f"FSW_STATUS({p.tick})", head)  # type: ignore[union-attr]
                head.status = p  # type: ignore[assignment]
                self._check_status(head, p)  # type: ignore[arg-type]
            elif tp is EngineCmd:
                if head is None or head.kind != "sync" or head.key != p.tick:  # type: ignore[union-attr]
                    raise self._out_of_turn(f"ENGINE_CMD({p.tick})", head)  # type: ignore[union-attr]
                if head.status is None:
                    raise Violation(
                        "lockstep",
                        f"ENGINE_CMD({head.key}) without FSW_STATUS({head.key})",
                        head.write,
                    )
                self._done()
            else:
                raise Violation("lockstep", f"the FSW sent {item.name} (not an F→H answer)")

    def _done(self) -> None:
        self.last_answered = self.pending.popleft()

    def _out_of_turn(self, what: str, head: Request | None) -> Violation:
        last = self.last_answered
        if head is None:
            again = f" ({last} was answered already)" if last is not None else ""
            w = last.write if last is not None else None
            return Violation("lockstep", f"{what} when no request was waiting{again}", w)
        return Violation("lockstep", f"{what} while {head} was waiting for its answer", head.write)

    def _rejected(self, rej: Rejection) -> None:
        if rej.kind == "range" and rej.apid == Apid.ENGINE_CMD:
            raise Violation("command_sanity", f"ENGINE_CMD out of range: {rej.reason}; {rej.hex}")
        raise Violation("lockstep", f"the FSW sent a bad frame: {rej.reason}; {rej.hex}")

    def junk(self, skipped_bytes: int) -> None:
        if skipped_bytes:
            raise Violation("lockstep", f"the FSW sent {skipped_bytes} bytes that are not frames")

    # --- accounting ------------------------------------------------------------------

    def _check_frames(self, r: Request, rx_frames: int) -> None:
        off = self.offset
        if off is None:
            return
        end = r.end or r.at
        lo = r.at.rx_frames + off["rx_frames"]
        hi = end.rx_frames + off["rx_frames"] + end.optional_frames
        if not lo <= rx_frames <= hi:
            want = f"{lo}" if lo == hi else f"{lo}..{hi}"
            what = f"{r} answered with rx_frames {rx_frames}, expected {want}"
            raise Violation("accounting", what, r.write)

    def _check_status(self, r: Request, st: FswStatus) -> None:
        end = r.end or r.at
        if self.offset is None:
            if r.at != end:  # not an exact point: wait for one
                return
            self.offset = {c: int(getattr(st, c)) - getattr(r.at, c) for c in _COUNTERS}
            return
        self._check_frames(r, st.rx_frames)
        for c in _COUNTERS[1:]:
            lo, hi = getattr(r.at, c) + self.offset[c], getattr(end, c) + self.offset[c]
            got = int(getattr(st, c))
            if not lo <= got <= hi:
                want = f"{lo}" if lo == hi else f"{lo}..{hi}"
                raise Violation(
                    "accounting", f"FSW_STATUS({r.key}) {c} {got}, expected {want}", r.write
                )

    def describe_waiting(self) -> str:
        r = self.pending[0]
        what = f"PONG({r.key})" if r.kind == "ping" else f"ENGINE_CMD({r.key})"
        return f"no {what} for {r}" + (
            f" and {len(self.pending) - 1} more" if len(self.pending) > 1 else ""
        )
