"""`lunar-hil decode`: JSON lines per accepted packet, captures by direction, summaries."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from harness.link.capture import F2H, H2F, CaptureWriter
from packets import EngineCmd, Framer, FswStatus, Lrf, Sync, encode
from packets.strategies import bad_crc
from tests.harness.commands._cli import lunar_hil


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_decode_prints_one_object_per_packet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "frames.bin"
    path.write_bytes(
        b"noise" + encode(Lrf(1234.5, 1, 200, 42), 5, 12 << 16 | 0x8000) + encode(Sync(3, 50_000))
    )
    assert lunar_hil(monkeypatch, "decode", str(path)) == 0
    objs = lines(capsys.readouterr().out)
    assert objs[0] == {
        "apid": 257,
        "name": "LRF",
        "type": "TM",
        "seq": 5,
        "time_s": 12.5,
        "fields": {"range_m": 1234.5, "status": 1, "quality": 200, "meas_id": 42},
    }
    assert objs[1]["name"] == "SYNC" and objs[1]["type"] == "TC"
    assert len(objs) == 2


def test_decode_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = Framer()
    data = (
        f.encode(Sync(0, 1), 0)
        + bad_crc(f.encode(Lrf(1.0, 1, 0, 0), 0))
        + f.encode(Lrf(1.0, 1, 0, 1), 0)  # the first LRF seen: no gap
        + f.encode(Lrf(1.0, 1, 0, 2), 0)
        + encode(EngineCmd(1, 1, 2.0, 0.0), check=False)
        + b"\x00\x00"
    )
    path = tmp_path / "frames.bin"
    path.write_bytes(data)
    assert lunar_hil(monkeypatch, "decode", "--summary", str(path)) == 0
    out = lines(capsys.readouterr().out)
    assert out == [
        {
            "frames": 3,
            "by_name": {"SYNC": 1, "LRF": 2},
            "crc_errors": 1,
            "skipped_bytes": len(f.encode(Lrf(1.0, 1, 0, 0), 0)) + 2,
            "rejected": 1,
            "unknown_apid": 0,
            "seq_gaps": 0,
        }
    ]


def test_decode_reads_stdin_in_chunks_and_flushes_at_eof(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    f = Framer()
    data = b"".join(f.encode(Sync(k, 50_000), k) for k in range(5000))  # > one 64 KiB chunk
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    assert lunar_hil(monkeypatch, "decode", "-") == 0
    objs = lines(capsys.readouterr().out)
    assert [o["fields"]["tick"] for o in objs] == list(range(5000))  # type: ignore[index]


def test_decode_capture_by_direction(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    h2f, f2h = Framer(), Framer()
    sync = h2f.encode(Sync(0, 50_000), 0)
    cmd = f2h.encode(EngineCmd(0, 1, 0.5, 0.0), 0)
    status = f2h.encode(FswStatus(0, 1, 0, 10.0, -1.0, 0.0, 0.0, 0, 0, 1, 0, 0, 0), 0)
    path = tmp_path / "run.cap"
    cap = CaptureWriter(path)
    cap.record(0, H2F, sync[:10])
    cap.record(1_000, F2H, status[:7])  # interleaved partial frames per direction
    cap.record(2_000, H2F, sync[10:])
    cap.record(3_000, F2H, status[7:] + cmd)
    cap.close()
    assert lunar_hil(monkeypatch, "decode", str(path)) == 0
    objs = lines(capsys.readouterr().out)
    assert [(o["name"], o["dir"], o["sim_s"]) for o in objs] == [
        ("SYNC", "H2F", 0.002),
        ("FSW_STATUS", "F2H", 0.003),
        ("ENGINE_CMD", "F2H", 0.003),
    ]
    assert lunar_hil(monkeypatch, "decode", "--summary", str(path)) == 0
    (summary,) = lines(capsys.readouterr().out)
    assert summary["frames"] == 3
    assert summary["by_name"] == {"SYNC": 1, "ENGINE_CMD": 1, "FSW_STATUS": 1}
    assert summary["by_dir"]["F2H"]["frames"] == 2  # type: ignore[index]


def test_decode_missing_file_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.bin"
    assert lunar_hil(monkeypatch, "decode", str(missing)) == 2
    err = capsys.readouterr().err
    assert "nope.bin" in err and "cannot read" in err


def test_decode_truncated_capture_warns_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "run.cap"
    cap = CaptureWriter(path)
    cap.record(0, H2F, encode(Sync(0, 1)))
    cap.close()
    path.write_bytes(path.read_bytes()[:-3])
    assert lunar_hil(monkeypatch, "decode", str(path)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # the only record was cut short: nothing to print
    assert "truncated" in captured.err and "run.cap" in captured.err and "offset 8" in captured.err


def test_a_file_with_no_frame_warns_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review finding 26: junk is not silently 'nothing to decode'."""
    junk = tmp_path / "rand50.bin"
    junk.write_bytes(bytes(range(256)) * 20)
    assert lunar_hil(monkeypatch, "decode", str(junk)) == 1
    err = capsys.readouterr().err
    assert "no frame found in 5120 bytes" in err
