"""`lunar-hil export xtce|wireshark`: the generated text, to stdout or a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from packets.export.wireshark import dissector_source
from packets.export.xtce import xtce_document
from tests.harness.commands._cli import lunar_hil


@pytest.mark.parametrize(
    ("fmt", "make"), [("xtce", xtce_document), ("wireshark", dissector_source)]
)
def test_export_prints_the_generated_text(
    fmt: str, make: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lunar_hil(monkeypatch, "export", fmt) == 0
    assert callable(make) and capsys.readouterr().out == make()


def test_export_writes_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "lunar_hil.lua"
    assert lunar_hil(monkeypatch, "export", "wireshark", "-o", str(out)) == 0
    assert out.read_text(encoding="utf-8") == dissector_source()


def test_export_to_an_unwritable_place_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "no such dir" / "x.xml"
    assert lunar_hil(monkeypatch, "export", "xtce", "-o", str(target)) == 2
    assert f"{target}: cannot write" in capsys.readouterr().err


def test_export_needs_a_format(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        lunar_hil(monkeypatch, "export")
    assert "xtce" in capsys.readouterr().err
