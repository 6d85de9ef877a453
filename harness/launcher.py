"""Starts (or connects to) the flight software under test and supervises it.

Over ~300 lines because it is the registry of every FSW kind (seven, each a few lines)
beside the endpoint they all return; QEMU's board start lives in ``harness.qemu``.

FSW kinds are a registry: each ``FswKind`` has one launcher function (``@register``).
* ``python-stub`` -- the reference stub as a subprocess on a pty (the default);
* ``process``     -- any command line with a ``{port}`` (and optional ``{config}``)
                     placeholder: how a user plugs in their own FSW build;
* ``device``      -- the serial URL of a board that is already running: nothing launched;
* ``memory``      -- an FSW in-process behind its byte interface (fast); ``command`` may
                     name its factory as ``module:callable`` (called with the FSW.toml
                     path, returning an object with ``receive(bytes) -> bytes``); default:
                     the Python stub;
* ``c-memory``    -- the C core as a shared library through ctypes, in-process;
* ``c-host``      -- the C core's POSIX host program on a pty (built when missing or
                     stale; ``command`` may give the path of another build);
* ``qemu``        -- the C core on an emulated Cortex-M4F board (``qemu-system-arm -M
                     mps2-an386``), its UART on the pty QEMU opens (harness/qemu.py).

A child's stderr goes to a file in the run directory; its tail is quoted when it dies.
``FswEndpoint.close`` always reaps the child: terminate, wait, kill, wait.
"""

from __future__ import annotations

import importlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from harness.errors import HarnessError
from harness.fswlog import BoundedLog
from harness.link.base import Link
from harness.link.pty import PtyPair
from harness.link.serial import SerialLink

_TERMINATE_GRACE_S = 2.0
#: the memory kind's default factory
PYTHON_STUB_FACTORY = "harness.launcher:python_stub"
C_CORE_FACTORY = "fsw_stub.firmware.lib:c_core"


class FswKind(StrEnum):
    PYTHON_STUB = "python-stub"
    PROCESS = "process"
    DEVICE = "device"
    MEMORY = "memory"
    C_MEMORY = "c-memory"
    C_HOST = "c-host"
    QEMU = "qemu"


class LaunchError(HarnessError):
    pass


@dataclass
class FswEndpoint:
    """The harness's end of the link to a running FSW, and the FSW's process if any."""

    kind: FswKind
    link: Link
    description: str
    process: subprocess.Popen[bytes] | None = None
    stderr_path: Path | None = None
    _stderr_fh: IO[bytes] | None = field(default=None, repr=False)
    #: a launched child's capped output (harness.fswlog); its tail is read from memory
    log: BoundedLog | None = field(default=None, repr=False)

    def exit_code(self) -> int | None:
        """The child's exit code once it has exited; None while running or when no child."""
        return None if self.process is None else self.process.poll()

    def stderr_tail(self, lines: int = 15) -> str:
        if self.log is not None:
            if self.exit_code() is not None:  # gone: what it wrote last is still in the pipe
                self.log.settle()
            return self.log.tail(lines)
        if self.stderr_path is None or not self.stderr_path.exists():
            return ""
        if self._stderr_fh is not None:
            self._stderr_fh.flush()
        text = self.stderr_path.read_text(errors="replace")
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def close(self) -> None:
        """Close the link and reap the child, whatever state it is in."""
        try:
            self.link.close()
        finally:
            reap(self.process)
            if self._stderr_fh is not None:
                self._stderr_fh.close()
            if self.log is not None:
                self.log.close()


def reap(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate a child if it still runs, and wait for it: never leave a zombie."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=_TERMINATE_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=_TERMINATE_GRACE_S)


@dataclass(frozen=True)
class LaunchRequest:
    """What a kind's launcher gets: where the run lives and what the user said."""

    kind: FswKind
    run_dir: Path
    fsw_config: Path
    command: str | None = None
    port: str | None = None
    #: the rate a device port is opened at (None: pyserial's 115200)
    baud: int | None = None
    #: the stub's clock: "sync" (lockstep on SYNC) or "own" (its own timer, as a board)
    stub_clock: str = "sync"


Launcher = Callable[[LaunchRequest], FswEndpoint]
_REGISTRY: dict[FswKind, Launcher] = {}


def register(kind: FswKind) -> Callable[[Launcher], Launcher]:
    """Register the launcher of one FSW kind."""

    def deco(fn: Launcher) -> Launcher:
        _REGISTRY[kind] = fn
        return fn

    return deco


def launch(
    kind: FswKind,
    *,
    run_dir: Path,
    fsw_config: Path,
    command: str | None = None,
    port: str | None = None,
    baud: int | None = None,
    stub_clock: str = "sync",
) -> FswEndpoint:
    """Start or connect to the FSW of the given kind; the caller must ``close`` it."""
    try:
        launcher = _REGISTRY[FswKind(kind)]
    except (KeyError, ValueError):
        raise LaunchError(f"unknown FSW kind {kind!r}: one of {sorted(_REGISTRY)}") from None
    return launcher(
        LaunchRequest(FswKind(kind), run_dir, fsw_config, command, port, baud, stub_clock)
    )


def stub_command(port: str, config: Path, clock: str = "sync") -> list[str]:
    argv = [sys.executable, "-m", "fsw_stub", "--port", port, "--config", str(config)]
    return argv if clock == "sync" else [*argv, "--clock", clock]


def spawn_on_pty(
    kind: FswKind, argv: list[str], run_dir: Path, pty: PtyPair, what: str
) -> FswEndpoint:
    """Start the child holding the pty's slave from birth, so its death is a hang-up."""
    stderr_path = run_dir / "fsw_stderr.log"
    log = BoundedLog(stderr_path)
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log.write_fd,
            stderr=subprocess.STDOUT,
            close_fds=True,
            pass_fds=(*pty.pass_fds, log.write_fd),
        )
    except OSError as exc:
        log.close()
        pty.close()
        raise LaunchError(f"cannot start the FSW ({shlex.join(argv)}): {exc}") from exc
    log.child_started()
    pty.release_slave()
    return FswEndpoint(kind, pty, what, proc, stderr_path, log=log)


# --- the kinds ---------------------------------------------------------------------


def python_stub(fsw_config: Path) -> Any:
    """The memory kind's default factory: the Python stub, in-process."""
    from fsw_stub.core import FlightSoftware, load_config  # the launcher may import fsw_stub

    return FlightSoftware(load_config(fsw_config))


def load_factory(spec: str) -> Callable[[Path], Any]:
    """``module:callable`` -> the callable; errors name the spec and what was wrong."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise LaunchError(f"memory FSW factory {spec!r}: expected 'module:callable'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LaunchError(
            f"memory FSW factory {spec!r}: cannot import {module_name}: {exc}"
        ) from exc
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise LaunchError(f"memory FSW factory {spec!r}: {module_name} has no callable {attr!r}")
    return factory  # type: ignore[no-any-return]


def _in_process(req: LaunchRequest, spec: str) -> FswEndpoint:
    from harness.inprocess import InProcessFswLink

    fsw = load_factory(spec)(req.fsw_config)
    if not callable(getattr(fsw, "receive", None)):
        raise LaunchError(f"memory FSW factory {spec!r} returned {fsw!r}: no receive(bytes)")
    return FswEndpoint(req.kind, InProcessFswLink(fsw), f"{spec} in-process (memory link)")


@register(FswKind.MEMORY)
def _memory(req: LaunchRequest) -> FswEndpoint:
    return _in_process(req, req.command or PYTHON_STUB_FACTORY)


@register(FswKind.C_MEMORY)
def _c_memory(req: LaunchRequest) -> FswEndpoint:
    return _in_process(req, req.command or C_CORE_FACTORY)


@register(FswKind.DEVICE)
def _device(req: LaunchRequest) -> FswEndpoint:
    if not req.port:
        raise LaunchError("--fsw device needs --port URL (e.g. /dev/ttyUSB0)")
    if req.baud is None:
        return FswEndpoint(req.kind, SerialLink(req.port), f"device at {req.port}")
    return FswEndpoint(
        req.kind, SerialLink(req.port, req.baud), f"device at {req.port}, {req.baud} baud"
    )


@register(FswKind.PYTHON_STUB)
def _python_stub(req: LaunchRequest) -> FswEndpoint:
    pty = PtyPair()
    argv = stub_command(pty.slave_path, req.fsw_config, req.stub_clock)
    return spawn_on_pty(
        req.kind, argv, req.run_dir, pty, f"fsw_stub subprocess on {pty.slave_path}"
    )


@register(FswKind.PROCESS)
def _process(req: LaunchRequest) -> FswEndpoint:
    command = req.command
    if not command or "{port}" not in command:
        raise LaunchError("--fsw process needs a command line with a {port} placeholder")
    pty = PtyPair()
    argv = [
        tok.replace("{port}", pty.slave_path).replace("{config}", str(req.fsw_config))
        for tok in shlex.split(command)
    ]
    what = shlex.join(argv)  # names the pty already, through {port}
    if pty.slave_path not in what:
        what += f" on {pty.slave_path}"
    return spawn_on_pty(req.kind, argv, req.run_dir, pty, what)


@register(FswKind.C_HOST)
def _c_host(req: LaunchRequest) -> FswEndpoint:
    if req.command:
        found = shutil.which(req.command)
        if found is None:
            raise LaunchError(f"--fsw c-host --command {req.command}: no such program")
        binary = Path(found)
    else:
        from fsw_stub.firmware.build import FirmwareBuildError, host_binary

        try:
            binary = host_binary()
        except FirmwareBuildError as exc:
            raise LaunchError(f"cannot build the C host FSW: {exc}") from exc
    pty = PtyPair()
    argv = [str(binary), "--port", pty.slave_path, "--config", str(req.fsw_config)]
    return spawn_on_pty(req.kind, argv, req.run_dir, pty, f"{binary.name} on {pty.slave_path}")


@register(FswKind.QEMU)
def _qemu(req: LaunchRequest) -> FswEndpoint:
    from harness.qemu import BoardError, start_board

    if req.command:
        image = Path(req.command)
        if not image.is_file():
            raise LaunchError(f"--fsw qemu --command {req.command}: no such board image")
    else:
        from fsw_stub.config import load_config
        from fsw_stub.firmware.build import FirmwareBuildError, board_image

        try:
            image = board_image(load_config(req.fsw_config))
        except FirmwareBuildError as exc:
            raise LaunchError(f"cannot build the board image: {exc}") from exc
    try:
        board = start_board(image, req.run_dir)
    except BoardError as exc:
        raise LaunchError(str(exc)) from exc
    return FswEndpoint(
        req.kind, board.link, board.description, board.process, board.log_path, board.log
    )


#: the kinds that fly the reference stub (or its C port: the same FSW.toml contract), whose
#: FSW.toml the harness can check up front
STUB_KINDS = (FswKind.PYTHON_STUB, FswKind.MEMORY, FswKind.C_MEMORY, FswKind.C_HOST, FswKind.QEMU)


def check_stub_config(doc: dict[str, object], where: str) -> None:
    """Validate an FSW.toml document with the stub's own reader before anything starts.

    Raises the stub's ``ConfigError`` (with ``key``, ``expected``, ``found``) for the
    caller to locate in the scenario (``fsw.stub.<key>``).
    """
    from fsw_stub.config import config_from_mapping  # the launcher owns the stub imports

    config_from_mapping(doc, where)
