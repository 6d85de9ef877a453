"""`lunar-hil encode`: JSON lines to frames, decode's output round-trips, clear errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from harness.commands.decode import frame_object
from harness.commands.encode import LineError, encode_lines
from packets import Deframer, decode
from packets.strategies import Stream, streams
from tests.harness.commands._cli import lunar_hil

LRF = {"name": "LRF", "fields": {"range_m": 12.5, "status": 1, "quality": 3, "meas_id": 4}}


def jsonl(*objs: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(streams(max_frames=20))
def test_decode_output_encodes_back_to_the_same_bytes(stream: Stream) -> None:
    text = jsonl(*(frame_object(f) for f in stream.frames))
    assert encode_lines(text.splitlines(), "<test>") == stream.data


def test_encode_then_decode_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        jsonl(
            {**LRF, "time_s": 1.5},
            {**LRF, "seq": 7},
            LRF,  # continues from seq 7
            {
                "apid": 512,
                "fields": {"tick": 1, "engine_on": 1, "throttle": 0.5, "pitch_cmd_rad": 0},
            },
        )
    )
    out = tmp_path / "out.bin"
    assert lunar_hil(monkeypatch, "encode", str(src), "-o", str(out)) == 0
    frames = Deframer().feed(out.read_bytes())
    assert [(f.name, f.seq, f.time_s) for f in frames] == [
        ("LRF", 0, 1.5),
        ("LRF", 7, 0.0),
        ("LRF", 8, 0.0),
        ("ENGINE_CMD", 0, 0.0),
    ]
    assert frames[0].packet._asdict() == LRF["fields"]
    assert lunar_hil(monkeypatch, "decode", str(out)) == 0
    decoded = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [d["seq"] for d in decoded] == [0, 7, 8, 0]


def test_encode_stdin_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(jsonl(LRF)))
    assert lunar_hil(monkeypatch, "encode") == 0
    raw = capsysbinary.readouterr().out
    assert decode(raw).packet._asdict() == LRF["fields"]


@pytest.mark.parametrize(
    ("line", "key", "says"),
    [
        ("not json", "(line)", "one JSON object per line"),
        ("[1, 2]", "(line)", "a JSON object"),
        (json.dumps({"fields": {}}), "name", '"name"'),
        (json.dumps({**LRF, "name": "LASER"}), "name", "one of SYNC"),
        (json.dumps({**LRF, "apid": 256}), "apid", "257 for LRF"),
        (json.dumps({"apid": 999, "fields": {}}), "apid", "an APID of ICD v1"),
        (json.dumps({**LRF, "fields": [1]}), "fields", "an object with range_m"),
        (json.dumps({"name": "LRF", "fields": {"range_m": 1.0}}), "fields.status", "a value"),
        (
            json.dumps({"name": "LRF", "fields": {**LRF["fields"], "range": 1}}),  # type: ignore[dict-item]
            "fields.range",
            "only fields of LRF",
        ),
        (
            json.dumps({"name": "LRF", "fields": {**LRF["fields"], "quality": 256}}),  # type: ignore[dict-item]
            "fields.quality",
            "an integer in [0, 255]",
        ),
        (
            json.dumps({"name": "LRF", "fields": {**LRF["fields"], "range_m": "far"}}),  # type: ignore[dict-item]
            "fields.range_m",
            "a number",
        ),
        (
            json.dumps({"name": "LRF", "fields": {**LRF["fields"], "range_m": -1}}),  # type: ignore[dict-item]
            "fields.range_m",
            "within [0, 1e+07]",
        ),
        (
            json.dumps({"name": "LRF", "fields": {**LRF["fields"], "status": 16}}),  # type: ignore[dict-item]
            "fields.status",
            "only bits 0x0F",
        ),
        (json.dumps({**LRF, "seq": 16384}), "seq", "[0, 16383]"),
        (json.dumps({**LRF, "time_s": -1}), "time_s", "seconds in"),
        (json.dumps({**LRF, "tmie_s": 1}), "tmie_s", "only keys"),
    ],
)
def test_a_bad_line_names_its_number_and_field_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    line: str,
    key: str,
    says: str,
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(LRF) + "\n" + line + "\n" + jsonl(LRF))  # the bad line is line 3
    out = tmp_path / "out.bin"
    out.write_bytes(b"untouched")
    assert lunar_hil(monkeypatch, "encode", str(src), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert f"{src}:3: {key}: expected" in err
    assert says in err
    assert out.read_bytes() == b"untouched"
    with pytest.raises(LineError) as info:
        encode_lines(src.read_text().splitlines(), "x")
    assert (info.value.line, info.value.key) == (3, key)
