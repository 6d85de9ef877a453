"""The C FSW's tests need a host C compiler (gcc); the board's, the Arm toolchain and QEMU."""

from __future__ import annotations

import pytest

from tests.system_tools import require_tool


@pytest.fixture(scope="session")
def host_cc() -> str:
    return require_tool("gcc", "gcc")


@pytest.fixture(scope="session")
def c_library(host_cc: str) -> None:
    """libfsw.so and libfsw_f32.so, built once per session (when stale)."""
    from fsw_stub.firmware.lib import library

    library()
    library(real32=True)


@pytest.fixture(scope="session")
def c_host(host_cc: str) -> str:
    from fsw_stub.firmware.build import host_binary

    return str(host_binary())


@pytest.fixture(scope="session")
def board_tools() -> None:
    require_tool("arm-none-eabi-gcc", "gcc-arm-none-eabi libnewlib-arm-none-eabi")
    require_tool("qemu-system-arm", "qemu-system-arm")
