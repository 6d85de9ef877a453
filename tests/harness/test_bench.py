"""`lunar-hil bench`: against the stub as a subprocess over a pty, against a board on
socket://, against a board that drops every 100th byte (the loss is reported, frame for
frame), and bad ports (absent, busy, no permission) as clear errors."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from harness.bench import PING_BYTES, PONG_BYTES, bench_link, fitness, probe_host, spin_stalls_s
from harness.cli import main
from harness.fswconfig import fsw_toml, write_fsw_toml
from harness.launcher import FswKind, launch
from harness.link.pty import PtyPair
from harness.link.serial import SerialLink
from tests.harness.fake_board import FakeBoard

VEHICLE = {"dry_mass_kg": 340.0, "max_thrust_n": 3000.0, "min_throttle": 0.15, "isp_s": 310.0}


def test_bench_against_the_stub_over_a_pty(tmp_path: Path) -> None:
    cfg = write_fsw_toml(
        tmp_path / "FSW.toml",
        fsw_toml(profile="robust", period_us=50_000, vehicle=VEHICLE, mount_tilt_rad=0.0, extra={}),
    )
    endpoint = launch(FswKind.PYTHON_STUB, run_dir=tmp_path, fsw_config=cfg)
    try:
        report = bench_link(endpoint.link, baud=115200, pings=50, burst=300)
    finally:
        endpoint.close()
    assert report.pongs_lost == 0
    assert len(report.rtt_s) == 50
    assert min(report.rtt_s) > 0.0 and max(report.rtt_s) < 0.5
    assert report.burst_pongs == 300
    assert report.frames_sent == 50 + 300 + 1
    assert report.h2f_frames_lost == 0 and report.clean
    assert report.h2f_bytes_per_s > 0 and report.f2h_bytes_per_s > 0
    # the default rates at 20 Hz are ~4.4 kB/s to the board: 38 % of 11.5 kB/s at 115200 8N1
    lockstep, _realtime = fitness(report, (4400.0, 91 * 20.0), 50_000)
    assert lockstep.fit
    assert lockstep.utilisation_pct == pytest.approx(100 * 4400 / 11520, abs=0.1)
    assert "fit for 20 Hz lockstep with the default sensor rates: yes, 38 % of the line used" in (
        lockstep.text
    )


def test_bench_cli_against_a_board_on_socket(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBoard() as board:
        argv = ["bench", "--port", board.url, "--pings", "30", "--burst", "200", "--json"]
        rc = main([*argv, "--baud", "115200", "--timeout", "2"])  # a loaded host stalls
    out = json.loads(capsys.readouterr().out)
    assert rc == 0, out
    assert out["pongs_lost"] == 0 and out["h2f_frames_lost"] == 0
    assert out["frames_accepted_by_board"] == out["frames_sent"] == 30 + 200 + 1
    assert board.bytes_in == (1 + 30 + 200 + 1) * PING_BYTES


def test_a_board_that_drops_every_100th_byte_is_reported_frame_for_frame(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeBoard(drop_every=100) as board:
        rc = main(
            ["bench", "--port", board.url, "--pings", "30", "--burst", "200", "--timeout", "0.2"]
        )
    out = capsys.readouterr().out
    assert rc == 1  # not fit
    # a dropped byte spoils exactly the one 22-byte frame it was in (CRC-gated hunt)
    lost = board.bytes_dropped
    assert lost == board.bytes_in // 100 > 10
    assert f"({lost} lost or corrupted)" in out
    assert "fit for 20 Hz lockstep with the default sensor rates: no" in out
    assert "frames lost on the way to the board" in out


def test_unanswered_pings_are_counted_apart_from_the_board_loss() -> None:
    with FakeBoard(drop_every=100) as board:
        from harness.link.url import open_link

        link = open_link(board.url)
        try:
            report = bench_link(link, pings=20, burst=100, timeout_s=0.2)
        finally:
            link.close()
    assert report.h2f_frames_lost == board.bytes_dropped
    # a lost PING is a lost PONG: every frame the board missed is one of the RTT phase's
    # unanswered PINGs, a burst PING without its PONG, or a retried closing PING
    closing_retries = report.frames_sent - (20 + 100 + 1)
    assert report.pongs_lost > 0
    assert report.h2f_frames_lost == (
        report.pongs_lost + (100 - report.burst_pongs) + closing_retries
    )
    assert report.f2h_bytes_per_s == pytest.approx(report.burst_pongs * PONG_BYTES / report.burst_s)


def test_an_absent_port_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--port", "/dev/ttyNO_SUCH_BOARD"]) == 2
    err = capsys.readouterr().err
    assert "/dev/ttyNO_SUCH_BOARD: no such port" in err


def test_a_socket_nobody_listens_on_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBoard() as board:
        url = board.url
    assert main(["bench", "--port", url]) == 2
    assert "connection refused (nothing listens there)" in capsys.readouterr().err


def test_a_busy_port_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    pair = PtyPair()
    holder = SerialLink(pair.slave_path, exclusive=True)  # a terminal program, say
    try:
        assert main(["bench", "--port", pair.slave_path]) == 2
    finally:
        holder.close()
        pair.close()
    assert f"{pair.slave_path}: busy" in capsys.readouterr().err


def test_a_port_without_permission_is_a_clear_error() -> None:
    """As an unprivileged user (root may open anything): a pty only its owner may open.
    The check runs in a forked child that drops to ``nobody`` (the interpreter need not
    be reachable for that user: nothing is exec'd)."""
    pair = PtyPair()
    os.chmod(pair.slave_path, 0o600 if os.geteuid() == 0 else 0o000)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, run the command, report through the pipe
        rc = 99
        try:
            os.close(r)
            sys.stderr = os.fdopen(w, "w")  # pytest has replaced sys.stderr with its capture
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            rc = main(["bench", "--port", pair.slave_path])
            sys.stderr.flush()
        finally:
            os._exit(rc)
    os.close(w)
    with os.fdopen(r) as fh:
        err = fh.read()
    _, status = os.waitpid(pid, 0)
    pair.close()
    assert os.waitstatus_to_exitcode(status) == 2, err
    assert f"{pair.slave_path}: permission denied" in err


def test_spin_stalls_are_the_gaps_between_clock_reads() -> None:
    # a fake clock: reads 0.1 ms apart, except a 5 ms and a 2 ms gap
    reads = iter([0.0, 0.0001, 0.0002, 0.0052, 0.0053, 0.0073, 0.0074, 0.0082, 0.0091, 0.0100])
    gaps = spin_stalls_s(0.01, now=lambda: next(reads))
    assert gaps == pytest.approx([0.005, 0.002])


def test_host_probe_measures_sleep_overshoot() -> None:
    probe = probe_host(n=20, spin_s=0.05)
    assert probe["SCHED_OTHER"]["spin_s"] == 0.05
    assert probe["SCHED_OTHER"]["stalls_over_1ms"] >= 0
    probe = probe_host(n=20)
    other = probe["SCHED_OTHER"]
    assert other["samples"] == 20
    assert 0.0 <= other["sleep_overshoot_p50_us"] <= other["sleep_overshoot_max_us"]
    fifo = probe["SCHED_FIFO"]
    assert "refused" in fifo or fifo["samples"] == 20
    assert os.sched_getscheduler(0) == os.SCHED_OTHER
