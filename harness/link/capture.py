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
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

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
    pass


class CaptureWriter:
    """Appends records to a capture file; flushes on close."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh: BinaryIO = self.path.open("wb")
        self._fh.write(MAGIC)
        self._t0 = time.monotonic_ns()
        self.bytes_by_direction = [0, 0]

    def record(self, sim_us: int, direction: int, data: bytes) -> None:
        if not data:
            return
        self._fh.write(RECORD.pack(sim_us, time.monotonic_ns() - self._t0, direction, len(data)))
        self._fh.write(data)
        self.bytes_by_direction[direction] += len(data)

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


def is_capture(head: bytes) -> bool:
    return head[: len(MAGIC)] == MAGIC


def read_capture(path: str | Path) -> Iterator[CaptureRecord]:
    """Records in file order; a truncated last record raises ``CaptureError`` with the offset."""
    data = Path(path).read_bytes()
    if not is_capture(data):
        raise CaptureError(f"{path}: not a lunar-hil capture (magic {data[:8].hex()})")
    off = len(MAGIC)
    while off < len(data):
        if off + RECORD.size > len(data):
            raise CaptureError(f"{path}: truncated record header at offset {off}")
        sim_us, wall_ns, direction, n = RECORD.unpack_from(data, off)
        off += RECORD.size
        if off + n > len(data) or direction not in (H2F, F2H):
            raise CaptureError(f"{path}: bad or truncated record at offset {off - RECORD.size}")
        yield CaptureRecord(sim_us, wall_ns, direction, data[off : off + n])
        off += n


def payload_digest(path: str | Path) -> str:
    """SHA-256 over (sim time, direction, bytes) of every record: equal for equal runs."""
    h = hashlib.sha256()
    for r in read_capture(path):
        h.update(struct.pack(">qB", r.sim_us, r.direction))
        h.update(r.data)
    return h.hexdigest()
