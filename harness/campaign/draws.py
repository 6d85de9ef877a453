"""Monte Carlo dispersions: ``[[disperse]]`` tables validated into draws from a seeded rng.

``dist = "normal"`` (``mean``, ``std``), ``"uniform"`` (``low``, ``high``),
``"truncnormal"`` (``mean``, ``std``, ``low``, ``high``: a normal conditioned on the
interval, drawn by rejection; an interval holding less than 0.1 % of the mass is refused),
``"choice"`` (``values``, optional ``weights``). The unit is the key's own
(``fsw.alt_error_m`` is in metres). Draws are taken in the order the tables are written,
one rng per run, so a run's draws depend only on the master seed and its sample index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.config.table import ConfigTable

DISTRIBUTIONS = ("normal", "uniform", "truncnormal", "choice")
#: least probability mass a truncnormal interval may hold (rejection stays cheap)
MIN_TRUNC_MASS = 1e-3


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@dataclass(frozen=True)
class Dispersion:
    key: str
    dist: str
    mean: float = 0.0
    std: float = 0.0
    low: float = -math.inf
    high: float = math.inf
    values: tuple[Any, ...] = ()
    weights: tuple[float, ...] | None = None

    def draw(self, rng: np.random.Generator) -> Any:
        if self.dist == "normal":
            return float(rng.normal(self.mean, self.std))
        if self.dist == "uniform":
            return float(rng.uniform(self.low, self.high))
        if self.dist == "truncnormal":
            while True:  # >= 0.1 % acceptance (checked at load): ends fast
                x = float(rng.normal(self.mean, self.std))
                if self.low <= x <= self.high:
                    return x
        p = None if self.weights is None else np.asarray(self.weights) / sum(self.weights)
        return self.values[int(rng.choice(len(self.values), p=p))]

    @property
    def extremes(self) -> tuple[Any, ...]:
        """Values that bound the draws (validated against the scenario before running)."""
        if self.dist == "choice":
            return self.values
        if self.dist == "normal":
            return (self.mean,)
        return (self.low, self.high) if self.dist == "uniform" else (self.mean,)


def dispersion_from_config(t: ConfigTable) -> Dispersion:
    key = t.string("key")
    dist = t.string("dist", choices=DISTRIBUTIONS)
    if dist == "normal":
        d = Dispersion(key, dist, mean=t.number("mean"), std=t.number("std", min=0.0))
    elif dist == "uniform":
        low = t.number("low")
        high = t.number("high")
        if high <= low:
            raise t.error("high", f"a number > low ({low:g})", high)
        d = Dispersion(key, dist, low=low, high=high)
    elif dist == "truncnormal":
        mean = t.number("mean")
        std = t.number("std", min=0.0, min_exclusive=True)
        low = t.number("low") if "low" in t else -math.inf
        high = t.number("high") if "high" in t else math.inf
        if high <= low:
            raise t.error("high", f"a number > low ({low:g})", high)
        mass = _phi((high - mean) / std) - _phi((low - mean) / std)
        if mass < MIN_TRUNC_MASS:
            raise t.error(
                "low",
                f"an interval holding >= {MIN_TRUNC_MASS:.1%} of the normal's mass",
                f"[{low:g}, {high:g}], holding {mass:.2g}",
            )
        d = Dispersion(key, dist, mean=mean, std=std, low=low, high=high)
    else:
        values = t.array("values")
        if not values:
            raise t.error("values", "a non-empty array of values", values)
        weights = None
        if "weights" in t:
            w = t.array("weights")
            if (
                len(w) != len(values)
                or not all(isinstance(x, int | float) and x >= 0 for x in w)
                or not sum(w)
            ):
                raise t.error(
                    "weights", f"{len(values)} numbers >= 0, not all 0 (one per value)", w
                )
            weights = tuple(float(x) for x in w)
        d = Dispersion(key, dist, values=tuple(values), weights=weights)
    t.done()
    return d
