"""FSW kinds as a registry: every kind has a launcher; the memory kind takes a
``module:callable`` factory; the C kinds build or locate their program; bad requests
fail with errors that say what was wrong."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.launcher import (
    _REGISTRY,
    C_CORE_FACTORY,
    FswKind,
    LaunchError,
    launch,
    load_factory,
)
from harness.link.base import Link
from packets import Deframer, Frame, Framer, Ping, Pong
from tests.system_tools import require_tool

EXAMPLE = Path(__file__).resolve().parents[2] / "fsw_stub" / "FSW.example.toml"


def test_every_kind_has_a_launcher_and_the_command_lines_offer_it() -> None:
    from harness.commands.run import FSW_KINDS as RUN_KINDS
    from harness.pytest_plugin import FSW_KINDS as PLUGIN_KINDS

    assert set(_REGISTRY) == set(FswKind)
    assert set(RUN_KINDS) == set(PLUGIN_KINDS) == {k.value for k in FswKind}


def _answer(link: Link, timeout_s: float = 10.0) -> list[Frame]:
    """The frames that arrive until the first whole one, under a wall-clock deadline."""
    d = Deframer()
    deadline = time.monotonic() + timeout_s
    frames: list[Frame] = []
    while not frames and time.monotonic() < deadline:
        frames = d.feed(link.read(deadline - time.monotonic()))
    return frames


def _pong(kind: FswKind, tmp_path: Path, command: str | None = None) -> Pong:
    ep = launch(kind, run_dir=tmp_path, fsw_config=EXAMPLE, command=command)
    try:
        ep.link.write(Framer().encode(Ping(42), 0))
        frames = _answer(ep.link)
        assert frames, ep.stderr_tail()
        assert isinstance(frames[0].packet, Pong)
        return frames[0].packet
    finally:
        ep.close()


def test_memory_kind_flies_the_factory_it_is_given(tmp_path: Path) -> None:
    require_tool("gcc", "gcc")
    assert _pong(FswKind.MEMORY, tmp_path) == Pong(42, 1)  # the Python stub
    assert _pong(FswKind.MEMORY, tmp_path, C_CORE_FACTORY) == Pong(42, 1)  # the C core
    ep = launch(FswKind.C_MEMORY, run_dir=tmp_path, fsw_config=EXAMPLE)
    assert ep.description.startswith(C_CORE_FACTORY)
    ep.close()


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("fsw_stub.firmware.lib", "expected 'module:callable'"),
        ("no_such_module_xyz:make", "cannot import no_such_module_xyz"),
        ("fsw_stub.firmware.lib:no_such_factory", "has no callable 'no_such_factory'"),
    ],
)
def test_a_bad_factory_is_named(spec: str, says: str) -> None:
    with pytest.raises(LaunchError, match=says):
        load_factory(spec)


def test_a_factory_must_return_a_byte_fsw(tmp_path: Path) -> None:
    with pytest.raises(LaunchError, match="no receive"):
        launch(FswKind.MEMORY, run_dir=tmp_path, fsw_config=EXAMPLE, command="pathlib:Path")


def test_c_host_builds_its_program_and_answers_on_a_pty(tmp_path: Path) -> None:
    require_tool("gcc", "gcc")
    assert _pong(FswKind.C_HOST, tmp_path) == Pong(42, 1)
    with pytest.raises(LaunchError, match="no such program"):
        launch(FswKind.C_HOST, run_dir=tmp_path, fsw_config=EXAMPLE, command="/no/fsw_host")


def test_qemu_board_answers_and_is_reaped(tmp_path: Path) -> None:
    require_tool("arm-none-eabi-gcc", "gcc-arm-none-eabi libnewlib-arm-none-eabi")
    require_tool("qemu-system-arm", "qemu-system-arm")
    ep = launch(FswKind.QEMU, run_dir=tmp_path, fsw_config=EXAMPLE)
    try:
        ep.link.write(Framer().encode(Ping(7), 0))
        assert [f.packet for f in _answer(ep.link)] == [Pong(7, 1)]
        assert "/dev/pts/" in ep.description
        assert ep.process is not None and ep.exit_code() is None
    finally:
        ep.close()
    assert ep.exit_code() is not None  # reaped
    assert "char device redirected" in (tmp_path / "fsw_stderr.log").read_text()


def test_a_board_image_qemu_cannot_run_dies_and_says_why(tmp_path: Path) -> None:
    require_tool("qemu-system-arm", "qemu-system-arm")
    with pytest.raises(LaunchError, match="no such board image"):
        launch(FswKind.QEMU, run_dir=tmp_path, fsw_config=EXAMPLE, command="/no/board.elf")
    bogus = tmp_path / "not_an_image.elf"
    bogus.write_bytes(b"not an image at all")
    ep = launch(FswKind.QEMU, run_dir=tmp_path, fsw_config=EXAMPLE, command=str(bogus))
    try:
        assert ep.process is not None
        assert ep.process.wait(timeout=10) != 0  # the emulated CPU locks up: QEMU aborts
        assert "Lockup" in ep.stderr_tail(40)
    finally:
        ep.close()
