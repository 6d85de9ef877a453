"""The shipped scenarios (package ``hil_configs``): find one by name, list them all.

``find_scenario("hakuto_r_m2")`` -- or ``"hakuto_r_m2.toml"`` -- gives the shipped file
when no such path exists here; a path that exists always wins. The first sentence of
each file's opening comment is its description.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from harness.errors import ConfigError


def shipped_dir() -> Path:
    return Path(str(files("hil_configs")))


def find_scenario(arg: str | Path) -> Path:
    p = Path(arg)
    if p.exists():
        return p
    if len(p.parts) == 1:
        candidate = shipped_dir() / (p.name if p.suffix == ".toml" else f"{p.name}.toml")
        if candidate.is_file():
            return candidate
    names = ", ".join(name for name, _ in listing())
    raise ConfigError(
        str(arg), "(file)", f"a scenario file, or the name of a shipped one ({names})", "neither"
    )


def describe(path: Path, width: int = 110) -> str:
    """The first sentence of the file's opening comment, at most ``width`` characters."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line.startswith("#"):
            break
        words += line.lstrip("#").split()
    text = " ".join(words)
    end = text.find(". ")
    text = text if end < 0 else text[: end + 1]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def listing() -> list[tuple[str, str]]:
    """(name, description) of every shipped scenario, sorted by name."""
    root = shipped_dir()
    out = [(p.stem, describe(p)) for p in sorted(root.glob("*.toml"))]
    return [(n, d) for n, d in out if n not in ("base", "sensors_default")]
