"""Typed, located access to a TOML document.

Over ~300 lines because loading (``extends``, provenance), overrides and the typed getters
share the ``Sourced`` table; each part is small.

``ConfigTable`` wraps one table together with where it came from (file and key path), so
every error reads like ``hil_configs/m2.toml: vehicle.max_thrust_n: expected a number > 0,
found -5``. Files may say ``extends = "base.toml"`` (relative to themselves); tables merge
key by key, the extending file winning; arrays of tables (``[[faults]]``,
``[[terrain.craters]]``) are *appended* to the parent's, unless the extending file says
``replace = ["faults"]`` (key paths whose parent value it replaces: by its own, or by
nothing when it sets none). ``--set a.b=value`` overrides parse the value as TOML (``3``,
``2.5``, ``true``, ``"text"``, ``[1, 2]``), else take it as a string; an integer in a key
path indexes an array of tables (``--set faults.0.valid_below_alt_m=600``).

Every table remembers which file (or ``--set``) supplied each of its keys (``Sourced``),
so an error in a parent file names the parent file, and a bad ``--set`` names itself.
An unknown key is reported with the nearest known one ("did you mean ...?").

(Over 300 lines and still one thing: reading, merging and overriding TOML are one
mechanism, because each must carry the ``Sourced`` origins the next one reports from.)
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harness.errors import ConfigError

_MAX_EXTENDS_DEPTH = 16


class Sourced(dict[str, Any]):
    """A TOML table that knows which file (or ``--set``) supplied each of its keys."""

    def __init__(
        self, data: Mapping[str, Any] | None = None, origin: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(data or {})
        self.origin: dict[str, str] = dict(origin or {})

    def source_of(self, key: str, default: str) -> str:
        return self.origin.get(key, default)


def _sourced(value: Any, file: str) -> Any:
    """``value`` with every table in it a ``Sourced`` whose keys come from ``file``."""
    if isinstance(value, Mapping):
        return Sourced({k: _sourced(v, file) for k, v in value.items()}, dict.fromkeys(value, file))
    if isinstance(value, list):
        return [_sourced(v, file) for v in value]
    return value


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _merge(
    base: Mapping[str, Any],
    over: Mapping[str, Any],
    replace: frozenset[str] = frozenset(),
    at: str = "",
) -> Sourced:
    out = Sourced(base, getattr(base, "origin", {}))
    over_origin = getattr(over, "origin", {})
    for k, v in over.items():
        path = f"{at}.{k}" if at else k
        old: Any = out.get(k)
        if isinstance(v, Mapping) and isinstance(old, Mapping):
            out[k] = _merge(old, v, replace, path)
        elif _is_table_array(v) and _is_table_array(old) and path not in replace:
            out[k] = [*old, *v]  # tables append, each keeping its own origin
        else:
            out[k] = v
        if k in over_origin:
            out.origin[k] = over_origin[k]
    return out


def read_text(path: Path, what: str = "TOML file") -> str:
    """The UTF-8 text of a config file; a directory, a missing or unreadable file and a
    byte that is not UTF-8 are located errors (``what``: "TOML file", "campaign file")."""
    where = str(path)
    if path.is_dir():
        raise ConfigError(where, "(file)", f"a {what}", "a directory")
    try:
        with path.open("rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise ConfigError(where, "(file)", f"an existing {what}", "no such file") from None
    except OSError as exc:
        raise ConfigError(where, "(file)", f"a readable {what}", exc.strerror) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            where, "(encoding)", "UTF-8 text", f"byte 0x{raw[exc.start]:02X} at offset {exc.start}"
        ) from None


def load_toml(path: str | Path, _chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read a TOML file, resolving ``extends`` chains; errors name the file."""
    path = Path(path)
    where = str(path)
    if path.resolve() in (Path(c).resolve() for c in _chain):
        loop = " -> ".join([*_chain, where])
        raise ConfigError(_chain[-1], "extends", "a chain without a cycle", loop)
    if len(_chain) > _MAX_EXTENDS_DEPTH:
        raise ConfigError(where, "extends", "a chain shorter than 16 files", len(_chain))
    text = read_text(path)
    try:
        doc = _sourced(tomllib.loads(text), where)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, "(syntax)", "valid TOML", str(exc)) from None
    for table, value in doc.items():  # `extends` written after a [table] lands in it
        for key in ("extends", "replace"):
            if isinstance(value, Mapping) and key in value:
                raise ConfigError(
                    where, f"{table}.{key}", f"{key} at the top, before any [table]", value[key]
                )
    parent = doc.pop("extends", None)
    replace = doc.pop("replace", [])
    if not isinstance(replace, list) or not all(isinstance(r, str) for r in replace):
        raise ConfigError(where, "replace", "a list of key paths (strings)", replace)
    if parent is None:
        if replace:
            raise ConfigError(where, "replace", "a file that extends another", replace)
        return doc  # type: ignore[no-any-return]
    if not isinstance(parent, str):
        raise ConfigError(where, "extends", "a file name (string)", parent)
    target = path.parent / parent
    if not target.is_file():
        raise ConfigError(where, "extends", "an existing TOML file", str(target))
    base = load_toml(target, (*_chain, where))
    merged = _merge(base, doc, frozenset(replace))
    for key_path in replace:  # replaced by nothing: this file does not set it
        _drop_unset(merged, doc, key_path.split("."))
    return merged


def _drop_unset(merged: dict[str, Any], doc: Mapping[str, Any], keys: list[str]) -> None:
    """Remove ``keys`` from ``merged`` (the parent's value) when ``doc`` does not set it."""
    head, rest = keys[0], keys[1:]
    if head in doc and (not rest or not isinstance(doc[head], Mapping)):
        return  # this file gives its own value: the merge already replaced the parent's
    if head not in merged:
        return
    if not rest:
        del merged[head]
        if isinstance(merged, Sourced):
            merged.origin.pop(head, None)
        return
    child = merged[head]
    if isinstance(child, Mapping):
        copy = Sourced(child, getattr(child, "origin", {}))  # the parent's table stays whole
        _drop_unset(copy, doc.get(head, {}), rest)
        merged[head] = copy


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
    patched = Sourced(node, getattr(node, "origin", {}))
    patched.origin[key] = where
    if not rest:
        old = node.get(key)
        merge = isinstance(value, Mapping) and isinstance(old, Mapping)
        patched[key] = _merge(old, value) if merge else value  # type: ignore[arg-type]
    else:
        patched[key] = set_key(node.get(key, Sourced()), rest, value, where, here)
    return patched


def apply_overrides(doc: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``--set`` overrides to a loaded document (returns a new dict); each value
    is sourced to its ``--set``, so an error in it names the ``--set``."""
    for text in overrides:
        keys, value = parse_override(text)
        doc = set_key(doc, keys, _sourced(value, f"--set {text}"), f"--set {text}")
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

    def file_of(self, name: str) -> str:
        """Which file (or ``--set``) supplied key ``name`` of this table."""
        data = self.data
        return data.source_of(name, self.file) if isinstance(data, Sourced) else self.file

    def error(self, name: str, expected: str, found: object) -> ConfigError:
        return ConfigError(self.file_of(name), self.key(name), expected, found)

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, default: Any) -> Any:
        self._seen.add(name)
        if name in self.data:
            return self.data[name]
        if default is _REQUIRED:
            # a required key missing beside one spelt the same but for case or - / _:
            # the typo is the news
            want = name.casefold().replace("-", "_")
            near = [k for k in map(str, self.data) if k.casefold().replace("-", "_") == want]
            if near:
                raise self.error(near[0], f"a known key (did you mean {name!r}?)", near[0])
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
            if max is None:
                raise self.error(name, f"an integer >= {min}", v)
            if min is None:
                raise self.error(name, f"an integer <= {max}", v)
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
        return ConfigTable(v, self.file_of(name), self.key(name))

    def tables(self, name: str) -> Iterator[ConfigTable]:
        """An array of tables (``[[faults]]``), each with its index in the key path."""
        v = self._get(name, [])
        if not isinstance(v, list) or not all(isinstance(x, Mapping) for x in v):
            raise self.error(name, "an array of tables ([[...]])", v)
        for i, item in enumerate(v):
            file = (
                next(iter(item.origin.values()), self.file)
                if isinstance(item, Sourced)
                else self.file
            )
            yield ConfigTable(item, file, f"{self.key(name)}[{i}]")

    def only(self, known: tuple[str, ...]) -> None:
        """Raise for a key outside ``known`` now (before reading the others)."""
        for bad in sorted(set(self.data) - set(known)):
            near = difflib.get_close_matches(bad, known, n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]!r}?)" if near else f" (one of: {', '.join(known)})"
            raise self.error(bad, "a known key here" + hint, bad)

    def done(self) -> None:
        """Raise for any key in this table that no getter asked for (a typo, usually)."""
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            bad = unknown[0]
            near = difflib.get_close_matches(bad, sorted(self._seen), n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            if not near and self._seen:
                hint = f" (one of: {', '.join(sorted(self._seen))})"
            raise self.error(bad, "a known key here" + hint, bad)


class _Required:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED: Any = _Required()
