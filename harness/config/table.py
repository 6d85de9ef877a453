"""Typed, located access to a TOML document.

``ConfigTable`` wraps one table together with where it came from (file and key path), so
every error reads like ``hil_configs/m2.toml: vehicle.max_thrust_n: expected a number > 0,
found -5``. Files may say ``extends = "base.toml"`` (relative to themselves); tables merge
key by key, the extending file winning. ``--set a.b=value`` overrides parse the value as
TOML (``3``, ``2.5``, ``true``, ``"text"``, ``[1, 2]``), else take it as a string; an
integer in a key path indexes an array of tables (``--set faults.0.valid_below_alt_m=600``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harness.errors import ConfigError

_MAX_EXTENDS_DEPTH = 16


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(dict(out[k]), v)
        else:
            out[k] = v
    return out


def load_toml(path: str | Path, _depth: int = 0) -> dict[str, Any]:
    """Read a TOML file, resolving ``extends`` chains; errors name the file."""
    path = Path(path)
    if _depth > _MAX_EXTENDS_DEPTH:
        raise ConfigError(str(path), "extends", "a chain shorter than 16 files", "a cycle?")
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "(file)", "an existing TOML file", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", "valid TOML", str(exc)) from None
    parent = doc.pop("extends", None)
    if parent is None:
        return doc
    if not isinstance(parent, str):
        raise ConfigError(str(path), "extends", "a file name (string)", parent)
    target = path.parent / parent
    if not target.is_file():
        raise ConfigError(str(path), "extends", "an existing TOML file", str(target))
    base = load_toml(target, _depth + 1)
    return _merge(base, doc)


def parse_override(text: str) -> tuple[list[str], Any]:
    """``"vehicle.max_thrust_n=3000"`` -> (["vehicle", "max_thrust_n"], 3000)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError("--set", text, "KEY.PATH=VALUE", text)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return [k.strip() for k in key.split(".")], value


def dotted_key(key: str) -> str:
    """A located key in override spelling: ``faults[0].kind`` -> ``faults.0.kind``."""
    return key.replace("[", ".").replace("]", "")


def blame_override(exc: ConfigError, overrides: list[str] | tuple[str, ...]) -> ConfigError:
    """The same error, naming the ``--set`` that supplied the bad value (if one did)."""
    for text in overrides:
        keys, _ = parse_override(text)
        if dotted_key(exc.key) == ".".join(keys):
            return ConfigError(f"--set {text}", exc.key, exc.expected, exc.found)
    return exc


def set_key(node: Any, keys: list[str], value: Any, where: str, _done: str = "") -> Any:
    """``node`` with the value at ``keys`` replaced (copies, never mutates). A key that is
    an integer indexes an array of tables (``faults.0.valid_below_alt_m``); missing table
    keys are created; an index past the end, or a key into a scalar, raises."""
    key, rest = keys[0], keys[1:]
    here = f"{_done}.{key}" if _done else key
    if isinstance(node, list):
        if not key.isdigit():
            raise ConfigError(where, _done, "an index (0, 1, ...) into this array", key)
        i = int(key)
        if i >= len(node):
            raise ConfigError(where, here, f"an index below {len(node)} (the array's length)", i)
        out = list(node)
        out[i] = value if not rest else set_key(node[i], rest, value, where, here)
        return out
    if not isinstance(node, Mapping):
        raise ConfigError(where, _done, "a table or an array of tables to set a key in", node)
    patched = dict(node)
    if not rest:
        old = node.get(key)
        merge = isinstance(value, Mapping) and isinstance(old, Mapping)
        patched[key] = _merge(dict(old), value) if merge else value  # type: ignore[arg-type]
    else:
        patched[key] = set_key(node.get(key, {}), rest, value, where, here)
    return patched


def apply_overrides(doc: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``--set`` overrides to a loaded document (returns a new dict)."""
    for text in overrides:
        keys, value = parse_override(text)
        doc = set_key(doc, keys, value, f"--set {text}")
    return doc


class ConfigTable:
    """One TOML table plus its location; typed getters that raise located ``ConfigError``s.

    Call ``done()`` after reading a table to reject keys nobody asked for (typos).
    """

    def __init__(self, data: Mapping[str, Any], file: str, path: str = "") -> None:
        self.data = data
        self.file = file
        self.path = path
        self._seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def error(self, name: str, expected: str, found: object) -> ConfigError:
        return ConfigError(self.file, self.key(name), expected, found)

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, default: Any) -> Any:
        self._seen.add(name)
        if name in self.data:
            return self.data[name]
        if default is _REQUIRED:
            raise self.error(name, "a value (required key)", "nothing")
        return default

    def number(
        self,
        name: str,
        default: Any = None,
        *,
        min: float | None = None,
        max: float | None = None,
        min_exclusive: bool = False,
    ) -> float:
        v = self._get(name, _REQUIRED if default is None else default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.error(name, "a finite number", v)
        lo_ok = min is None or (v > min if min_exclusive else v >= min)
        if not lo_ok or (max is not None and v > max):
            lo = "" if min is None else (f"> {min:g}" if min_exclusive else f">= {min:g}")
            hi = "" if max is None else f"<= {max:g}"
            raise self.error(name, "a number " + " and ".join(x for x in (lo, hi) if x), v)
        return float(v)

    def integer(
        self,
        name: str,
        default: int | None = None,
        *,
        min: int | None = None,
        max: int | None = None,
    ) -> int:
        v = self._get(name, _REQUIRED if default is None else default)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.error(name, "an integer", v)
        if (min is not None and v < min) or (max is not None and v > max):
            raise self.error(name, f"an integer in [{min}, {max}]", v)
        return v

    def boolean(self, name: str, default: bool | None = None) -> bool:
        v = self._get(name, _REQUIRED if default is None else default)
        if not isinstance(v, bool):
            raise self.error(name, "true or false", v)
        return v

    def string(
        self, name: str, default: str | None = None, *, choices: tuple[str, ...] = ()
    ) -> str:
        v = self._get(name, _REQUIRED if default is None else default)
        if not isinstance(v, str):
            raise self.error(name, "a string", v)
        if choices and v not in choices:
            raise self.error(name, "one of " + ", ".join(repr(c) for c in choices), v)
        return v

    def array(self, name: str, default: list[Any] | None = None) -> list[Any]:
        v = self._get(name, _REQUIRED if default is None else default)
        if not isinstance(v, list):
            raise self.error(name, "an array", v)
        return v

    def table(self, name: str, *, required: bool = False) -> ConfigTable:
        v = self._get(name, _REQUIRED if required else {})
        if not isinstance(v, Mapping):
            raise self.error(name, "a table", v)
        return ConfigTable(v, self.file, self.key(name))

    def tables(self, name: str) -> Iterator[ConfigTable]:
        """An array of tables (``[[faults]]``), each with its index in the key path."""
        v = self._get(name, [])
        if not isinstance(v, list) or not all(isinstance(x, Mapping) for x in v):
            raise self.error(name, "an array of tables ([[...]])", v)
        for i, item in enumerate(v):
            yield ConfigTable(item, self.file, f"{self.key(name)}[{i}]")

    def done(self) -> None:
        """Raise for any key in this table that no getter asked for (a typo, usually)."""
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            raise self.error(unknown[0], "a known key here", unknown[0])


class _Required:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED: Any = _Required()
