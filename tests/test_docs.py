"""The project's copies of the shared design documents stay what they copy, and every
document the code points at exists in the repo (review finding 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.system_tools import require_shared

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COPIES = {"icd.md": "ICD.md", "design.md": "DESIGN.md", "facts.md": "FACTS.md"}


@pytest.mark.parametrize("copy, original", COPIES.items())
def test_docs_copies_match_the_shared_originals(copy: str, original: str) -> None:
    src = SHARED / original
    require_shared(src)
    assert (ROOT / "docs" / copy).read_text() == src.read_text(), (
        f"docs/{copy} drifted from ../shared/{original}, which is the authority (read-only,"
        f" and CI has its own copy): copy ../shared/{original} over docs/{copy}"
    )


def test_every_docs_reference_in_the_code_exists() -> None:
    pattern = re.compile(r"docs/[A-Za-z0-9_.-]+\.md")
    missing = set()
    for path in [*ROOT.glob("harness/**/*.py"), *ROOT.glob("tests/**/*.py"),
                 *ROOT.glob("hil_configs/**/*.toml"), *ROOT.glob("*.md"),
                 *ROOT.glob("docs/*.md"), *ROOT.glob("fsw_stub/**/*.py")]:  # fmt: skip
        for ref in pattern.findall(path.read_text(errors="replace")):
            if not (ROOT / ref).exists():
                missing.add(f"{path.relative_to(ROOT)} -> {ref}")
    assert not missing, sorted(missing)
    assert (ROOT / "docs" / "fsw-guide.md").exists()


def test_no_reference_to_documents_outside_the_repo() -> None:
    bad = re.compile(r"(?<![/\w])(FACTS|DESIGN|ICD)\.md|\.\./shared/")
    found = []
    for path in [*ROOT.glob("harness/**/*.py"), *ROOT.glob("hil_configs/**/*.toml"),
                 *ROOT.glob("fsw_stub/**/*.py"), *ROOT.glob("packets/**/*.py"),
                 *ROOT.glob("benchmarks/**/*.py"), *ROOT.glob("tests/**/*.py")]:  # fmt: skip
        if path == Path(__file__):
            continue  # this test names them
        for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if bad.search(line):
                found.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not found, found
