"""The serial line model: how long bytes take on the wire, in sim time.

An asynchronous serial line sends ``bits_per_byte`` bits per byte (8N1 = start + 8 data +
stop = 10), so at ``baud`` bits/s

    capacity_bytes_per_s = baud / bits_per_byte,   tx_time = n_bytes · bits_per_byte / baud.

The line is full duplex: each direction has the whole capacity. ``baud`` 0 or None is an
unlimited line (an in-memory or pty link that models no wire).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Generic, TypeVar

from harness.errors import HarnessError

US_PER_S = 1_000_000
T = TypeVar("T")


class LineCapacityError(HarnessError):
    """The traffic a scenario offers is more than the line can carry; carries the numbers."""

    def __init__(
        self,
        where: str,
        direction: str,
        offered_bytes_per_s: float,
        capacity_bytes_per_s: float,
        baud: int,
    ) -> None:
        self.where = where
        self.direction = direction
        self.offered_bytes_per_s = offered_bytes_per_s
        self.capacity_bytes_per_s = capacity_bytes_per_s
        self.utilisation_pct = 100.0 * offered_bytes_per_s / capacity_bytes_per_s
        self.baud = baud
        super().__init__(
            f"{where}: {direction} traffic {offered_bytes_per_s:.0f} B/s exceeds the line "
            f"capacity {capacity_bytes_per_s:.0f} B/s at {baud} baud "
            f"({self.utilisation_pct:.1f} % utilisation)"
        )


class SerialLine:
    """A line of ``baud`` bits/s carrying ``bits_per_byte`` bits per byte on the wire."""

    def __init__(self, baud: int | None, bits_per_byte: int = 10) -> None:
        if baud is not None and baud < 0:
            raise ValueError(f"baud must be ≥ 0 (0 = unlimited), found {baud}")
        if bits_per_byte <= 0:
            raise ValueError(f"bits_per_byte must be > 0, found {bits_per_byte}")
        self.baud = baud or 0
        self.bits_per_byte = bits_per_byte

    @property
    def unlimited(self) -> bool:
        return self.baud == 0

    @property
    def capacity_bytes_per_s(self) -> float:
        """Bytes per second in each direction (``inf`` when unlimited)."""
        return math.inf if self.unlimited else self.baud / self.bits_per_byte

    def tx_time_us(self, n_bytes: int) -> int:
        """Time on the wire for ``n_bytes``, µs, rounded up (0 when unlimited)."""
        if self.unlimited:
            return 0
        bits = n_bytes * self.bits_per_byte
        return -(-(bits * US_PER_S) // self.baud)  # integer ceiling: no float rounding

    def utilisation_pct(self, offered_bytes_per_s: float) -> float:
        return 0.0 if self.unlimited else 100.0 * offered_bytes_per_s / self.capacity_bytes_per_s

    def check_capacity(
        self, bytes_per_second_h2f: float, bytes_per_second_f2h: float, where: str
    ) -> None:
        """Raise ``LineCapacityError`` if either direction offers more than the line carries."""
        if self.unlimited:
            return
        for direction, offered in (
            ("harness→FSW", bytes_per_second_h2f),
            ("FSW→harness", bytes_per_second_f2h),
        ):
            if offered > self.capacity_bytes_per_s:
                raise LineCapacityError(
                    where, direction, offered, self.capacity_bytes_per_s, self.baud
                )

    def __repr__(self) -> str:
        return f"SerialLine(baud={self.baud}, bits_per_byte={self.bits_per_byte})"


class TxQueue(Generic[T]):
    """Frames on one direction of a FIFO line, in sim time.

    A frame put at ``due_us`` starts when it is due and the line is free, and arrives
    its transmission time later; ``arrived(t_us)`` pops, in line order, every frame
    that has arrived by ``t_us``. Without a line (``None``) a frame arrives when due.
    """

    def __init__(self, line: SerialLine | None) -> None:
        self._tx = None if line is None or line.unlimited else line.tx_time_us
        self._free_us = 0
        self._queue: deque[tuple[int, bytes, T]] = deque()

    def put(self, due_us: int, frame: bytes, item: T) -> int:
        """Queue a frame; returns its arrival time (µs)."""
        if self._tx is None:
            arrival = due_us
        else:
            arrival = self._free_us = max(due_us, self._free_us) + self._tx(len(frame))
        self._queue.append((arrival, frame, item))
        return arrival

    def arrived(self, t_us: int) -> list[tuple[bytes, T]]:
        q = self._queue
        out = []
        while q and q[0][0] <= t_us:
            _, frame, item = q.popleft()
            out.append((frame, item))
        return out

    def __len__(self) -> int:
        return len(self._queue)
