"""A capture as pcapng: every byte on the link in exactly one record, frames cut where the
ICD receiver cut them, times of the byte that completed each record; decode reads it back."""

from __future__ import annotations

import bisect
import io
import itertools
import json
import struct
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.link.capture import F2H, H2F, CaptureRecord, CaptureWriter
from harness.pcapng.blocks import (
    LINKTYPE_USER0,
    Interface,
    PcapngError,
    PcapngWriter,
    read_pcapng,
)
from harness.pcapng.capture import (
    FRAME,
    SKIPPED,
    link_records,
    read_pcapng_capture,
    write_pcapng_capture,
)
from packets import ASM, Deframer, EngineCmd, Framer, FswStatus, Lrf, Sync, crc16
from packets.strategies import bad_crc, chunkings, damaged_streams
from tests.harness.commands._cli import lunar_hil


@st.composite
def two_way_captures(draw: st.DrawFn) -> tuple[list[CaptureRecord], dict[int, bytes]]:
    """Two damaged streams, each cut into arbitrary chunks, interleaved as a capture
    (records in file order, sim and wall time never decreasing)."""
    streams = {d: draw(damaged_streams(max_frames=12)).data for d in (H2F, F2H)}
    chunks = {d: [c for c in draw(chunkings(streams[d], max_cuts=16)) if c] for d in streams}
    order = draw(st.permutations([d for d in streams for _ in chunks[d]]))
    records: list[CaptureRecord] = []
    sim_us = wall_ns = 0
    taken = {H2F: 0, F2H: 0}
    for d in order:
        sim_us += draw(st.integers(0, 50_000))
        wall_ns += draw(st.integers(1, 10**6))
        records.append(CaptureRecord(sim_us, wall_ns, d, chunks[d][taken[d]]))
        taken[d] += 1
    return records, streams


@given(two_way_captures())
def test_every_byte_is_in_exactly_one_record_cut_at_the_receivers_frames(
    capture: tuple[list[CaptureRecord], dict[int, bytes]],
) -> None:
    records, streams = capture
    cut = link_records(records)
    assert [r.order for r in cut] == sorted(r.order for r in cut)
    for d, stream in streams.items():
        mine = [r for r in cut if r.direction == d]
        assert b"".join(r.data for r in mine) == stream  # every byte once, in order
        assert all(r.data for r in mine)
        # the receiver's own counts, from one deframer fed the whole stream
        deframer = Deframer()
        deframer.feed(stream)
        deframer.flush()
        s = deframer.stats
        frames = [r for r in mine if r.kind == FRAME]
        skipped = [r for r in mine if r.kind == SKIPPED]
        assert len(frames) == s.frames + s.rejected_range + s.unknown_apid + s.idle
        assert sum(len(r.data) for r in skipped) == s.skipped_bytes
        assert sum(len(r.data) for r in frames) == s.bytes_in_frames
        for r in frames:  # a frame: ASM, a length that fits, a PEC that checks
            assert r.data[:4] == ASM
            assert struct.unpack_from(">H", r.data, 8)[0] + 11 == len(r.data)
            assert crc16(r.data[4:]) == 0
        kinds = [r.kind for r in mine]
        assert all((a, b) != (SKIPPED, SKIPPED) for a, b in itertools.pairwise(kinds))
        # times are those of the capture record that carried each record's last byte
        own = [r for r in records if r.direction == d]
        ends = list(itertools.accumulate(len(c.data) for c in own))
        pos = 0
        for r in mine:
            pos += len(r.data)
            carrier = own[bisect.bisect_left(ends, pos)]
            assert (r.sim_us, r.wall_ns) == (carrier.sim_us, carrier.wall_ns)


def _run_like_capture(path: Path) -> None:
    """A capture as a run writes it: chunks that split frames, noise, a bad PEC."""
    h2f, f2h = Framer(), Framer()
    cap = CaptureWriter(path)
    cap.record(0, H2F, h2f.encode(Sync(0, 50_000), 0))
    lrf = h2f.encode(Lrf(2985.25, 1, 200, 1), 3277)
    cap.record(0, H2F, b"\x00\x1a" + lrf[:10])
    cap.record(10_000, H2F, lrf[10:])
    cap.record(
        10_000, F2H, f2h.encode(FswStatus(0, 1, 1, 1.0, 2.0, 3.0, 4.0, 5, 6, 7, 8, 9, 10), 0)
    )
    cap.record(50_000, F2H, bad_crc(f2h.encode(EngineCmd(0, 1, 0.5, 0.0), 0)) + b"\xff")
    cap.record(60_000, F2H, f2h.encode(EngineCmd(0, 1, 0.25, -0.125), 0))
    cap.close()


def _decode(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], path: Path) -> str:
    assert lunar_hil(monkeypatch, "decode", str(path)) == 0
    return capsys.readouterr().out


def test_decode_gives_the_same_objects_from_pcapng_as_from_the_capture(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lhcap, pcapng = tmp_path / "capture.lhcap", tmp_path / "capture.pcapng"
    _run_like_capture(lhcap)
    cut = write_pcapng_capture(lhcap, pcapng, epoch_unix_ns=1_700_000_000 * 10**9)
    assert [r.kind for r in cut if r.direction == F2H] == [FRAME, SKIPPED, FRAME]
    assert [r.kind for r in cut if r.direction == H2F] == [FRAME, SKIPPED, FRAME]
    from_lhcap = _decode(monkeypatch, capsys, lhcap)
    from_pcapng = _decode(monkeypatch, capsys, pcapng)
    assert from_pcapng == from_lhcap
    objs = [json.loads(line) for line in from_pcapng.splitlines()]
    assert [(o["dir"], o["name"], o["sim_s"]) for o in objs] == [
        ("H2F", "SYNC", 0.0),
        ("H2F", "LRF", 0.01),
        ("F2H", "FSW_STATUS", 0.01),
        ("F2H", "ENGINE_CMD", 0.06),
    ]
    # wall time: the epoch plus the capture's offset, per record
    packets = list(read_pcapng(pcapng.read_bytes(), str(pcapng)))
    assert all(p.timestamp_ns >= 1_700_000_000 * 10**9 for p in packets)
    assert [p.comment for p in packets][:3] == [
        "sim_us=0 frame",
        "sim_us=0 skipped",
        "sim_us=10000 frame",
    ]


def test_decode_summary_of_pcapng_counts_what_the_receiver_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lhcap, pcapng = tmp_path / "capture.lhcap", tmp_path / "capture.pcapng"
    _run_like_capture(lhcap)
    write_pcapng_capture(lhcap, pcapng, epoch_unix_ns=0)
    assert lunar_hil(monkeypatch, "decode", "--summary", str(pcapng)) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["by_dir"]["H2F"]["skipped_bytes"] == 2
    assert summary["by_dir"]["F2H"]["crc_errors"] >= 1
    assert summary["frames"] == 4


def _pcapng(records: list[tuple[int, str | None]], link_type: int = LINKTYPE_USER0) -> bytes:
    buf = io.BytesIO()
    w = PcapngWriter(buf, [Interface(link_type, "H2F"), Interface(link_type, "F2H")], user_appl="t")
    for iface, comment in records:
        w.write(iface, 0, Framer().encode(Sync(1, 50_000), 0), comment=comment)
    return buf.getvalue()


def test_a_record_without_its_sim_time_is_an_error_naming_the_record() -> None:
    data = _pcapng([(0, "sim_us=5 frame"), (1, "edited by hand")])
    records = read_pcapng_capture(data, "x.pcapng")
    assert next(records).sim_us == 5
    with pytest.raises(PcapngError, match=r"x\.pcapng: record 2 has comment 'edited by hand'"):
        next(records)


def test_a_pcapng_of_another_link_type_is_refused_with_what_was_expected() -> None:
    data = _pcapng([(0, "sim_us=5 frame")], link_type=1)
    with pytest.raises(PcapngError, match=r"link type 1\); expected .* link type 147"):
        list(read_pcapng_capture(data, "eth.pcapng"))


def test_decode_of_a_truncated_pcapng_prints_what_it_has_then_warns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lhcap, pcapng = tmp_path / "capture.lhcap", tmp_path / "capture.pcapng"
    _run_like_capture(lhcap)
    write_pcapng_capture(lhcap, pcapng, epoch_unix_ns=0)
    pcapng.write_bytes(pcapng.read_bytes()[:-5])
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert lunar_hil(monkeypatch, "decode", str(pcapng)) == 1
    names = [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()]
    assert names == ["SYNC", "LRF", "FSW_STATUS"]  # the last record (ENGINE_CMD) is cut
    warning = stderr.getvalue()
    assert "capture.pcapng" in warning and "byte offset" in warning


@given(two_way_captures())
def test_a_pcapng_written_and_read_back_gives_the_receiver_the_same_frames(
    capture: tuple[list[CaptureRecord], dict[int, bytes]],
) -> None:
    records, _ = capture
    with tempfile.TemporaryDirectory() as tmp:
        lhcap, pcapng = Path(tmp) / "c.lhcap", Path(tmp) / "c.pcapng"
        writer = CaptureWriter(lhcap)
        for r in records:
            writer.record(r.sim_us, r.direction, r.data)
        writer.close()
        write_pcapng_capture(lhcap, pcapng, epoch_unix_ns=10**18)
        back = list(read_pcapng_capture(pcapng.read_bytes(), str(pcapng)))
    cut = link_records(records)
    assert [(r.direction, r.sim_us) for r in back] == [(c.direction, c.sim_us) for c in cut]
    assert all(r.wall_ns >= 10**18 for r in back)
    for d in (H2F, F2H):
        assert b"".join(r.data for r in back if r.direction == d) == b"".join(
            r.data for r in records if r.direction == d
        )
        frames = []
        for recs in (
            [r for r in records if r.direction == d],
            [r for r in back if r.direction == d],
        ):
            deframer = Deframer()
            got = [f for r in recs for f in deframer.feed(r.data)] + deframer.flush()
            frames.append(got)
        assert frames[0] == frames[1]


def test_a_raw_stream_that_happens_to_start_like_a_pcapng_block_is_decoded_as_a_stream(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    raw = tmp_path / "stream.bin"
    raw.write_bytes(b"\x0a\x0d\x0d\x0a\x00\x00\x00\x00" + Framer().encode(Sync(3, 50_000), 0))
    assert lunar_hil(monkeypatch, "decode", str(raw)) == 0
    assert [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()] == ["SYNC"]


def test_a_capture_cut_short_is_converted_up_to_its_last_intact_record(tmp_path: Path) -> None:
    lhcap, pcapng = tmp_path / "capture.lhcap", tmp_path / "capture.pcapng"
    _run_like_capture(lhcap)
    lhcap.write_bytes(lhcap.read_bytes()[:-3])  # the last record (an ENGINE_CMD) is cut
    cut = write_pcapng_capture(lhcap, pcapng, epoch_unix_ns=0)
    assert [r.kind for r in cut if r.direction == F2H] == [FRAME, SKIPPED]
    assert len(list(read_pcapng(pcapng.read_bytes(), str(pcapng)))) == len(cut) == 5
