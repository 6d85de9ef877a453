"""Builds the C FSW: the POSIX host program, the shared library, the Cortex-M board image
and the libFuzzer target -- one place that knows the sources and flags (``make firmware``
and the harness's ``c-host``/``qemu``/memory kinds all come here).

``python -m fsw_stub.firmware.build all`` builds everything the installed tools allow;
``... board --config FSW.toml -o fsw_board.elf`` builds a board image for one vehicle:
its FSW.toml resolved by ``fsw_stub.config`` into ``fsw_build_config.h`` (the constants
reach the image at build time, as on a real board). Outputs go under
``fsw_stub/firmware/build/`` and are rebuilt when a source is newer than them; a board
image lives in a directory named by the hash of its resolved constants.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from fsw_stub.config import ConfigError, FswConfig, load_config
from fsw_stub.firmware.config_header import build_config_header

FIRMWARE = Path(__file__).resolve().parent
CORE = FIRMWARE / "core"
HOST = FIRMWARE / "host"
BOARD = FIRMWARE / "board"
FUZZ = FIRMWARE / "fuzz"
BUILD = FIRMWARE / "build"
#: the board runs no FSW.toml reader: its constants are compiled in
HOST_ONLY_SOURCES = ("config_text.c",)
WARNINGS = ["-std=c11", "-Wall", "-Wextra", "-Wshadow", "-pedantic", "-Werror"]
ARM_GCC = "arm-none-eabi-gcc"
#: Cortex-M4F (mps2-an386): single-precision FPU, hard-float ABI, newlib-nano (libm and
#: string functions only: no system calls are linked, so nothing can reach for a heap)
ARM_FLAGS = [
    "-mcpu=cortex-m4",
    "-mthumb",
    "-mfloat-abi=hard",
    "-mfpu=fpv4-sp-d16",
    "--specs=nano.specs",
    "-nostartfiles",
    "-ffunction-sections",
    "-fdata-sections",
    "-Wl,--gc-sections",
    "-O2",
    "-DFSW_REAL_FLOAT",
]
#: the Debian packages that bring each tool (named in skips and errors)
DEBIAN_PACKAGES = {
    "gcc": "gcc",
    ARM_GCC: "gcc-arm-none-eabi libnewlib-arm-none-eabi",
    "clang": "clang libclang-rt-14-dev",
    "qemu-system-arm": "qemu-system-arm",
}


_F = TypeVar("_F", bound=Callable[..., Any])
#: one build at a time in a process (the harness may launch several FSWs from threads)
_BUILD_LOCK = threading.RLock()


class FirmwareBuildError(RuntimeError):
    """A compiler is missing or failed: says which command, and what it printed."""


def _host_cc() -> str:
    cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if not cc:
        raise FirmwareBuildError("no C compiler (gcc/cc) found: apt-get install gcc")
    return cc


def core_sources(*, board: bool = False) -> list[str]:
    """The portable core's C files (looked up at each build: a source may be added)."""
    return [str(p) for p in sorted(CORE.glob("*.c")) if not (board and p.name in HOST_ONLY_SOURCES)]


def _inputs(*dirs: Path) -> list[Path]:
    return [p for d in dirs for p in d.iterdir() if p.suffix in (".c", ".h", ".ld")]


def _stale(out: Path, inputs: Sequence[Path]) -> bool:
    if not out.exists():
        return True
    built = out.stat().st_mtime
    return any(p.stat().st_mtime > built for p in inputs)


def _locked(fn: _F) -> _F:
    """Serialise a builder: two threads asking for one output build it once."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _BUILD_LOCK:
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _run(argv: list[str], out: Path) -> Path:
    """Compile to a temporary name, then rename: a reader never sees half a file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    cmd = [*argv, "-o", str(tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise FirmwareBuildError(
            f"build of {out.name} failed: {' '.join(cmd)}\n{proc.stderr.strip()[-3000:]}"
        )
    os.replace(tmp, out)
    return out


@_locked
def host_binary(*, real32: bool = False) -> Path:
    """``fsw_host`` (POSIX, double arithmetic; ``real32``: binary32 like the board)."""
    out = BUILD / "host" / ("fsw_host_f32" if real32 else "fsw_host")
    if _stale(out, _inputs(CORE, HOST)):
        flags = ["-DFSW_REAL_FLOAT"] if real32 else []
        _run(
            [
                _host_cc(),
                *WARNINGS,
                "-O2",
                *flags,
                f"-I{CORE}",
                str(HOST / "main.c"),
                *core_sources(),
                "-lm",
            ],
            out,
        )
    return out


@_locked
def shared_library(*, real32: bool = False) -> Path:
    """``libfsw.so``: the core behind the byte interface, for ctypes."""
    out = BUILD / "host" / ("libfsw_f32.so" if real32 else "libfsw.so")
    if _stale(out, _inputs(CORE, HOST)):
        flags = ["-DFSW_REAL_FLOAT"] if real32 else []
        _run(
            [
                _host_cc(),
                *WARNINGS,
                "-O2",
                "-fPIC",
                "-shared",
                "-fvisibility=hidden",
                *flags,
                f"-I{CORE}",
                str(HOST / "libfsw.c"),
                *core_sources(),
                "-lm",
            ],
            out,
        )
    return out


@_locked
def board_image(cfg: FswConfig, out: Path | None = None) -> Path:
    """The Cortex-M4F image for one vehicle: ``cfg``'s constants compiled in."""
    if shutil.which(ARM_GCC) is None:
        raise FirmwareBuildError(f"{ARM_GCC} not found: apt-get install {DEBIAN_PACKAGES[ARM_GCC]}")
    header = build_config_header(cfg)
    digest = hashlib.sha256(header.split("\n", 2)[2].encode()).hexdigest()[:16]
    work = BUILD / "board" / digest
    elf = work / "fsw_board.elf"
    work.mkdir(parents=True, exist_ok=True)
    hdr = work / "fsw_build_config.h"
    if not hdr.exists() or hdr.read_text() != header:
        hdr.write_text(header)
    if _stale(elf, [*_inputs(CORE, BOARD), hdr]):
        _run(
            [ARM_GCC, *WARNINGS, *ARM_FLAGS, f"-I{work}", f"-I{CORE}", f"-I{BOARD}"]
            + [f"-T{BOARD / 'mps2_an386.ld'}", f"-Wl,-Map={work / 'fsw_board.map'}"]
            + [str(p) for p in sorted(BOARD.glob("*.c"))]
            + core_sources(board=True)
            + ["-lm"],
            elf,
        )
    if out is not None:
        shutil.copyfile(elf, out)
        return out
    return elf


@_locked
def fuzz_target() -> Path:
    """The libFuzzer target over the deframer and the decoder (clang, ASan + UBSan)."""
    clang = shutil.which("clang")
    if clang is None:
        raise FirmwareBuildError(f"clang not found: apt-get install {DEBIAN_PACKAGES['clang']}")
    out = BUILD / "fuzz" / "fuzz_deframer"
    if _stale(out, _inputs(CORE, FUZZ)):
        _run(
            [
                clang,
                "-std=c11",
                "-g",
                "-O1",
                "-fsanitize=fuzzer,address,undefined",
                "-fno-sanitize-recover=undefined",
                f"-I{CORE}",
                str(FUZZ / "fuzz_deframer.c"),
                *core_sources(),
                "-lm",
            ],
            out,
        )
    return out


def _main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fsw_stub.firmware.build", description=__doc__)
    ap.add_argument("target", choices=["host", "lib", "board", "fuzz", "all"])
    ap.add_argument("--config", type=Path, default=FIRMWARE.parent / "FSW.example.toml")
    ap.add_argument("-o", "--out", type=Path, default=None, help="copy the board image here")
    ap.add_argument(
        "--if-tools", action="store_true", help="all: skip (and name) what a missing tool stops"
    )
    args = ap.parse_args(argv)
    if args.if_tools and shutil.which("gcc") is None and not os.environ.get("CC"):
        print("firmware: skipped: no gcc (apt-get install gcc)", file=sys.stderr)
        return 0
    try:
        built: list[Path] = []
        if args.target in ("host", "all"):
            built += [host_binary(), host_binary(real32=True)]
        if args.target in ("lib", "all"):
            built += [shared_library(), shared_library(real32=True)]
        if args.target in ("board", "all"):
            if args.target == "all" and shutil.which(ARM_GCC) is None:
                print(f"skipped the board image: {ARM_GCC} not found "
                      f"(apt-get install {DEBIAN_PACKAGES[ARM_GCC]})", file=sys.stderr)  # fmt: skip
            else:
                built.append(board_image(load_config(args.config), args.out))
        if args.target == "fuzz" or (args.target == "all" and shutil.which("clang")):
            try:
                built.append(fuzz_target())
            except FirmwareBuildError as exc:
                if not args.if_tools:
                    raise
                print(f"firmware: skipped the fuzz target: {exc}", file=sys.stderr)
        elif args.target == "all":
            print(
                f"firmware: skipped the fuzz target: clang not found"
                f" (apt-get install {DEBIAN_PACKAGES['clang']})",
                file=sys.stderr,
            )
    except (FirmwareBuildError, ConfigError) as exc:
        print(f"firmware: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ConfigError) else 1
    for p in built:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
