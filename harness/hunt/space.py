"""The fault-schedule space of a hunt: which faults may be drawn, their bounds, and the
hypothesis strategies that draw (and shrink) schedules from it.

A hunt file declares ``[[kind]]`` entries; each is one fault kind -- or one draw of the
world -- with a fixed part and drawn parameters::

    [[kind]]
    name = "late_acquisition"           # unique; names the fault in stories and reports
    into = "faults"                     # faults | link_faults | terrain.cliffs | set
    table = { kind = "late_acquisition", sensor = "lrf" }   # fixed keys of the table
    story = "the LRF first acquires below {valid_below_alt_m:,.0f} m"   # optional;
                                        # {NAME_abs}: a number's magnitude
    [kind.draw]
    valid_below_alt_m = { simple = 3000.0, harsh = 300.0, step = 25.0 }
    stamped = { values = [true, false] }                     # a choice, first is simplest

``into = "set"`` draws scenario keys themselves (``"fsw.alt_error_m"``); the others append
one table to that array of tables. Every drawn number lies on a grid from its ``simple``
end to its ``harsh`` end and is drawn as the grid index, so hypothesis shrinks it toward
index 0 -- the simple end: fewer faults (lists shrink toward empty), smaller magnitudes,
shorter windows, later onset, whichever way the file says is simpler. The first drawn
parameter of a kind is its *main magnitude* (what a boundary bisection moves).

One module over ~300 lines because it is one thing, the space: the values it draws,
their strategies, what a schedule means in a scenario, and the ``[[kind]]`` tables that
declare them (read here so a kind's rules and its checks stay side by side).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from harness.config.table import ConfigTable, set_key
from harness.errors import ConfigError

#: off-grid values by kind name and parameter name (a bisection's midpoints)
Exact = Mapping[str, Mapping[str, Any]]

INTO = ("faults", "link_faults", "terrain.cliffs", "set")
#: a parameter's grid stops at this many points (a typo'd step, usually)
MAX_GRID = 100_000


@dataclass(frozen=True)
class Param:
    """One drawn parameter: a grid of numbers from ``simple`` to ``harsh``, or a choice."""

    name: str
    simple: float | None = None
    harsh: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] = ()

    @property
    def top(self) -> int:
        """The largest index (the harsh end)."""
        if self.choices:
            return len(self.choices) - 1
        assert self.simple is not None and self.harsh is not None and self.step is not None
        return max(1, math.floor(abs(self.harsh - self.simple) / self.step + 1e-9))

    def value(self, index: int) -> Any:
        if self.choices:
            return self.choices[index]
        assert self.simple is not None and self.harsh is not None
        frac = index / self.top
        return round(self.simple + (self.harsh - self.simple) * frac, 9)

    @property
    def numeric(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Kind:
    name: str
    into: str
    table: Mapping[str, Any]
    params: tuple[Param, ...]
    story: str = ""

    @property
    def main(self) -> Param:
        return self.params[0]

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


@dataclass(frozen=True)
class Fault:
    """One drawn fault: its kind and the grid index of every parameter."""

    kind: str
    index: tuple[int, ...]

    def values(self, space: Space) -> dict[str, Any]:
        k = space.kind(self.kind)
        return {p.name: p.value(i) for p, i in zip(k.params, self.index, strict=True)}


@dataclass(frozen=True)
class Schedule:
    """What a hunt run adds to the base scenario: a few faults, kinds distinct."""

    faults: tuple[Fault, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(f.kind for f in self.faults))

    def key(self) -> str:
        """The schedule as a stable JSON string (the store's params; the cache key)."""
        return json.dumps([[f.kind, list(f.index)] for f in self.faults])

    @classmethod
    def from_key(cls, key: str) -> Schedule:
        return cls(tuple(Fault(k, tuple(i)) for k, i in json.loads(key)))

    def of(self, kind: str) -> Fault | None:
        return next((f for f in self.faults if f.kind == kind), None)


@dataclass(frozen=True)
class Space:
    kinds: tuple[Kind, ...]
    max_faults: int

    def kind(self, name: str) -> Kind:
        return next(k for k in self.kinds if k.name == name)

    # -- drawing ----------------------------------------------------------------------

    def strategy(self) -> Any:
        """Schedules as a hypothesis strategy: a list (shrinks toward empty) of distinct
        kinds (toward the first declared), each parameter a grid index (toward 0)."""
        from hypothesis import strategies as st

        def fault(kind: Kind) -> Any:
            idx = [st.integers(0, p.top) for p in kind.params]
            name = kind.name
            return st.tuples(*idx).map(lambda ix: Fault(name, tuple(ix)))

        one = st.one_of(*(fault(k) for k in self.kinds))
        order = {k.name: i for i, k in enumerate(self.kinds)}
        return st.lists(one, max_size=self.max_faults, unique_by=lambda f: f.kind).map(
            lambda fs: Schedule(tuple(sorted(fs, key=lambda f: order[f.kind])))
        )

    def random(self, rng: np.random.Generator) -> Schedule:
        """A uniform draw from the same space (the baseline a hunt is measured against):
        the number of faults uniform in 0..max_faults, the kinds without repeats, every
        index uniform on its grid."""
        n = int(rng.integers(0, self.max_faults + 1))
        picked = sorted(rng.choice(len(self.kinds), size=n, replace=False).tolist())
        faults = []
        for i in picked:
            k = self.kinds[i]
            faults.append(Fault(k.name, tuple(int(rng.integers(0, p.top + 1)) for p in k.params)))
        return Schedule(tuple(faults))

    # -- meaning ----------------------------------------------------------------------

    def apply(
        self,
        doc: Mapping[str, Any],
        schedule: Schedule,
        where: str,
        exact: Exact | None = None,
    ) -> dict[str, Any]:
        """The scenario document with the schedule's faults added (``exact`` replaces
        drawn values by kind and parameter)."""
        out: dict[str, Any] = dict(doc)
        for f in schedule.faults:
            k = self.kind(f.kind)
            values = f.values(self) | dict((exact or {}).get(f.kind, {}))
            if k.into == "set":
                for key, v in values.items():
                    out = set_key(out, key.split("."), v, f"{where}: kind {k.name}")
                continue
            keys = k.into.split(".")
            node: Any = out
            for part in keys[:-1]:
                node = node.get(part, {}) if isinstance(node, Mapping) else {}
            arr = list(node.get(keys[-1], []) if isinstance(node, Mapping) else [])
            arr.append(dict(k.table) | values)
            out = set_key(out, keys, arr, f"{where}: kind {k.name}")
        return out

    def tables(self, schedule: Schedule) -> list[dict[str, Any]]:
        """The schedule as scenario tables, each with its ``into`` (hunt.json's schedule)."""
        out = []
        for f in schedule.faults:
            k = self.kind(f.kind)
            out.append({"into": k.into, "name": k.name} | dict(k.table) | f.values(self))
        return out

    def explains(self, known: Schedule, schedule: Schedule) -> bool:
        """True when ``schedule`` holds every fault of ``known`` at least as harsh in every
        parameter (a failure already found, with extra trimmings)."""
        for kf in known.faults:
            f = schedule.of(kf.kind)
            if f is None:
                return False
            k = self.kind(kf.kind)
            for p, ki, fi in zip(k.params, kf.index, f.index, strict=True):
                if (p.numeric and fi < ki) or (not p.numeric and fi != ki):
                    return False
        return True

    def harshness(self, schedule: Schedule) -> float:
        """How far toward the harsh end the schedule lies: over its faults, the sum of each
        parameter's index over its top (0 for no fault; 1 per parameter at its harsh end)."""
        total = 0.0
        for f in schedule.faults:
            k = self.kind(f.kind)
            total += sum(i / p.top for p, i in zip(k.params, f.index, strict=True))
        return total

    def describe(self, schedule: Schedule) -> str:
        """'late_acquisition(valid_below_alt_m=1,750) + latency(latency_s=0.9, ...)'."""
        if not schedule.faults:
            return "no fault"
        parts = []
        for f in schedule.faults:
            vals = ", ".join(f"{n}={_fmt(v)}" for n, v in f.values(self).items())
            parts.append(f"{f.kind}({vals})")
        return " + ".join(parts)

    def phrase(self, fault: Fault) -> str:
        k = self.kind(fault.kind)
        values = fault.values(self)
        values |= {f"{n}_abs": abs(v) for n, v in values.items() if isinstance(v, float)}
        if k.story:
            try:
                return k.story.format(**values)
            except (KeyError, ValueError, IndexError):
                pass
        return f"{k.name}(" + ", ".join(f"{n}={_fmt(v)}" for n, v in values.items()) + ")"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.6g}"
    return json.dumps(v)


# -- the hunt file's [[kind]] entries ---------------------------------------------------


def _param(t: ConfigTable, name: str) -> Param:
    raw = t.data[name]
    if not isinstance(raw, Mapping):
        raise t.error(name, "{ simple = X, harsh = Y, step = S } or { values = [...] }", raw)
    sub = ConfigTable(raw, t.file, t.key(name))
    if "values" in raw:
        values = tuple(sub.array("values"))
        if len(values) < 2:
            raise sub.error("values", "at least two choices (the first is the simplest)", raw)
        sub.done()
        return Param(name, choices=values)
    simple, harsh = sub.number("simple"), sub.number("harsh")
    if simple == harsh:
        raise sub.error("harsh", f"a value other than simple ({simple:g})", harsh)
    step = sub.number("step", abs(harsh - simple) / 100, min=0.0, min_exclusive=True)
    if abs(harsh - simple) / step > MAX_GRID:
        raise sub.error("step", f"a step giving <= {MAX_GRID} grid points", step)
    sub.done()
    return Param(name, simple, harsh, step)


def kind_from_config(t: ConfigTable) -> Kind:
    name = t.string("name")
    into = t.string("into", "faults", choices=INTO)
    table = dict(t.table("table").data)
    if into == "set" and table:
        raise t.error("table", "no table with into = 'set' (its draws are key paths)", table)
    dt = t.table("draw", required=True)
    if not dt.data:
        raise t.error("draw", "at least one drawn parameter", {})
    params = tuple(_param(dt, str(n)) for n in dt.data)
    story = t.string("story", "")
    t.done()
    return Kind(name, into, table, params, story)


def space_from_config(t: ConfigTable, kinds: Sequence[ConfigTable]) -> Space:
    built = tuple(kind_from_config(k) for k in kinds)
    if not built:
        raise t.error("kind", "at least one [[kind]] entry", [])
    names = [k.name for k in built]
    dup = [n for n in names if names.count(n) > 1]
    if dup:
        raise t.error("kind", "kinds with distinct names", dup[0])
    max_faults = t.integer("max_faults", min(2, len(built)), min=1, max=len(built))
    return Space(built, max_faults)


def check_applies(space: Space, doc: Mapping[str, Any], where: str, scenario: Path) -> None:
    """Every kind at both ends of every parameter gives a valid scenario (errors name
    the hunt file and the kind)."""
    from harness.fswconfig import fsw_settings
    from harness.scenario import scenario_from_doc

    for k in space.kinds:
        for ends in (0, 1):
            f = Fault(k.name, tuple(p.top * ends for p in k.params))
            d = space.apply(doc, Schedule((f,)), where)
            try:
                scenario_from_doc(d, scenario)
                fsw_settings(ConfigTable(d.get("fsw", {}), where, "fsw"))
            except ConfigError as exc:
                raise ConfigError(
                    where,
                    f"kind {k.name!r} ({exc.key})",
                    f"{exc.expected} (the scenario's rule)",
                    exc.found,
                ) from None
