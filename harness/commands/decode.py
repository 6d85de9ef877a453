"""Decode frames from a byte stream or a capture file into JSON lines, one per packet.

Reads FILE (or standard input for ``-``) in chunks through the ICD deframer and prints
one JSON object per accepted packet: apid, name, type, seq, time_s and the fields by
their ICD names. A lunar-hil capture is recognised by its magic; each direction is
deframed separately and the objects carry "dir" (H2F or F2H) and "sim_s". A run's
``capture.pcapng`` is read the same way (its records carry direction and sim time), so both
give the same objects. With ``--summary`` only one final object with the deframer's
counters is printed.

A capture whose last record is cut short (a killed run) or bad is decoded up to that
record: everything before it is printed as usual (the summary gains "truncated_at", the
byte offset of the record, and "capture_error"), a warning naming the file and offset
goes to stderr, and the exit status is 1. A bad block in a pcapng capture is treated alike.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from harness.errors import InputError
from harness.link.capture import (
    F2H,
    H2F,
    MAGIC,
    CaptureError,
    CaptureReader,
    CaptureRecord,
    is_capture,
)
from harness.pcapng.blocks import SIGNATURE_LEN, PcapngError, is_pcapng
from harness.pcapng.capture import read_pcapng_capture
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
    records: Iterable[CaptureRecord], summary: bool, out: IO[str]
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


def _warn_truncated(error: CaptureError) -> None:
    print(
        f"lunar-hil decode: warning: {error}; decoded the {error.records_read} intact "
        f"record(s) before byte offset {error.offset} and stopped there",
        file=sys.stderr,
    )


def _until_error(
    records: Iterator[CaptureRecord], errors: list[PcapngError]
) -> Iterator[CaptureRecord]:
    """The records up to a bad pcapng block; its error goes to ``errors``."""
    try:
        yield from records
    except PcapngError as exc:
        errors.append(exc)


def _decode_pcapng(data: bytes, source: str, summary: bool, out: IO[str]) -> int:
    errors: list[PcapngError] = []
    stats = _decode_capture(_until_error(read_pcapng_capture(data, source), errors), summary, out)
    if summary:
        merged = _merged_summary(stats)
        if errors:
            merged["capture_error"] = str(errors[0])
        _emit(merged, out)
    if errors:
        out.flush()
        print(
            f"lunar-hil decode: warning: {errors[0]}; decoded the records before it",
            file=sys.stderr,
        )
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    status = 0
    source = "<stdin>" if args.file == "-" else args.file
    try:
        fh: IO[bytes] = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror}") from None
    try:
        head = fh.read(len(MAGIC))
        if is_capture(head):
            reader = CaptureReader(head + fh.read(), source, strict=False)
            stats = _decode_capture(reader, args.summary, out)
            if args.summary:
                summary = _merged_summary(stats)
                if reader.error is not None:
                    summary["truncated_at"] = reader.error.offset
                    summary["capture_error"] = str(reader.error)
                _emit(summary, out)
            if reader.error is not None:
                out.flush()
                _warn_truncated(reader.error)
                status = 1
        else:
            head += fh.read(SIGNATURE_LEN - len(head))  # a pcapng signature is longer
            if is_pcapng(head):
                status = _decode_pcapng(head + fh.read(), source, args.summary, out)
            else:
                single = _decode_stream(_chunks(fh, head), args.summary, out)
                if args.summary:
                    _emit(single.summary(), out)
                if single.frames == 0 and single.unknown_apid == 0 and single.idle == 0:
                    out.flush()
                    print(
                        f"lunar-hil decode: warning: {source}: no frame found in"
                        f" {single.skipped_bytes} bytes (not a capture, a pcapng or an ICD"
                        " byte stream?)",
                        file=sys.stderr,
                    )
                    status = 1
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    out.flush()
    return status
