"""Encode JSON lines (the shape ``lunar-hil decode`` prints) into ICD frames.

Each line is an object with "name" (SYNC, LRF, ...) or "apid", "fields" by their ICD
names, and optionally "seq" (else a per-APID counter) and "time_s" (else 0). Other keys
("type", "dir", "sim_s") are ignored, so decode's output encodes back. Every line is
checked before anything is written: a bad line is an error that names its line number
and field, and the output stays untouched.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.errors import InputError
from packets import SPECS, FieldRangeError, Framer, UnknownPacketError, codec_for, encode
from packets.codec import MAX_CUC, FastCodec
from packets.icd import CUC_FINE_PER_S, SEQ_MODULO

#: the integer range of each unsigned struct code an ICD field may use
_UINT_MAX = {"B": 0xFF, "H": 0xFFFF, "L": 0xFFFF_FFFF, "I": 0xFFFF_FFFF}
_SIGNED = {"b": 7, "h": 15, "l": 31, "i": 31}
_IGNORED_KEYS = {"type", "dir", "sim_s"}
_KNOWN_KEYS = {"name", "apid", "seq", "time_s", "fields"} | _IGNORED_KEYS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", nargs="?", default="-", help="JSON lines; - (default) for stdin"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="where the frames go; - for stdout"
    )


class LineError(InputError):
    """One bad input line: where, which key, what was expected and what was found."""

    def __init__(self, source: str, line: int, key: str, expected: str, found: object) -> None:
        self.source, self.line, self.key = source, line, key
        self.expected, self.found = expected, found
        super().__init__(f"{source}:{line}: {key}: expected {expected}, found {found!r}")


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _codec_of(obj: dict[str, Any], err: Any) -> FastCodec:
    name, apid = obj.get("name"), obj.get("apid")
    names = ", ".join(s.name for s in SPECS.values())
    if name is None and apid is None:
        raise err("name", f'"name" (one of {names}) or "apid"', None)
    codec: FastCodec | None = None
    if name is not None:
        try:
            codec = codec_for(str(name)) if isinstance(name, str) else None
        except UnknownPacketError:
            codec = None
        if codec is None:
            raise err("name", f"one of {names}", name)
    if apid is not None:
        try:
            by_apid = codec_for(apid) if _is_int(apid) else None
        except UnknownPacketError:
            by_apid = None
        if by_apid is None:
            apids = ", ".join(str(int(a)) for a in SPECS)
            raise err("apid", f"an APID of ICD v1 ({apids})", apid)
        if codec is not None and by_apid is not codec:
            raise err("apid", f"{int(codec.spec.apid)} for {codec.spec.name}", apid)
        codec = by_apid
    assert codec is not None
    return codec


def _field_values(codec: FastCodec, fields: object, err: Any) -> list[Any]:
    names = codec.spec.field_names
    if not isinstance(fields, dict):
        raise err("fields", f"an object with {', '.join(names)}", fields)
    extra = sorted(set(fields) - set(names))
    if extra:
        raise err(
            f"fields.{extra[0]}", f"only fields of {codec.spec.name}: {', '.join(names)}", extra[0]
        )
    values: list[Any] = []
    for name, code in zip(names, codec.data.format[1:], strict=True):
        key = f"fields.{name}"
        if name not in fields:
            raise err(key, f"a value ({codec.spec.name} has {', '.join(names)})", None)
        v = fields[name]
        if code in "fd":
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise err(key, "a number (f32)", v)
            values.append(float(v))
        elif code in _UINT_MAX:
            if not _is_int(v) or not 0 <= v <= _UINT_MAX[code]:
                raise err(key, f"an integer in [0, {_UINT_MAX[code]}]", v)
            values.append(v)
        else:
            bits = _SIGNED[code]
            if not _is_int(v) or not -(1 << bits) <= v < (1 << bits):
                raise err(key, f"an integer in [{-(1 << bits)}, {(1 << bits) - 1}]", v)
            values.append(v)
    return values


def _frame_of_line(framer: Framer, obj: object, err: Any) -> bytes:
    if not isinstance(obj, dict):
        raise err("(line)", "a JSON object", obj)
    unknown = sorted(set(obj) - _KNOWN_KEYS)
    if unknown:
        raise err(unknown[0], f"only keys {', '.join(sorted(_KNOWN_KEYS))}", unknown[0])
    codec = _codec_of(obj, err)
    values = _field_values(codec, obj.get("fields"), err)
    packet = codec.cls(*values)
    apid = int(codec.spec.apid)
    seq = obj.get("seq")
    if seq is None:
        seq = framer.next_seq(apid)
    elif not _is_int(seq) or not 0 <= seq < SEQ_MODULO:
        raise err("seq", f"an integer in [0, {SEQ_MODULO - 1}]", seq)
    else:
        framer.continue_after(apid, seq)  # later lines without seq continue from it
    time_s = obj.get("time_s", 0)
    max_s = MAX_CUC / CUC_FINE_PER_S
    if (
        not isinstance(time_s, int | float)
        or isinstance(time_s, bool)
        or not math.isfinite(time_s)
        or not 0 <= time_s <= max_s
    ):
        raise err("time_s", f"seconds in [0, {max_s:.0f}]", time_s)
    cuc = min(round(time_s * CUC_FINE_PER_S), MAX_CUC)
    try:
        return encode(packet, seq, cuc)
    except FieldRangeError as exc:
        raise err(f"fields.{exc.field}", exc.expected, exc.value) from None


def encode_lines(lines: Iterable[str], source: str) -> bytes:
    """Frames for every JSON line (blank lines skipped); ``LineError`` on the first bad one."""
    framer = Framer()
    out: list[bytes] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue

        def err(key: str, expected: str, found: object, _n: int = lineno) -> LineError:
            return LineError(source, _n, key, expected, found)

        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise err("(line)", f"one JSON object per line ({exc.msg})", line.strip()) from None
        out.append(_frame_of_line(framer, obj, err))
    return b"".join(out)


def run(args: argparse.Namespace) -> int:
    source = "<stdin>" if args.file == "-" else args.file
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: cannot read: {exc}") from None
    frames = encode_lines(text.splitlines(), source)  # all lines built before any write
    if args.output == "-":
        sys.stdout.buffer.write(frames)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(args.output).write_bytes(frames)
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write: {exc.strerror}") from None
    return 0
