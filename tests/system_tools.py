"""Checks that need a system tool (tshark, qemu-system-arm, arm-none-eabi-gcc, clang).

``require_tool("tshark", "tshark")`` returns the tool's path. Where the tool is missing,
the test is skipped with a reason that names the Debian package to install -- and
listed again at the end of the run (``pytest_terminal_summary`` in conftest reads the
skip reports, so the list holds under xdist too) -- unless
``CI=true``, where a missing tool fails the test: CI installs them (.ci/apt-packages).
Never a silent skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

#: what every skip for a missing tool says (the end-of-run list looks for it)
MISSING = "this check cannot run here; install it with"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(tool: str, debian_package: str) -> str:
    path = shutil.which(tool)
    if path is not None:
        return path
    why = (
        f"{tool} not found: {MISSING} `apt-get install {debian_package}` (.ci/run does this in CI)"
    )
    if in_ci():
        pytest.fail(f"CI=true and {why}")
    pytest.skip(why)


def require_shared(path: os.PathLike[str] | str) -> None:
    """The shared design folder (``../shared`` beside the checkout, where CI and every
    session lay it out). A checkout elsewhere skips a check that compares against it --
    except under ``CI=true``, where the folder is there and its absence is a failure (a
    fresh clone tested away from it once hid a copy that had drifted from it)."""
    if os.path.exists(path):
        return
    why = f"{path} not here: clone beside ../shared to run this check (CI lays it out so)"
    if in_ci():
        pytest.fail(f"CI=true and {why}")
    pytest.skip(why)
