"""The stub on its own clock (``python -m fsw_stub --clock own``), as a board runs.

A dev board's FSW does not wait for SYNC: a timer starts its control cycle every
period. ``OwnClockFsw`` is the same ``FlightSoftware`` with SYNC ignored (received and
counted, never acted on) and a ``cycle()`` the pump calls on its own timer: cycle j
runs at ``epoch + j · period`` on the stub's monotonic clock and answers as tick j,
stamped with its own time ``j · period`` -- the board's clock, started when STATE_INIT
arrives (the ground's "go"), not the harness's. Before STATE_INIT no cycle runs.

The timer uses absolute deadlines; a cycle more than a period late is skipped, not
run in a burst (a board's timer interrupt does not queue up either).
"""

from __future__ import annotations

import select
import time
from collections.abc import Callable
from typing import Protocol

import serial

from fsw_stub.config import FswConfig
from fsw_stub.core import FlightSoftware
from packets import Apid, Sync, cuc_from_us

US = 1_000_000
#: how long one wait for bytes may take when no cycle is due sooner
IDLE_WAIT_S = 0.005
READ_SIZE = 4096


class Stop(Protocol):
    requested: bool


class OwnClockFsw(FlightSoftware):
    """``FlightSoftware`` whose control cycle is started by its own timer, not by SYNC."""

    def __init__(self, cfg: FswConfig, now: Callable[[], float] = time.monotonic) -> None:
        super().__init__(cfg)
        self.now = now
        self.period_s = cfg.period_us / US
        self.epoch: float | None = None
        self.cycles = 0
        self.skipped_cycles = 0
        self.syncs_ignored = 0
        self._next = 0

    def _dispatch(self, apid: int, packet: object, cuc: int, out: bytearray) -> None:
        if apid == Apid.SYNC:
            self.syncs_ignored += 1
            return
        if apid == Apid.STATE_INIT and self.epoch is None:
            self.epoch = self.now()
        super()._dispatch(apid, packet, cuc, out)

    def next_due(self) -> float | None:
        """The monotonic instant of the next cycle (None before STATE_INIT)."""
        if self.epoch is None:
            return None
        return self.epoch + self._next * self.period_s

    def cycle(self) -> bytes:
        """Run the cycle that is due (skipping any that are a period or more overdue)."""
        assert self.epoch is not None
        behind = int((self.now() - self.epoch) / self.period_s)
        if behind > self._next:
            self.skipped_cycles += behind - self._next
            self._next = behind
        j = self._next
        self._next += 1
        self.cycles += 1
        out = bytearray()
        period_us = self.cfg.period_us
        super()._dispatch(Apid.SYNC, Sync(j, period_us), cuc_from_us(j * period_us), out)
        return bytes(out)


def _waiting(port: serial.SerialBase) -> int:
    return max(1, min(int(getattr(port, "in_waiting", 0)), READ_SIZE))


def pump(port: serial.SerialBase, fsw: OwnClockFsw, resync_s: float, stop: Stop) -> None:
    """Bytes in whenever they come, a cycle whenever the timer says, until EOF or stop."""
    try:
        fd: int | None = port.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    now = fsw.now
    quiet_since = now()
    while not stop.requested:
        due = fsw.next_due()
        wait = IDLE_WAIT_S if due is None else min(IDLE_WAIT_S, max(0.0, due - now()))
        try:
            if fd is not None:
                ready = select.select([fd], [], [], wait)[0]
                data = (
                    port.read(max(1, min(int(getattr(port, "in_waiting", 0)), READ_SIZE)))
                    if ready
                    else b""
                )
            else:
                port.timeout = wait
                data = port.read(_waiting(port))
        except (serial.SerialException, OSError):
            return  # hang-up: the harness closed its end
        out = b""
        t = now()
        if data:
            quiet_since = t
            out = fsw.receive(data)
        elif fsw.deframer.pending and t - quiet_since > resync_s:
            quiet_since = t
            out = fsw.resync()
        elif fd is not None and ready:
            return  # readable but empty: end of file
        due = fsw.next_due()
        if due is not None and now() >= due:
            out += fsw.cycle()
        if out:
            try:
                port.write(out)
                port.flush()
            except (serial.SerialException, OSError):
                return
        if not port.is_open:
            return
