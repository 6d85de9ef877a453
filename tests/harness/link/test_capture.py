"""Capture files read strictly and leniently: intact records, then the bad one's offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.link.capture import (
    F2H,
    H2F,
    MAGIC,
    RECORD,
    CaptureError,
    CaptureReader,
    CaptureWriter,
    payload_digest,
    read_capture,
)


def write(path: Path) -> list[tuple[int, int, bytes]]:
    records = [(0, H2F, b"abc"), (10, F2H, b"defgh"), (20, H2F, b"ij")]
    cap = CaptureWriter(path)
    for sim_us, direction, data in records:
        cap.record(sim_us, direction, data)
    cap.close()
    return records


def test_strict_reading_yields_the_intact_records_then_raises_with_the_offset(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.cap"
    records = write(path)
    path.write_bytes(path.read_bytes()[:-1])
    got = []
    with pytest.raises(CaptureError) as info:
        for r in read_capture(path):
            got.append((r.sim_us, r.direction, r.data))
    assert got == records[:2]
    last = len(MAGIC) + 2 * RECORD.size + 3 + 5
    assert info.value.offset == last and info.value.records_read == 2
    assert info.value.path == str(path)
    assert f"truncated record at offset {last}" in str(info.value)


def test_lenient_reading_stops_and_keeps_the_error(tmp_path: Path) -> None:
    path = tmp_path / "c.cap"
    records = write(path)
    path.write_bytes(path.read_bytes()[: -(RECORD.size + 1)])  # into the last header
    reader = read_capture(path, strict=False)
    assert [(r.sim_us, r.direction, r.data) for r in reader] == records[:2]
    assert reader.error is not None and reader.error.offset == reader.offset
    assert "truncated record header" in str(reader.error)
    assert list(reader) == []  # stays stopped


def test_intact_capture_reads_without_error(tmp_path: Path) -> None:
    path = tmp_path / "c.cap"
    records = write(path)
    reader = CaptureReader(path.read_bytes(), "c.cap", strict=False)
    assert [(r.sim_us, r.direction, r.data) for r in reader] == records
    assert reader.error is None and reader.offset == path.stat().st_size
    assert len(payload_digest(path)) == 64


def test_not_a_capture(tmp_path: Path) -> None:
    path = tmp_path / "c.cap"
    path.write_bytes(b"NOTACAPTURE")
    with pytest.raises(CaptureError, match="not a lunar-hil capture") as info:
        read_capture(path, strict=False)
    assert info.value.offset == 0
