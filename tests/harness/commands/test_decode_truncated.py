"""`lunar-hil decode` on a capture cut short (a killed run): what it holds, a warning, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.link.capture import F2H, H2F, MAGIC, RECORD, CaptureWriter
from packets import EngineCmd, Framer, Lrf, Sync
from tests.harness.commands._cli import lunar_hil

TICKS = 20


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def write_run(path: Path) -> list[int]:
    """A capture like a run's: SYNC + LRF down, ENGINE_CMD up, per tick. The offsets at
    which each record starts (and the file's end) are returned."""
    h2f, f2h = Framer(), Framer()
    cap = CaptureWriter(path)
    sizes: list[int] = []
    for k in range(TICKS):
        t = k * 50_000
        for direction, data in (
            (H2F, h2f.encode(Sync(k, 50_000), t)),
            (H2F, h2f.encode(Lrf(100.0 - k, 1, 200, k), t)),
            (F2H, f2h.encode(EngineCmd(k, 1, 0.5, 0.0), t)),
        ):
            cap.record(t, direction, data)
            sizes.append(RECORD.size + len(data))
    cap.close()
    offsets = [len(MAGIC)]
    for n in sizes:
        offsets.append(offsets[-1] + n)
    assert offsets[-1] == path.stat().st_size
    return offsets


@pytest.mark.parametrize("cut", [1, 3, 7, RECORD.size + 1, 25])
def test_summary_of_a_truncated_capture_keeps_the_intact_records(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    cut: int,
) -> None:
    path = tmp_path / "capture.lhcap"
    offsets = write_run(path)
    path.write_bytes(path.read_bytes()[:-cut])  # the last record (an ENGINE_CMD) cut short
    last = offsets[-2]  # where the last record starts

    assert lunar_hil(monkeypatch, "decode", "--summary", str(path)) == 1
    captured = capsys.readouterr()
    (summary,) = lines(captured.out)
    assert summary["frames"] == 3 * TICKS - 1
    assert summary["by_name"] == {"SYNC": TICKS, "LRF": TICKS, "ENGINE_CMD": TICKS - 1}
    by_dir = summary["by_dir"]
    assert isinstance(by_dir, dict)
    assert by_dir["H2F"]["frames"] == 2 * TICKS
    assert by_dir["F2H"]["frames"] == TICKS - 1
    assert by_dir["F2H"]["crc_errors"] == 0 and by_dir["H2F"]["skipped_bytes"] == 0
    assert summary["truncated_at"] == last
    assert isinstance(summary["capture_error"], str)
    assert "truncated" in summary["capture_error"] and str(last) in summary["capture_error"]

    err = captured.err
    assert "warning" in err and str(path) in err and f"offset {last}" in err
    assert "truncated" in err and f"{3 * TICKS - 1} intact record" in err
    assert "Traceback" not in err


def test_frames_of_a_truncated_capture_are_printed_before_the_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "capture.lhcap"
    offsets = write_run(path)
    cut_at = offsets[10] + 5  # record 10 (tick 3's LRF) keeps only 5 header bytes
    path.write_bytes(path.read_bytes()[:cut_at])

    assert lunar_hil(monkeypatch, "decode", str(path)) == 1
    captured = capsys.readouterr()
    objs = lines(captured.out)
    assert [(o["name"], o["dir"]) for o in objs] == [
        ("SYNC", "H2F"),
        ("LRF", "H2F"),
        ("ENGINE_CMD", "F2H"),
    ] * 3 + [("SYNC", "H2F")]
    assert f"truncated record header at offset {offsets[10]}" in captured.err
    assert str(path) in captured.err


def test_a_bad_record_stops_decoding_like_a_truncated_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "capture.lhcap"
    offsets = write_run(path)
    data = bytearray(path.read_bytes())
    data[offsets[4] + 16] = 7  # record 4's direction byte: neither H2F nor F2H
    path.write_bytes(bytes(data))

    assert lunar_hil(monkeypatch, "decode", "--summary", str(path)) == 1
    captured = capsys.readouterr()
    (summary,) = lines(captured.out)
    assert summary["frames"] == 4
    assert summary["truncated_at"] == offsets[4]
    assert f"bad record at offset {offsets[4]}" in captured.err


def test_an_intact_capture_still_exits_0_without_the_extra_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "capture.lhcap"
    write_run(path)
    assert lunar_hil(monkeypatch, "decode", "--summary", str(path)) == 0
    captured = capsys.readouterr()
    (summary,) = lines(captured.out)
    assert summary["frames"] == 3 * TICKS
    assert "truncated_at" not in summary and "capture_error" not in summary
    assert captured.err == ""


def test_not_a_capture_at_all_is_decoded_as_a_byte_stream(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "capture.lhcap"
    path.write_bytes(MAGIC[:5])  # shorter than the magic: not a capture
    assert lunar_hil(monkeypatch, "decode", "--summary", str(path)) == 1  # and warns
    out = capsys.readouterr()
    assert lines(out.out)[0]["frames"] == 0
    assert "no frame found in 5 bytes" in out.err
