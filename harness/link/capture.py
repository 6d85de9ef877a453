"""Capture files: every byte on the link with sim time, wall time and direction.

Format (all big-endian), after python-can's ASC/BLF idea of "log the bus, not the app":

    magic    8 bytes  b"LHILCAP1"
    records  repeated:
        sim_us   i64   sim time when the bytes crossed (harness clock)
        wall_ns  i64   wall clock, ns since the capture was opened (time.monotonic_ns based)
        dir      u8    0 = harness -> FSW (H2F), 1 = FSW -> harness (F2H)
        length   u32
        data     length bytes

``lunar-hil decode`` recognises the magic and deframes each direction separately.
Wall time makes a capture differ run to run; ``payload_digest`` ignores it so tests can
compare the bytes and sim times of two runs.

A run that is killed can leave the last record cut short. ``read_capture`` (strict, the
default) raises ``CaptureError`` at such a record, after yielding every intact record
before it; ``read_capture(path, strict=False)`` (or ``CaptureReader(..., strict=False)``)
stops there instead and keeps the error in ``.error``, so a reader can still use what the
file holds and then report where it ends.
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple, NoReturn

from harness.errors import HarnessError

MAGIC = b"LHILCAP1"
RECORD = struct.Struct(">qqBI")
H2F = 0
F2H = 1


class CaptureRecord(NamedTuple):
    sim_us: int
    wall_ns: int
    direction: int
    data: bytes


class CaptureError(HarnessError):
    """A file that is not a capture, or a bad or truncated record in one.

    ``offset`` is the byte offset of the bad record (of the magic: 0), ``records_read`` how
    many intact records precede it; both ``None`` when not known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        offset: int | None = None,
        records_read: int | None = None,
    ) -> None:
        self.path = path
        self.offset = offset
        self.records_read = records_read
        super().__init__(message)


class CaptureWriter:
    """Appends records to a capture file; flushes on close.

    A write that fails (a full disk) never reaches the run: recording stops, the error
    is kept in ``error`` and the capture holds every record before it.
    """

    def __init__(self, path: str | Path, *, buffer_bytes: int = -1) -> None:
        self.path = Path(path)
        #: a real-time run buffers the whole capture (``buffer_bytes``): a write() that
        #: the kernel holds back under disk pressure must not stall the pacing loop
        self._fh: BinaryIO = self.path.open("wb", buffering=buffer_bytes)
        self._fh.write(MAGIC)
        #: the wall clock (ns since the Unix epoch) at wall_ns 0, for a pcapng copy's timestamps
        self.opened_unix_ns = time.time_ns()
        self._t0 = time.monotonic_ns()
        self.bytes_by_direction = [0, 0]
        self.error: OSError | None = None

    def record(self, sim_us: int, direction: int, data: bytes) -> None:
        if not data or self.error is not None:
            return
        try:  # one write a record: the header and the bytes joined
            self._fh.write(
                RECORD.pack(sim_us, time.monotonic_ns() - self._t0, direction, len(data)) + data
            )
        except OSError as exc:
            self.error = exc
            return
        self.bytes_by_direction[direction] += len(data)

    def close(self) -> None:
        if not self._fh.closed:
            try:
                self._fh.close()
            except OSError as exc:
                self.error = self.error or exc


def is_capture(head: bytes) -> bool:
    return head[: len(MAGIC)] == MAGIC


class CaptureReader(Iterator[CaptureRecord]):
    """Records of a capture held in memory, in file order.

    Raises ``CaptureError`` at once when ``data`` does not start with the magic. At a bad
    or truncated record, ``strict`` raises ``CaptureError`` (with the record's offset and
    the number of intact records before it); otherwise iteration just stops and the error
    is kept in ``error``. ``offset`` is the byte offset of the next record to read: after
    a stop, the first byte that was not decoded.
    """

    def __init__(self, data: bytes, source: str, *, strict: bool = True) -> None:
        if not is_capture(data):
            raise CaptureError(
                f"{source}: not a lunar-hil capture (magic {data[: len(MAGIC)].hex()})",
                path=source,
                offset=0,
                records_read=0,
            )
        self.source = source
        self.strict = strict
        self.offset = len(MAGIC)
        self.records_read = 0
        self.error: CaptureError | None = None
        self._data = data

    def __iter__(self) -> CaptureReader:
        return self

    def __next__(self) -> CaptureRecord:
        data, off = self._data, self.offset
        if self.error is not None or off >= len(data):
            raise StopIteration
        if off + RECORD.size > len(data):
            return self._fail(
                f"truncated record header at offset {off} "
                f"({len(data) - off} of {RECORD.size} bytes present)"
            )
        sim_us, wall_ns, direction, n = RECORD.unpack_from(data, off)
        if direction not in (H2F, F2H):
            return self._fail(
                f"bad record at offset {off}: direction {direction} is neither "
                f"{H2F} (H2F) nor {F2H} (F2H)"
            )
        start = off + RECORD.size
        if start + n > len(data):
            return self._fail(
                f"truncated record at offset {off}: {n} data bytes declared, "
                f"{len(data) - start} present"
            )
        self.offset = start + n
        self.records_read += 1
        return CaptureRecord(sim_us, wall_ns, direction, data[start : start + n])

    def _fail(self, reason: str) -> NoReturn:
        self.error = CaptureError(
            f"{self.source}: {reason}",
            path=self.source,
            offset=self.offset,
            records_read=self.records_read,
        )
        if self.strict:
            raise self.error
        raise StopIteration


def read_capture(path: str | Path, *, strict: bool = True) -> CaptureReader:
    """Records in file order; see ``CaptureReader`` for a bad or truncated record.

    Strict (the default): yields every intact record, then raises ``CaptureError`` with
    the offset. ``strict=False``: stops there; the returned reader's ``error`` says why.
    """
    return CaptureReader(Path(path).read_bytes(), str(path), strict=strict)


def payload_digest(path: str | Path) -> str:
    """SHA-256 over (sim time, direction, bytes) of every record: equal for equal runs."""
    h = hashlib.sha256()
    for r in read_capture(path):
        h.update(struct.pack(">qB", r.sim_us, r.direction))
        h.update(r.data)
    return h.hexdigest()
