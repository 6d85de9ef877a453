"""``python -m fsw_stub --port URL --config FSW.toml [--clock own]`` (console script ``lunar-fsw``).

Opens any pyserial URL (``/dev/ttyUSB0``, ``/dev/pts/N``, ``socket://127.0.0.1:PORT``,
``loop://``) with a short read timeout and pumps bytes through
``FlightSoftware.receive`` until end of file, hang-up or SIGTERM/SIGINT. A partial
frame never blocks it: reads return what has arrived, and a candidate frame left
pending on a link quiet for ``--resync-s`` is given up (ICD §2 rule 7). Errors go to
stderr; the exit status is 0 on a clean end, 2 on a configuration error, 1 otherwise.

``--clock sync`` (default): one control cycle per SYNC, as lockstep needs. ``--clock own``:
the cycle runs on the stub's own timer at its period and SYNC is ignored, as a dev
board runs (``fsw_stub.ownclock``; for the harness's ``--mode realtime``).
"""

from __future__ import annotations

import argparse
import gc
import os
import select
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType

import serial

from fsw_stub.config import ConfigError, load_config
from fsw_stub.core import FlightSoftware
from fsw_stub.ownclock import OwnClockFsw, pump

READ_TIMEOUT_S = 0.005
READ_SIZE = 4096


class _Stop:
    requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="lunar-fsw", description=__doc__.split("\n")[0])
    ap.add_argument("--port", required=True, help="pyserial URL of the link to the harness")
    ap.add_argument("--config", required=True, help="FSW.toml")
    ap.add_argument("--baud", type=int, default=115200, help="for real serial ports")
    ap.add_argument(
        "--resync-s", type=float, default=0.5, help="give up a partial frame after this quiet"
    )
    ap.add_argument(
        "--clock",
        choices=("sync", "own"),
        default="sync",
        help="sync: a cycle per SYNC; own: a cycle per period on its own timer, SYNC ignored",
    )
    return ap.parse_args(argv)


def run(port: serial.SerialBase, fsw: FlightSoftware, resync_s: float, stop: _Stop) -> None:
    """Pump bytes until EOF/hang-up or a stop request."""
    fd = _posix_fd(port)
    if fd is not None:
        _run_fd(fd, fsw, resync_s, stop)
        return
    quiet_since = time.monotonic()
    while not stop.requested:
        try:
            waiting = int(getattr(port, "in_waiting", 0))
            data = port.read(max(1, min(waiting, READ_SIZE)))
        except serial.SerialException:
            return  # hang-up: the harness closed its end
        except OSError:
            return
        out, quiet_since = _answer(fsw, data, time.monotonic(), quiet_since, resync_s)
        if out is None:
            if _at_eof(port):
                return
            continue
        if out:
            try:
                port.write(out)
                port.flush()
            except (serial.SerialException, OSError):
                return


def _answer(
    fsw: FlightSoftware, data: bytes, now: float, quiet_since: float, resync_s: float
) -> tuple[bytes | None, float]:
    """The FSW's answer to ``data`` read at ``now`` -- or, on a link quiet for longer
    than ``resync_s`` with a partial frame pending, to giving that frame up (ICD §2
    rule 7) -- and when the link last spoke; None when there is nothing to do."""
    if data:
        return fsw.receive(data), now
    if fsw.deframer.pending and now - quiet_since > resync_s:
        return fsw.resync(), now
    return None, quiet_since


def _posix_fd(port: serial.SerialBase) -> int | None:
    """The file descriptor of a POSIX serial port or pty (pyserial opens it non-blocking);
    None for URL ports (socket://, loop://), which go through pyserial's own reads."""
    try:
        from serial.serialposix import Serial as PosixSerial
    except ImportError:  # not a POSIX system
        return None
    fd = getattr(port, "fd", None) if isinstance(port, PosixSerial) else None
    return fd if isinstance(fd, int) else None


def _run_fd(fd: int, fsw: FlightSoftware, resync_s: float, stop: _Stop) -> None:
    """``run`` on a descriptor: one select and one read a wake-up, every byte that has
    arrived handed to the FSW at once, its answer written straight back (pyserial's
    ``in_waiting`` + ``read(1)`` + ``read(n)`` + ``flush`` took nine system calls and
    two passes through its Python code a tick; this takes three)."""
    quiet_since = time.monotonic()
    while not stop.requested:
        try:
            ready = select.select([fd], [], [], READ_TIMEOUT_S)[0]
            data = os.read(fd, READ_SIZE) if ready else b""
        except BlockingIOError:
            continue
        except OSError:
            return  # EIO: the harness closed its end (a hang-up)
        if ready and not data:
            return  # end of file
        out, quiet_since = _answer(fsw, data, time.monotonic(), quiet_since, resync_s)
        if out is None:
            continue
        if out and not _write_all(fd, out):
            return


def _write_all(fd: int, data: bytes) -> bool:
    """Write all of ``data`` to a non-blocking descriptor; False once the link is gone."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            select.select([], [fd], [], READ_TIMEOUT_S)  # the harness's input queue is full
        except OSError:
            return False
    return True


def _at_eof(port: serial.SerialBase) -> bool:
    """A socket:// port whose peer closed reads b'' forever; pyserial raises for it on
    the next read in recent versions, so this only checks what is cheap to check."""
    return not port.is_open


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"lunar-fsw: {exc}", file=sys.stderr)
        return 2
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        port = serial.serial_for_url(args.port, baudrate=args.baud, timeout=READ_TIMEOUT_S)
    except (serial.SerialException, OSError, ValueError) as exc:
        print(f"lunar-fsw: cannot open {args.port}: {exc}", file=sys.stderr)
        return 1
    fsw = OwnClockFsw(cfg) if args.clock == "own" else FlightSoftware(cfg)
    # what start-up made lives for the run, and the FSW's cycle makes no reference
    # cycles (tests/harness/test_collector.py): no collector pauses while it flies
    gc.freeze()
    gc.disable()
    try:
        if isinstance(fsw, OwnClockFsw):
            pump(port, fsw, args.resync_s, stop)
        else:
            run(port, fsw, args.resync_s, stop)
    except Exception as exc:
        print(f"lunar-fsw: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        port.close()
    st = fsw.deframer.stats
    print(
        f"lunar-fsw: link closed; frames {st.frames}, crc errors {st.crc_errors}, "
        f"skipped bytes {st.skipped_bytes}, rejected {st.rejected}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
