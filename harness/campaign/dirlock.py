"""A campaign or hunt directory held by the one process that runs it.

``hold(directory, what)`` takes an advisory ``flock`` on ``DIR/.lunar-hil.lock`` for the
life of the process: a second ``run`` / ``resume`` into the same directory fails at once,
naming the holder's pid, instead of flying the same pending runs twice (the store would
refuse the second record). The kernel drops the lock when the process dies -- a kill -9
too -- so a resume after a crash is never blocked by a stale file. ``report`` and
``rerun`` only read the store and take no lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from harness.errors import HarnessError

LOCK_NAME = ".lunar-hil.lock"
#: the descriptors holding the locks: open until the process exits
_held: dict[Path, int] = {}


def hold(directory: Path, what: str) -> None:
    """Hold ``directory`` for this process, or raise naming who holds it."""
    key = directory.resolve()
    if key in _held:
        return
    path = directory / LOCK_NAME
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as exc:
        raise HarnessError(
            f"{directory}: cannot lock the {what} directory: {exc.strerror}"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise HarnessError(
            f"{directory}: in use by another {what} (pid {holder}); wait for it to end or stop it"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held[key] = fd


def release(directory: Path) -> None:
    fd = _held.pop(directory.resolve(), None)
    if fd is not None:
        os.close(fd)
