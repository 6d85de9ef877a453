"""A directory held by the one process that works in it: a run's, a campaign's, a hunt's.

The lock is an advisory ``flock`` on ``DIR/.lunar-hil.lock``, which holds the holder's
pid. A second process into the same directory fails at once, naming that pid. The
kernel drops the lock when its process dies -- a kill -9 too -- so a lock file left by a
killed process never blocks the next one (an ``O_EXCL`` file did, until removed by hand).

* ``try_lock(directory)``: the held descriptor, or None when another process holds it;
  an ``OSError`` when the directory cannot be written (creating the lock is also the
  writability check, made before anything is launched).
* ``unlock(directory, fd)``: remove the file, then let go (a run's directory keeps no
  lock file once the run is over).
* ``hold(directory, what)`` / ``release(directory)``: a campaign or hunt directory, held
  until released or the process ends. ``report`` and ``rerun`` only read and take none.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from harness.errors import HarnessError

LOCK_NAME = ".lunar-hil.lock"
#: the campaign and hunt directories this process holds, and their descriptors
_held: dict[Path, int] = {}


def try_lock(directory: Path) -> int | None:
    fd = os.open(directory / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:
        os.close(fd)
        raise
    return fd


def holder(directory: Path) -> str:
    """The pid the lock file names (``unknown`` when it cannot be read)."""
    try:
        return (directory / LOCK_NAME).read_text().strip() or "unknown"
    except OSError:
        return "unknown"


def is_held(directory: Path) -> bool:
    """Another process holds ``directory`` now (a lock file nobody holds is not held)."""
    if not (directory / LOCK_NAME).exists():
        return False
    try:
        fd = os.open(directory / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def unlock(directory: Path, fd: int) -> None:
    try:
        (directory / LOCK_NAME).unlink(missing_ok=True)
    finally:
        os.close(fd)


def hold(directory: Path, what: str) -> None:
    """Hold ``directory`` for this process, or raise naming who holds it."""
    key = directory.resolve()
    if key in _held:
        return
    try:
        fd = try_lock(directory)
    except OSError as exc:
        raise HarnessError(
            f"{directory}: cannot lock the {what} directory: {exc.strerror}"
        ) from None
    if fd is None:
        raise HarnessError(
            f"{directory}: in use by another {what} (pid {holder(directory)});"
            " wait for it to end or stop it"
        )
    _held[key] = fd


def release(directory: Path) -> None:
    fd = _held.pop(directory.resolve(), None)
    if fd is not None:
        os.close(fd)  # the file stays: the directory's listing says it was held
