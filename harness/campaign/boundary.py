"""``[search]``: one parameter, an interval, a predicate -- where does the outcome flip?

    [search]
    key = "faults.0.valid_below_alt_m"
    low = 300.0
    high = 3000.0
    resolution = 25.0               # stop when the bracket is this narrow
    repeats = 5                     # seeds a point (the same seeds at every point)
    predicate = 'verdict == "soft"' # FIELD OP VALUE on a run's stored columns
    threshold = 0.5                 # a point passes when >= this fraction of its runs do

Fields: ``verdict``, ``status``, ``touchdown_vz_mps``, ``touchdown_vx_mps``,
``propellant_kg``, ``lrf_first_valid_alt_m``; operators ``== != < <= > >= in``; the
value is TOML (``"soft"``, ``-2.0``, ``["soft", "hard"]``).
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.config.table import ConfigTable

FIELDS = (
    "verdict",
    "status",
    "touchdown_vz_mps",
    "touchdown_vx_mps",
    "propellant_kg",
    "lrf_first_valid_alt_m",
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "in": lambda a, b: a in b,
}
_PREDICATE = re.compile(r"^\s*(\w+)\s*(==|!=|<=|>=|<|>|in)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Predicate:
    text: str
    field: str
    op: str
    value: Any

    def __call__(self, row: Mapping[str, Any]) -> bool:
        got = row[self.field]
        if got is None:
            return False
        try:
            return bool(_OPS[self.op](got, self.value))
        except TypeError:
            return False


def parse_predicate(t: ConfigTable, name: str) -> Predicate:
    text = t.string(name)
    m = _PREDICATE.match(text)
    if not m:
        raise t.error(name, 'FIELD OP VALUE, e.g. verdict == "soft"', text)
    fld, op, raw = m.groups()
    if fld not in FIELDS:
        raise t.error(name, "a field among " + ", ".join(FIELDS), fld)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        raise t.error(name, 'a TOML value after the operator ("soft", 2.5, [..])', raw) from None
    if op == "in" and not isinstance(value, list):
        raise t.error(name, "an array after `in`", value)
    return Predicate(text, fld, op, value)


@dataclass(frozen=True)
class SearchSpec:
    key: str
    low: float
    high: float
    resolution: float
    repeats: int
    predicate: Predicate
    threshold: float


def search_from_config(t: ConfigTable) -> SearchSpec:
    key = t.string("key")
    low = t.number("low")
    high = t.number("high")
    if high <= low:
        raise t.error("high", f"a number > low ({low:g})", high)
    s = SearchSpec(
        key=key,
        low=low,
        high=high,
        resolution=t.number("resolution", (high - low) / 64, min=0.0, min_exclusive=True),
        repeats=t.integer("repeats", 5, min=1, max=1000),
        predicate=parse_predicate(t, "predicate"),
        threshold=t.number("threshold", 0.5, min=0.0, max=1.0),
    )
    t.done()
    return s
