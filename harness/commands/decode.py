"""Decode frames from a byte stream or a capture file into JSON lines, one per packet.

Reads FILE (or standard input for ``-``) in chunks through the ICD deframer and prints
one JSON object per accepted packet: apid, name, type, seq, time_s and the fields by
their ICD names. A lunar-hil capture is recognised by its magic; each direction is
deframed separately and the objects carry "dir" (H2F or F2H) and "sim_s". With
``--summary`` only one final object with the deframer's counters is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from harness.errors import InputError
from harness.link.capture import F2H, H2F, MAGIC, RECORD, CaptureRecord, is_capture
from packets import SPECS, Deframer, DeframerStats, Frame

CHUNK_BYTES = 1 << 16
DIRECTIONS = {H2F: "H2F", F2H: "F2H"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="frames or a capture file; - for stdin")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print only one final object with the counters (frames, CRC errors, ...)",
    )


def frame_object(frame: Frame) -> dict[str, Any]:
    """The JSON object of one accepted frame (the shape ``lunar-hil encode`` reads)."""
    spec = SPECS[frame.apid]
    return {
        "apid": int(frame.apid),
        "name": spec.name,
        "type": spec.type.name,
        "seq": frame.seq,
        "time_s": frame.time_s,
        "fields": frame.packet._asdict(),
    }


def _chunks(fh: IO[bytes], head: bytes) -> Iterator[bytes]:
    if head:
        yield head
    read = getattr(fh, "read1", fh.read)
    while chunk := read(CHUNK_BYTES):
        yield chunk


def _records(data: bytes, source: str) -> Iterator[CaptureRecord]:
    """Records of a capture held in memory (``read_capture`` reads them from a path)."""
    off = len(MAGIC)
    while off < len(data):
        if off + RECORD.size > len(data):
            raise InputError(f"{source}: truncated capture record header at offset {off}")
        sim_us, wall_ns, direction, n = RECORD.unpack_from(data, off)
        if off + RECORD.size + n > len(data) or direction not in DIRECTIONS:
            raise InputError(f"{source}: bad or truncated capture record at offset {off}")
        off += RECORD.size
        yield CaptureRecord(sim_us, wall_ns, direction, data[off : off + n])
        off += n


def _emit(obj: dict[str, Any], out: IO[str]) -> None:
    out.write(json.dumps(obj))
    out.write("\n")


def _decode_stream(chunks: Iterator[bytes], summary: bool, out: IO[str]) -> DeframerStats:
    deframer = Deframer()
    for chunk in chunks:
        frames = deframer.feed(chunk)
        if not summary:
            for frame in frames:
                _emit(frame_object(frame), out)
    for frame in deframer.flush():
        if not summary:
            _emit(frame_object(frame), out)
    return deframer.stats


def _decode_capture(
    records: Iterator[CaptureRecord], summary: bool, out: IO[str]
) -> dict[int, DeframerStats]:
    deframers = {d: Deframer() for d in DIRECTIONS}
    last_sim_us = dict.fromkeys(DIRECTIONS, 0)

    def emit(frames: list[Frame], direction: int) -> None:
        if summary:
            return
        for frame in frames:
            obj = frame_object(frame)
            obj["dir"] = DIRECTIONS[direction]
            obj["sim_s"] = last_sim_us[direction] / 1e6
            _emit(obj, out)

    for rec in records:
        last_sim_us[rec.direction] = rec.sim_us
        emit(deframers[rec.direction].feed(rec.data), rec.direction)
    for direction, deframer in deframers.items():
        emit(deframer.flush(), direction)
    return {d: deframers[d].stats for d in DIRECTIONS}


def _merged_summary(stats: dict[int, DeframerStats]) -> dict[str, Any]:
    per_dir = {DIRECTIONS[d]: s.summary() for d, s in stats.items()}
    total: dict[str, Any] = {}
    for s in per_dir.values():
        for key, value in s.items():
            if isinstance(value, dict):
                merged = total.setdefault(key, {})
                for name, n in value.items():
                    merged[name] = merged.get(name, 0) + n
            else:
                total[key] = total.get(key, 0) + value
    total["by_dir"] = per_dir
    return total


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    source = "<stdin>" if args.file == "-" else args.file
    try:
        fh: IO[bytes] = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror}") from None
    try:
        head = fh.read(len(MAGIC))
        if is_capture(head):
            data = head + fh.read()
            stats = _decode_capture(_records(data, source), args.summary, out)
            if args.summary:
                _emit(_merged_summary(stats), out)
        else:
            single = _decode_stream(_chunks(fh, head), args.summary, out)
            if args.summary:
                _emit(single.summary(), out)
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    out.flush()
    return 0
