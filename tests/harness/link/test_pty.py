"""The pty: raw mode at the terminal itself, the slave-lifetime protocol, a real child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
import textwrap
import time

import pytest

from harness.link import LinkClosed, LinkError, PtyPair
from tests.harness.link.pairs import WALL_S, read_exactly, read_until_closed

ALL_BYTES = bytes(range(256))

# A minimal "FSW": opens the port by path (raw, no pyserial), echoes N bytes, exits 7.
ECHO_CHILD = textwrap.dedent(
    """
    import os, sys
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
    left = int(sys.argv[2])
    while left:
        chunk = os.read(fd, left)
        os.write(fd, chunk)
        left -= len(chunk)
    sys.exit(7)
    """
)
# Opens the port, says hello, then waits for bytes that never come.
HELLO_THEN_BLOCK_CHILD = textwrap.dedent(
    """
    import os, sys
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
    os.write(fd, b"hello")
    os.read(fd, 1)
    """
)


def _spawn(pty: PtyPair, script: str, *args: str) -> subprocess.Popen[bytes]:
    """The launcher's protocol: the child holds the slave from birth, the parent lets go."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, pty.slave_path, *args], pass_fds=pty.pass_fds
    )
    pty.release_slave()
    return proc


def _reap(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(WALL_S)


def test_terminal_is_raw() -> None:
    with PtyPair() as pty:
        fd = os.open(pty.slave_path, os.O_RDWR | os.O_NOCTTY)
        try:
            iflag, oflag, cflag, lflag, *_ = termios.tcgetattr(fd)
        finally:
            os.close(fd)
    assert not lflag & (termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    assert not iflag & (termios.ICRNL | termios.INLCR | termios.IGNCR | termios.IXON)
    assert not iflag & (termios.IXOFF | termios.ISTRIP)
    assert not oflag & termios.OPOST
    assert cflag & termios.CSIZE == termios.CS8


def test_every_byte_value_both_ways_with_a_plain_fd_on_the_slave() -> None:
    """No pyserial on the slave: only PtyPair's own raw mode stands between the bytes."""
    payload = ALL_BYTES * 8
    with PtyPair() as pty:
        fd = os.open(pty.slave_path, os.O_RDWR | os.O_NOCTTY)
        try:
            pty.write(payload)
            got = bytearray()
            deadline = time.monotonic() + WALL_S
            while len(got) < len(payload) and time.monotonic() < deadline:
                got += os.read(fd, len(payload) - len(got))
            assert bytes(got) == payload  # no echo, no CR→LF, no ^C/^Q/^S eaten
            assert pty.read(0.05) == b""  # and nothing echoed back to the harness
            os.write(fd, payload)
            assert read_exactly(pty, len(payload)) == payload
        finally:
            os.close(fd)


def test_while_the_parent_holds_the_slave_an_unopened_port_just_waits() -> None:
    with PtyPair() as pty:
        assert pty.pass_fds  # held until released
        t0 = time.monotonic()
        assert pty.read(0.05) == b""  # no EIO before any FSW has opened the port
        assert time.monotonic() - t0 < 3.0


def test_released_with_nobody_on_the_slave_is_a_hang_up() -> None:
    """Why the launcher passes the slave fd to the child before releasing it."""
    with PtyPair() as pty:
        pty.release_slave()
        assert pty.pass_fds == ()
        with pytest.raises(LinkClosed, match="hang-up"):
            pty.read(1.0)


def test_a_child_process_talks_over_the_pty_and_its_exit_is_a_hang_up() -> None:
    payload = ALL_BYTES * 16
    with PtyPair() as pty:
        proc = _spawn(pty, ECHO_CHILD, str(len(payload)))
        try:
            pty.write(payload)
            assert read_exactly(pty, len(payload)) == payload
            assert read_until_closed(pty) == b""  # the child exited: LinkClosed, no hang
            assert proc.wait(WALL_S) == 7
        finally:
            _reap(proc)


def test_a_killed_child_is_seen_as_a_hang_up_after_its_last_bytes() -> None:
    with PtyPair() as pty:
        proc = _spawn(pty, HELLO_THEN_BLOCK_CHILD)
        try:
            assert read_exactly(pty, 5) == b"hello"
            proc.send_signal(signal.SIGKILL)
            t0 = time.monotonic()
            assert read_until_closed(pty) == b""
            assert time.monotonic() - t0 < WALL_S
            assert proc.wait(WALL_S) == -signal.SIGKILL
        finally:
            _reap(proc)


def test_a_child_that_dies_before_talking_is_a_hang_up() -> None:
    with PtyPair() as pty:
        proc = _spawn(pty, "import sys; sys.exit(3)")
        try:
            assert read_until_closed(pty) == b""
            assert proc.wait(WALL_S) == 3
        finally:
            _reap(proc)


def test_a_write_nobody_reads_times_out_instead_of_hanging() -> None:
    with PtyPair(write_timeout_s=0.2) as pty:
        t0 = time.monotonic()
        with pytest.raises(LinkError, match="write timed out") as err:
            pty.write(bytes(1 << 20))
        assert not isinstance(err.value, LinkClosed)
        assert time.monotonic() - t0 < 5.0
        assert pty.slave_path in str(err.value)
