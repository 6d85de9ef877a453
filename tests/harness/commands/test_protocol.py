"""`lunar-hil protocol` and docs/protocol.md: generated from construct, never drifting."""

from __future__ import annotations

from pathlib import Path

import pytest

from packets.icd import SPECS
from packets.reference import REGENERATE, protocol_reference
from tests.harness.commands._cli import lunar_hil

DOCS = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"


def test_docs_protocol_md_is_the_generated_reference() -> None:
    assert DOCS.read_text(encoding="utf-8") == protocol_reference(), (
        f"docs/protocol.md is out of date with packets/icd.py; regenerate it: {REGENERATE}"
    )


def test_protocol_command_prints_the_reference(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lunar_hil(monkeypatch, "protocol") == 0
    assert capsys.readouterr().out == protocol_reference()


def test_protocol_command_writes_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "p.md"
    assert lunar_hil(monkeypatch, "protocol", "-o", str(out)) == 0
    assert out.read_text(encoding="utf-8") == protocol_reference()


def test_reference_documents_every_apid_and_field() -> None:
    text = protocol_reference()
    for spec in SPECS.values():
        assert f"## 0x{spec.apid:03X} {spec.name}" in text
        assert f"frame: {spec.frame_len} bytes" in text
        for sc in spec.data.subcons:
            assert f"`{sc.name}` | {sc.docs}" in text, (spec.name, sc.name)
    # limits and masks appear beside their fields
    assert "| `throttle` | fraction of maximum thrust, [0, 1] | finite, [0, 1] |" in text
    assert "only bits 0x0F" in text
    assert "| 0 | 16 | f32 | `range_m` |" in text  # offset in user data and in the frame
