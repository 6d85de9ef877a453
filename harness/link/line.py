"""The serial line model: how long bytes take on the wire, in sim time.

An asynchronous serial line sends ``bits_per_byte`` bits per byte (8N1 = start + 8 data +
stop = 10), so at ``baud`` bits/s

    capacity_bytes_per_s = baud / bits_per_byte,   tx_time = n_bytes · bits_per_byte / baud.

The line is full duplex: each direction has the whole capacity. ``baud`` 0 or None is an
unlimited line (an in-memory or pty link that models no wire).

``Line`` is the two directions of the wire between harness and FSW, each a ``Direction``
whose ``Stage``s turn bytes written at a sim time into bytes that arrive later: the UART
model (``BaudStage``), and the link faults. It sits in front of any ``Link``.

(Somewhat over 300 lines: a ``Direction`` keeps, beside its general path, the folded
paths for a lone UART stage that every tick takes -- ``put_all``, ``put_take``,
``put_all_arrived`` -- each property-tested against the general one.)
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar

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


class Stage(Protocol):
    """One stage of a line direction: bytes written at a sim time become bytes that
    arrive at sim times (the baud model; later, each link fault). A stage may delay,
    split, drop, damage or duplicate; ``fifo`` says it never reorders; ``bytes_held``
    is what it holds back and has not let onto the line yet."""

    fifo: bool

    @property
    def bytes_held(self) -> int: ...

    def process(self, t_us: int, data: bytes) -> list[tuple[int, bytes]]: ...


class BaudStage:
    """The UART: a FIFO whose bytes leave one after another at the line rate.

    Bytes written at ``t`` start when they are written and the line is free, and arrive
    their transmission time later: ``arrival = max(t, free) + tx_time(len)``.
    """

    fifo = True
    bytes_held = 0  # every byte goes onto the line as it is written

    def __init__(self, line: SerialLine) -> None:
        self.line = line
        self._tx = line.tx_time_us
        self.free_us = 0

    def process(self, t_us: int, data: bytes) -> list[tuple[int, bytes]]:
        arrival = self.free_us = max(t_us, self.free_us) + self._tx(len(data))
        return [(arrival, data)]


class Direction(Generic[T]):
    """One direction of the line, in sim time: ``put`` bytes as a sender writes them,
    ``arrived(t_us)`` the pieces that have reached the receiver by then, in arrival order.

    Each ``put`` may carry an ``item`` (what the bytes are, for the record); the pieces a
    stage makes of them keep it. With no stages the bytes arrive when written.
    """

    def __init__(self, name: str, stages: Sequence[Stage] = ()) -> None:
        self.name = name
        self.stages = list(stages)
        self._fifo = all(st.fifo for st in self.stages)
        self._queue: deque[tuple[int, bytes, T | None]] = deque()
        self._heap: list[tuple[int, int, bytes, T | None]] = []
        self._n = 0
        self.bytes_put = 0
        self.bytes_arrived = 0
        #: a lone FIFO baud stage is folded into ``put`` (the common, hot case):
        #: tx_time = ceil(n · bits_per_byte · 1e6 / baud), in integers as ``tx_time_us``
        only = self.stages[0] if len(self.stages) == 1 else None
        self._baud = only if isinstance(only, BaudStage) else None
        if self._baud is not None:
            self._bits_us = self._baud.line.bits_per_byte * US_PER_S
            self._rate = self._baud.line.baud

    def put(self, t_us: int, data: bytes, item: T | None = None) -> None:
        if self._baud is not None:
            self.put_all(((t_us, data, item),))
            return
        self.bytes_put += len(data)
        if not self.stages:
            self._queue.append((t_us, data, item))
            return
        pieces = [(t_us, data)]
        for stage in self.stages:
            pieces = [out for t, d in pieces for out in stage.process(t, d)]
        for t, d in pieces:
            if self._fifo:
                self._queue.append((t, d, item))
            else:
                heapq.heappush(self._heap, (t, self._n, d, item))
                self._n += 1

    def put_all(self, items: Iterable[tuple[int, bytes, T | None]]) -> None:
        """``put`` each ``(t_us, data, item)`` in order (one call for a tick's frames)."""
        baud = self._baud
        if baud is None:
            for t, data, item in items:
                self.put(t, data, item)
            return
        bits_us, rate = self._bits_us, self._rate
        free = baud.free_us
        append = self._queue.append
        n_put = 0
        for t, data, item in items:
            n = len(data)
            n_put += n
            free = (t if t > free else free) + -(-(n * bits_us) // rate)
            append((free, data, item))
        baud.free_us = free
        self.bytes_put += n_put

    def arrived(self, t_us: int) -> list[tuple[bytes, T | None]]:
        """Every piece that has arrived by ``t_us``, in arrival order (then put order)."""
        out: list[tuple[bytes, T | None]] = []
        n = 0
        if self._fifo:
            q = self._queue
            while q and q[0][0] <= t_us:
                _, data, item = q.popleft()
                out.append((data, item))
                n += len(data)
        else:
            h = self._heap
            while h and h[0][0] <= t_us:
                _, _, data, item = heapq.heappop(h)
                out.append((data, item))
                n += len(data)
        self.bytes_arrived += n
        return out

    def put_all_arrived(
        self, items: Iterable[tuple[int, bytes, T | None]], t_us: int
    ) -> tuple[list[bytes], list[T | None]]:
        """``put_all(items)``, then ``arrived_split(t_us)``. With a lone baud stage in one
        pass: what was on the line goes first (FIFO), and a new piece that arrives by
        ``t_us`` behind an empty queue is handed on without being queued."""
        baud = self._baud
        if baud is None:
            self.put_all(items)
            return self.arrived_split(t_us)
        datas, got = self.arrived_split(t_us)
        q = self._queue
        bits_us, rate = self._bits_us, self._rate
        free = baud.free_us
        n_put = n_arrived = 0
        for t, data, item in items:
            n = len(data)
            n_put += n
            free = (t if t > free else free) + -(-(n * bits_us) // rate)
            if free <= t_us:  # arrivals never decrease: nothing queued arrives before it
                datas.append(data)
                got.append(item)
                n_arrived += n
            else:
                q.append((free, data, item))
        baud.free_us = free
        self.bytes_put += n_put
        self.bytes_arrived += n_arrived
        return datas, got

    def arrived_split(self, t_us: int) -> tuple[list[bytes], list[T | None]]:
        """``arrived(t_us)`` as two lists, the pieces' bytes and their items (the
        lockstep loop's per-tick call: no pair per piece)."""
        datas: list[bytes] = []
        items: list[T | None] = []
        if self._fifo:
            q = self._queue
            if not q or q[0][0] > t_us:
                return datas, items
            add_data, add_item, pop = datas.append, items.append, q.popleft
            while q and q[0][0] <= t_us:
                _, data, item = pop()
                add_data(data)
                add_item(item)
            self.bytes_arrived += sum(map(len, datas))
            return datas, items
        for data, item in self.arrived(t_us):
            datas.append(data)
            items.append(item)
        return datas, items

    def put_take(self, t_us: int, data: bytes, by_us: int) -> bytes:
        """``put(t_us, data)``, then ``take(by_us)``: what a receiver reads as it comes.
        A lone baud stage with nothing on the line (the common case) skips the queue."""
        baud = self._baud
        if baud is None or self._queue:
            self.put(t_us, data)
            return self.take(by_us)
        n = len(data)
        free = baud.free_us
        arrival = baud.free_us = (t_us if t_us > free else free) + -(
            -(n * self._bits_us) // self._rate
        )
        self.bytes_put += n
        if arrival > by_us:
            self._queue.append((arrival, data, None))
            return b""
        self.bytes_arrived += n
        return data

    def take(self, t_us: int) -> bytes:
        """The bytes that have arrived by ``t_us``, joined."""
        return b"".join(d for d, _ in self.arrived(t_us))

    @property
    def in_flight(self) -> int:
        """Pieces on the line that have not arrived yet."""
        return len(self._queue) + len(self._heap)

    @property
    def bytes_in_flight(self) -> int:
        """Bytes sent that have not arrived: on the line, or held back by a stage. Not
        ``bytes_put - bytes_arrived``: a fault stage adds bytes (babble, duplicate) or
        drops them (loss, truncation) between the two."""
        queued = sum(len(p[1]) for p in self._queue) + sum(len(p[2]) for p in self._heap)
        return queued + sum(st.bytes_held for st in self.stages)

    def next_arrival_us(self) -> int | None:
        if self._fifo:
            return self._queue[0][0] if self._queue else None
        return self._heap[0][0] if self._heap else None


class Line:
    """The two directions between the harness and the FSW, in sim time (the one slot
    where bytes are delayed or damaged: the baud model, and link faults as stages)."""

    def __init__(self, h2f: Direction[Any], f2h: Direction[Any], serial: SerialLine | None) -> None:
        self.h2f = h2f
        self.f2h = f2h
        self.serial = serial

    @classmethod
    def of(
        cls,
        serial: SerialLine | None,
        h2f_stages: Sequence[Stage] = (),
        f2h_stages: Sequence[Stage] = (),
    ) -> Line:
        """A line with the UART model (when ``serial`` has a baud) after any other stages."""

        def stages(extra: Sequence[Stage]) -> list[Stage]:
            baud: list[Stage] = (
                [BaudStage(serial)] if serial is not None and not serial.unlimited else []
            )
            return [*extra, *baud]

        return cls(
            Direction("h2f", stages(h2f_stages)), Direction("f2h", stages(f2h_stages)), serial
        )
