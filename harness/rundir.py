"""A run's directory: its own, never shared, never inherited, and nothing lost in it.

* Created exclusively: an existing non-empty directory is refused unless ``force``
  (which clears it first); a lock held for the run's life (``harness.dirlock``, an
  flock: a killed run leaves none held) makes a second run into the same directory fail
  at once, naming the first one's pid. Creating the lock is also the writability
  check, made before anything is launched.
* Every artifact is written through ``write``/``record``: the run lists exactly what it
  wrote (never a stale file of an earlier run), and a write that fails (a full disk, a
  read-only mount) is kept as an error, not raised, so the verdict is never lost.
* ``discard()`` removes the directories this run created when nothing flew (a launch
  that failed leaves no stray directory, not even an empty ``runs/``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from harness import dirlock
from harness.errors import HarnessError

LOCK_NAME = dirlock.LOCK_NAME
#: what a run (or simulate, or fuzz) writes: ``--force`` clears a directory holding only
#: these, or one marked as a run's by a MARKS file -- never another directory (a mistyped
#: ``--out ~ --force``, as root, would otherwise empty the home directory)
ARTIFACT_NAMES = frozenset(
    {
        "FSW.toml", "result.json", "telemetry.csv", "capture.lhcap", "capture.pcapng",
        "descent.png", "jitter.png", "fsw_stderr.log", "board_console.log", "fuzz.json",
        "reproducer.lhcap", "reproducer.bin", "test_reproducer.py", LOCK_NAME,
    }
)  # fmt: skip
MARKS = ("result.json", "FSW.toml", "fuzz.json")


class RunDirError(HarnessError):
    """A run directory that cannot be used; the message says why and what to do."""


class RunDir:
    def __init__(self, path: Path, *, force: bool = False) -> None:
        if str(path) in ("", "."):
            raise RunDirError(f"--out {str(path)!r}: expected a directory for this run's files")
        self.path = path
        self.written: list[str] = []
        self.errors: dict[str, str] = {}
        self._created: list[Path] = []  # the directories this run made, deepest first
        self._lock: int | None = None
        if path.exists() and not path.is_dir():
            raise RunDirError(f"{path}: expected a directory for the run, found a file")
        if path.is_dir():
            if dirlock.is_held(path):
                raise RunDirError(f"{path}: in use by another run ({_lock_owner(path)})")
            entries = [p for p in path.iterdir()]
            if entries and not force:
                raise RunDirError(
                    f"{path}: not empty ({len(entries)} entries, e.g. {entries[0].name});"
                    " refusing to mix runs -- choose another --out or add --force to clear it"
                )
            foreign = [p.name for p in entries if p.name not in ARTIFACT_NAMES]
            if foreign and not any((path / m).is_file() for m in MARKS):
                raise RunDirError(
                    f"{path}: not a lunar-hil run directory (it holds {foreign[0]!r}, and no"
                    f" {' / '.join(MARKS)}); --force clears only a run's directory"
                )
            self._take_lock()  # before clearing: a second --force run stops here, not later
            self._clear()
            return
        missing = [path, *(p for p in path.parents if not p.exists())]
        try:
            path.mkdir(parents=True)
        except FileExistsError:  # another run made it between our look and now
            raise RunDirError(f"{path}: created by another run just now") from None
        except OSError as exc:
            raise RunDirError(f"{path}: cannot create the run directory: {exc.strerror}") from None
        self._created = missing
        self._take_lock()

    def _take_lock(self) -> None:
        try:
            fd = dirlock.try_lock(self.path)
        except OSError as exc:
            if self._created:
                self.discard()
            raise RunDirError(f"{self.path}: not writable: {exc.strerror}") from None
        if fd is None:
            raise RunDirError(f"{self.path}: in use by another run ({_lock_owner(self.path)})")
        self._lock = fd

    def _clear(self) -> None:
        """Remove all in the directory but its lock (held by this run)."""
        for p in self.path.iterdir():
            if p.name != LOCK_NAME:
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()

    def file(self, name: str) -> Path:
        return self.path / name

    def record(self, name: str, write: Callable[[], object], *, keep_partial: bool = False) -> bool:
        """Write one artifact with ``write()``; keep an OSError as this artifact's error.
        What a failed write left is removed (a cut telemetry.csv reads as a shorter
        flight), unless ``keep_partial`` (result.json: as much as fits)."""
        try:
            write()
        except OSError as exc:
            self.errors[name] = _why(exc)
            if not keep_partial:
                with contextlib.suppress(OSError):
                    self.file(name).unlink(missing_ok=True)
            return False
        if name not in self.written:
            self.written.append(name)
        return True

    def write(self, name: str, text: str) -> bool:
        return self.record(name, lambda: self.file(name).write_text(text))

    def release(self) -> None:
        if self._lock is not None:
            dirlock.unlock(self.path, self._lock)
            self._lock = None

    def discard(self) -> None:
        """Remove what this run made (when nothing flew): the directories it created
        (``runs/`` too, when this run made it and no other run is in it now); in a
        directory it was given, which was empty (or cleared) when taken, all that is in
        it -- a launcher's log too."""
        if not self._created:
            self._clear()
            self.release()
            return
        self.release()
        shutil.rmtree(self.path, ignore_errors=True)
        for parent in self._created[1:]:
            try:
                parent.rmdir()
            except OSError:  # another run's directory is in it now
                break


def _lock_owner(path: Path) -> str:
    return f"pid {dirlock.holder(path)}"


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP while artifacts are written: a Ctrl-C then lands
    after them (the run's files are complete), never half-way through one.

    The signals are caught by a handler that only notes them, and the first one is
    re-raised through its previous handler after the block (a thread mask would not do:
    any other thread -- a log pump -- may take the signal for the process).
    """
    held = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    pending: list[int] = []
    try:
        old = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in held}
    except ValueError:  # not the main thread: nothing to hold
        yield
        return
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if pending:
            handler = old[signal.Signals(pending[0])]
            if callable(handler):
                handler(pending[0], None)
            elif handler == signal.SIG_DFL and pending[0] == signal.SIGINT:
                raise KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), pending[0])
