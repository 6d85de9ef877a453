"""``python -m fsw_stub`` over a real pseudo-terminal: PONG, a lockstep answer, clean exit."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import tty
from pathlib import Path

from harness.launcher import reap
from packets import Apid, Deframer, Framer, Ping, StateInit, Sync, cuc_from_us

TOML = """profile = "robust"
period_us = 50000
[vehicle]
dry_mass_kg = 340.0
max_thrust_n = 3600.0
min_throttle = 0.15
isp_s = 310.0
[lrf]
mount_tilt_rad = 0.0
"""


def _read_until(fd: int, rx: Deframer, apid: int, deadline_s: float) -> list:
    got: list = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            got += rx.feed(os.read(fd, 4096))
            if any(f.apid == apid for f in got):
                return got
    raise AssertionError(f"no APID 0x{apid:03X} within {deadline_s} s; got {got}")


def _stub_on_a_pty(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int, int]:
    """``python -m fsw_stub`` on the slave of a fresh raw pty: (process, master, slave)."""
    cfg = tmp_path / "FSW.toml"
    cfg.write_text(TOML)
    master, slave = os.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen(
        [sys.executable, "-m", "fsw_stub", "--port", os.ttyname(slave), "--config", str(cfg)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return proc, master, slave


def test_stub_process_over_a_pty(tmp_path: Path) -> None:
    proc, master, slave = _stub_on_a_pty(tmp_path)
    try:
        fr, rx = Framer(), Deframer()
        pong: list = []
        end = time.monotonic() + 15.0
        while not pong and time.monotonic() < end:  # PING until PONG: the stub is booting
            os.write(master, b"\x00\x01junk" + fr.encode(Ping(42), 0))
            try:
                got = _read_until(master, rx, Apid.PONG, 0.3)
            except AssertionError:
                continue
            pong = [f for f in got if f.apid == Apid.PONG]
        assert pong and pong[0].packet.nonce == 42
        init = StateInit(3000.0, 0.0, 0.0, -55.0, 600.0, 50.0, 2.0)
        sync = fr.encode(Sync(0, 50_000), cuc_from_us(0))
        os.write(master, fr.encode(init, 0) + sync[:10])  # a partial frame first
        time.sleep(0.05)  # not for correctness: lets the partial frame sit on the line
        os.write(master, sync[10:])
        got = _read_until(master, rx, Apid.ENGINE_CMD, 10.0)
        assert got[-1].apid == Apid.ENGINE_CMD and got[-1].packet.engine_on == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None and b"link closed" in proc.stderr.read()
    finally:
        reap(proc)
        os.close(master)
        os.close(slave)


def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "FSW.toml"
    cfg.write_text(TOML.replace("isp_s = 310.0\n", ""))
    r = subprocess.run(
        [sys.executable, "-m", "fsw_stub", "--port", "loop://", "--config", str(cfg)],
        capture_output=True,
        timeout=30,
    )
    assert r.returncode == 2 and b"vehicle.isp_s" in r.stderr


def test_stub_process_exits_cleanly_when_the_harness_hangs_up(tmp_path: Path) -> None:
    """The descriptor pump sees the master's close (EIO or end of file on the slave)
    and ends the process with status 0, its link summary on stderr."""
    proc, master, slave = _stub_on_a_pty(tmp_path)
    try:
        fr, rx = Framer(), Deframer()
        end = time.monotonic() + 15.0
        while time.monotonic() < end:  # PING until PONG: the stub has the port open
            os.write(master, fr.encode(Ping(7), 0))
            try:
                _read_until(master, rx, Apid.PONG, 0.3)
                break
            except AssertionError:
                continue
        os.close(slave)
        slave = -1
        os.close(master)
        master = -1
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None and b"link closed; frames " in proc.stderr.read()
    finally:
        reap(proc)
        for fd in (master, slave):
            if fd >= 0:
                os.close(fd)
