"""Run ``lunar-hil`` in-process with only the commands under test registered, so these
tests do not depend on subcommands other engineers are still building."""

from __future__ import annotations

import pytest

import harness.cli

MINE = ("decode", "encode", "protocol", "export")


def lunar_hil(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    commands = {k: v for k, v in harness.cli.COMMANDS.items() if k in MINE}
    monkeypatch.setattr(harness.cli, "COMMANDS", commands)
    return harness.cli.main(list(argv))
