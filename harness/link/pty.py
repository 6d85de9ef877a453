"""A pseudo-terminal made for a local FSW process: the harness keeps the master end.

The slave path (``/dev/pts/N``) is the serial port the FSW opens, exactly like a USB
adapter, so the same FSW binary runs here and on a bench. The terminal is put in raw
mode (no echo, no CR/LF translation, no XON/XOFF, no signal characters, 8 data bits) so
every byte value 0x00-0xFF crosses unchanged.

Slave lifetime and hang-up — the one subtle part. Linux reports EIO on the master as
soon as *no* process has the slave open; while someone has it open, a read just waits.
So ``PtyPair`` keeps its own slave fd open from creation until ``release_slave()``:
reads before the FSW has opened the port wait (they do not fail), and an in-process FSW
can open the path at leisure. To see a child's death on the link itself, hand the child
the slave fd at spawn time and then release the parent's copy::

    pty = PtyPair()
    proc = subprocess.Popen([..., "--port", pty.slave_path], pass_fds=pty.pass_fds)
    pty.release_slave()

The child holds the slave from the instant it exists (no race with its own open of the
path), and when it — and anything it handed the fd to — is gone, the master reads the
bytes still buffered and then raises ``LinkClosed``. The launcher still reaps the child;
it learns the exit code from the process, the hang-up from the link.
"""

from __future__ import annotations

import errno
import os
import select
import termios
import time

from harness.link.base import Link, LinkClosed, LinkError

READ_CHUNK_BYTES = 65536


def make_raw(fd: int) -> None:
    """cfmakeraw(3) on the terminal behind ``fd``: 8-bit clean, no echo, no translation."""
    iflag, oflag, cflag, lflag, ispeed, ospeed, cc = termios.tcgetattr(fd)
    iflag &= ~(
        termios.IGNBRK
        | termios.BRKINT
        | termios.PARMRK
        | termios.ISTRIP
        | termios.INLCR
        | termios.IGNCR
        | termios.ICRNL
        | termios.IXON
        | termios.IXOFF
        | termios.IXANY
        | termios.INPCK
        | getattr(termios, "IUCLC", 0)
        | getattr(termios, "IUTF8", 0)
    )
    oflag &= ~termios.OPOST
    lflag &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.ISIG | termios.IEXTEN)
    cflag &= ~(termios.CSIZE | termios.PARENB)
    cflag |= termios.CS8 | termios.CREAD | termios.CLOCAL
    cc = list(cc)
    cc[termios.VMIN] = 1
    cc[termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, [iflag, oflag, cflag, lflag, ispeed, ospeed, cc])


class PtyPair(Link):
    """The harness's end (master) of a fresh raw pty; the FSW opens ``slave_path``."""

    def __init__(self, *, write_timeout_s: float = 10.0) -> None:
        master, slave = os.openpty()  # both non-inheritable
        try:
            make_raw(slave)
            self.slave_path = os.ttyname(slave)
            os.set_blocking(master, False)
        except BaseException:
            os.close(master)
            os.close(slave)
            raise
        self._master: int | None = master
        self._slave: int | None = slave
        self.write_timeout_s = write_timeout_s
        self.name = f"pty:{self.slave_path}"

    @property
    def pass_fds(self) -> tuple[int, ...]:
        """For ``subprocess.Popen(pass_fds=...)``: the slave fd, until released."""
        return () if self._slave is None else (self._slave,)

    def release_slave(self) -> None:
        """Close the parent's slave fd: from now on, the last slave close is a hang-up.

        Call it once the FSW holds the slave (spawned with ``pass_fds``, or it has
        answered over the link) — before that, a read would see the hang-up at once.
        """
        if self._slave is not None:
            os.close(self._slave)
            self._slave = None

    def _read_some(self, timeout_s: float) -> bytes:
        fd = self._master
        assert fd is not None  # the base class checked the link is open
        # wait first: in lockstep the answer is not there yet when the loop reads (a
        # read that fails with EAGAIN would cost a system call and an exception a tick)
        if not select.select([fd], [], [], max(timeout_s, 0.0))[0]:
            return b""
        try:
            return self._read_fd(fd)
        except BlockingIOError:
            return b""

    def _read_fd(self, fd: int) -> bytes:
        try:
            data = os.read(fd, READ_CHUNK_BYTES)
        except BlockingIOError:
            raise
        except OSError as e:
            if e.errno == errno.EIO:  # every slave fd closed: the FSW is gone
                raise LinkClosed(f"{self.name}: hang-up (no process has the port open)") from e
            raise LinkError(f"{self.name}: read failed: {e}") from e
        if not data:
            raise LinkClosed(f"{self.name}: end of file")
        return data

    def _write(self, data: bytes) -> None:
        fd = self._master
        assert fd is not None
        view = memoryview(data)
        deadline = time.monotonic() + self.write_timeout_s
        sent = 0
        while sent < len(view):
            try:
                sent += os.write(fd, view[sent:])
                continue
            except BlockingIOError:
                pass  # the FSW's input queue is full: wait until it reads
            except OSError as e:
                if e.errno == errno.EIO:
                    raise LinkClosed(f"{self.name}: hang-up while writing") from e
                raise LinkError(f"{self.name}: write failed: {e}") from e
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LinkError(
                    f"{self.name}: write timed out after {self.write_timeout_s} s with "
                    f"{len(view) - sent} of {len(view)} bytes unsent (is the FSW reading?)"
                )
            select.select([], [fd], [], remaining)

    def _close(self) -> None:
        self.release_slave()
        if self._master is not None:
            os.close(self._master)
            self._master = None
