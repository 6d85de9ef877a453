"""A babbling FSW's output is capped, counted and its tail quoted without reading the
file (review finding 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.fswlog import BoundedLog


def _spawn(log: BoundedLog, code: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=log.write_fd, stderr=subprocess.STDOUT,
        pass_fds=(log.write_fd,),
    )  # fmt: skip
    log.child_started()
    return proc


def test_output_past_the_cap_is_counted_not_kept(tmp_path: Path) -> None:
    log = BoundedLog(tmp_path / "fsw_stderr.log", cap_bytes=10_000)
    proc = _spawn(log, "import sys\nfor i in range(5000): print(f'line {i:05d} garbage')")
    proc.wait(timeout=30)
    log.close()
    data = (tmp_path / "fsw_stderr.log").read_bytes()
    total = 5000 * len("line 00000 garbage\n")
    assert log.kept == 10_000 and log.discarded == total - 10_000
    assert data.startswith(b"line 00000")
    assert f"{total - 10_000} more bytes were discarded".encode() in data
    assert log.tail(2).splitlines() == ["line 04998 garbage", "line 04999 garbage"]


def test_a_short_log_is_kept_whole(tmp_path: Path) -> None:
    log = BoundedLog(tmp_path / "fsw_stderr.log")
    proc = _spawn(log, "import sys; print('boom', file=sys.stderr); sys.exit(3)")
    assert proc.wait(timeout=30) == 3
    log.close()
    assert (tmp_path / "fsw_stderr.log").read_text() == "boom\n"
    assert log.tail() == "boom" and log.discarded == 0


def test_closing_a_capped_log_twice_is_harmless(tmp_path: Path) -> None:
    """A run closes its endpoint twice (after the session, and on the way out); the second
    close of a log past its cap wrote the cap note to the closed file: ValueError, a
    traceback instead of the run's summary."""
    log = BoundedLog(tmp_path / "fsw_stderr.log", cap_bytes=100)
    proc = _spawn(log, "print('x' * 1000)")
    proc.wait(timeout=30)
    log.close()
    log.close()
    data = (tmp_path / "fsw_stderr.log").read_bytes()
    assert data.count(b"more bytes were discarded") == 1
