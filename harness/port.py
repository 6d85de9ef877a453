"""``FswPort``: the harness's end of the ICD link to one FSW, whatever the FSW is.

Framing and deframing, counters both ways, typed rejections, the resync of a partial
frame on a quiet line (ICD §2 rule 7) and the boot exchange (PING until PONG, then
STATE_INIT; ICD §4 "Start of a run"). It knows no sim time of its own and no verdicts:
the lockstep loop, the real-time loop and the fuzzer each drive an FSW through it.

``read`` returns frames *and* rejections interleaved in stream order, whatever the
chunking of the bytes (ICD §2 rule 8), so a caller's record of an exchange never
depends on how the OS split the reads.

With an ``rx_line`` (a ``harness.link.line.Direction``) the bytes read are put on that
modelled line at the sim time ``clock.t_us`` and handed on once they have arrived by
``clock.horizon_us`` -- the F2H half of the one slot where bytes are delayed or damaged.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from harness.errors import HarnessError
from harness.link.base import Link
from harness.link.line import Direction
from packets import Deframer, Framer, Packet, Ping, Pong, Rejection, StateInit
from packets.codec import Frame

#: what ``FswPort.read`` hands back: accepted frames and rejections, in stream order
Received = Frame | Rejection


class SimTime(Protocol):
    """The sim time the port stamps line writes with (``harness.clock.SimClock``)."""

    t_us: int
    horizon_us: int


class BootTimeoutError(HarnessError):
    """No PONG within the boot timeout; the message says what arrived instead."""


class FswPort:
    """Bytes and frames to and from one FSW over ``link``."""

    def __init__(
        self,
        link: Link,
        *,
        resync_quiet_s: float = 0.2,
        rx_line: Direction[Any] | None = None,
        clock: SimTime | None = None,
        keep_rejections: int = 64,
    ) -> None:
        self.link = link
        self.resync_quiet_s = resync_quiet_s
        self.framer = Framer()
        self.deframer = Deframer(keep_rejections=keep_rejections, on_reject=self._on_reject)
        self.rx_line = rx_line
        self.clock = clock
        self.bytes_sent = 0
        self.bytes_received = 0
        self.resyncs = 0
        self.last_pong: Pong | None = None
        self._sink: list[Received] = []
        self._last_rx = time.monotonic()

    # --- sending ---------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Write framed bytes (raises ``LinkError`` when the link is gone)."""
        self.link.write(data)
        self.bytes_sent += len(data)

    def send_packet(self, packet: Packet, cuc: int = 0) -> None:
        self.send(self.framer.encode(packet, cuc))

    # --- receiving -------------------------------------------------------------------

    def _on_reject(self, rej: Rejection) -> None:
        self._sink.append(rej)

    def read(self, timeout_s: float) -> list[Received]:
        """Frames and rejections completed by what arrives within ``timeout_s``.

        When nothing arrives and a partial candidate has waited longer than the resync
        quiet time, it is given up (counted in ``resyncs``) and the hunt goes on.
        """
        data = b""
        line = self.rx_line
        if line is not None:
            if self.clock is None:
                raise ValueError("an rx_line needs the sim clock that stamps its writes")
            if line.in_flight:
                data = line.take(self.clock.horizon_us)
        if not data:
            raw = self.link.read(timeout_s)
            if raw:
                self.bytes_received += len(raw)
                if line is None:
                    data = raw
                else:
                    clock = self.clock
                    data = line.put_take(clock.t_us, raw, clock.horizon_us)  # type: ignore[union-attr]
        out: list[Received] = []
        self._sink = out
        if data:
            self._last_rx = time.monotonic()
            self.deframer.feed(data, into=out)
        elif (
            self.deframer.pending
            and time.monotonic() - self._last_rx >= self.resync_quiet_s
            and (line is None or not line.in_flight)
        ):
            # quiet for longer than the rest of any frame takes (ICD §2 rule 7)
            self.resyncs += 1
            self.deframer.resync(into=out)
        return out

    def quiet_s(self) -> float:
        """Wall time since bytes last arrived."""
        return time.monotonic() - self._last_rx

    # --- the boot exchange -----------------------------------------------------------

    def boot(
        self,
        state_init: StateInit,
        *,
        timeout_s: float,
        ping_interval_s: float = 0.25,
        read_slice_s: float = 0.05,
    ) -> Pong:
        """PING until a PONG answers, then STATE_INIT (ICD §4, start of a run).

        STATE_INIT goes after the PONG: bytes sent before the FSW has opened its port
        may be flushed (pyserial empties the input on open), a PING lost is harmless.
        """
        deadline = time.monotonic() + timeout_s
        nonce = 0
        next_ping = 0.0
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise BootTimeoutError(self._boot_failure(timeout_s, nonce))
            if now >= next_ping:
                nonce += 1
                self.send_packet(Ping(nonce), 0)
                next_ping = now + ping_interval_s
            for item in self.read(min(read_slice_s, max(0.0, next_ping - now))):
                if isinstance(item, Frame):
                    p = item.packet
                    if isinstance(p, Pong) and 1 <= p.nonce <= nonce:
                        self.last_pong = p
                        self.send_packet(state_init, 0)
                        return p

    def _boot_failure(self, timeout_s: float, pings: int) -> str:
        st = self.deframer.stats
        what = f"no PONG within {timeout_s:g} s of PINGs ({pings} sent)"
        if self.bytes_received == 0:
            return what + "; nothing at all came back"
        return (
            what + f"; received {self.bytes_received} bytes: {st.frames} frames accepted,"
            f" {st.skipped_bytes} bytes of junk skipped, {st.crc_errors} bad PECs,"
            f" {st.rejected} rejected"
        )

    # --- the record ------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """Counters both ways, for result.json ``link``."""
        return {
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "frames_sent": self.framer.sent_by_name(),
            "received": self.deframer.stats.summary(),
            "received_rejections": [r.as_dict() for r in list(self.deframer.rejections)[-8:]],
            "resyncs": self.resyncs,
        }
