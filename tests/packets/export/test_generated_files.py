"""Generated files are deterministic -- the same bytes in a fresh interpreter with another
hash seed -- and the committed copies are the generated ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from packets.export.wireshark import REGENERATE as LUA_REGENERATE
from packets.export.wireshark import dissector_source
from packets.export.xtce import xtce_document
from packets.reference import protocol_reference

ROOT = Path(__file__).resolve().parents[3]
GENERATORS = {
    "packets.export.xtce:xtce_document": xtce_document,
    "packets.export.wireshark:dissector_source": dissector_source,
    "packets.reference:protocol_reference": protocol_reference,
}


def test_the_committed_dissector_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "lunar_hil.lua").read_text(encoding="utf-8")
    assert committed == dissector_source(), (
        f"docs/lunar_hil.lua is out of date with packets/icd.py; regenerate it: {LUA_REGENERATE}"
    )


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_generation_gives_the_same_bytes_in_another_interpreter(seed: str) -> None:
    script = (
        "import importlib, sys\n"
        "for spec in sys.argv[1:]:\n"
        "    module, name = spec.split(':')\n"
        "    sys.stdout.write(getattr(importlib.import_module(module), name)())\n"
        "    sys.stdout.write('\\0')\n"
    )
    env = os.environ | {"PYTHONHASHSEED": seed}
    proc = subprocess.run(
        [sys.executable, "-c", script, *GENERATORS],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    outputs = proc.stdout.split("\0")[:-1]
    assert outputs == [make() for make in GENERATORS.values()]
