"""What campaign and hunt files share: TOML text located at a path, a base scenario
relative to it, and ``set`` overrides applied to that base (errors name the file)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from harness.config.table import ConfigTable, load_toml, parse_override, read_text, set_key
from harness.errors import ConfigError


class StudyIdentity:
    """What identifies a campaign or hunt in its store (mixed into their dataclasses,
    which hold ``text`` -- the file as read -- and ``base_doc``, its resolved base)."""

    text: str
    base_doc: dict[str, Any]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def base_json(self) -> str:
        return json.dumps(self.base_doc, indent=1, sort_keys=True, default=str)


def read_study(path: Path, what: str) -> str:
    """The text of a campaign or hunt file (``what``: "campaign", "hunt")."""
    return read_text(path, f"{what} file")


def open_study(text: str, path: Path) -> tuple[ConfigTable, Path]:
    """The file's top table and its base scenario's path (``scenario``, relative to it)."""
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", "valid TOML", str(exc)) from None
    t = ConfigTable(doc, str(path))
    scenario_path = path.parent / t.string("scenario")
    if not scenario_path.is_file():
        raise t.error("scenario", "an existing scenario file", str(scenario_path))
    return t, scenario_path


def overridden(
    t: ConfigTable, base: dict[str, Any], path: Path
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``base`` with the file's ``set = ["KEY.PATH=VALUE", ...]`` applied, and those."""
    overrides = tuple(t.array("set", []))
    for o in overrides:
        if not isinstance(o, str):
            raise t.error("set", "strings KEY.PATH=VALUE", o)
        keys, value = parse_override(o)
        base = set_key(base, keys, value, f"{path}: set")
    return base, overrides


__all__ = ["StudyIdentity", "load_toml", "open_study", "overridden", "read_study"]
