"""The C FSW's tests need a host C compiler (gcc); the board's, the Arm toolchain and QEMU."""

from __future__ import annotations

import pytest

from tests.system_tools import require_tool


@pytest.fixture(scope="session")
def host_cc() -> str:
    return require_tool("gcc", "gcc")


@pytest.fixture(scope="session")
def c_deframer_lib(host_cc: str) -> None:
    from fsw_stub.firmware.lib import library

    library()
