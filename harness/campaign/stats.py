"""Campaign statistics: Wilson score intervals and the bisection of a boundary.

``wilson(k, n)`` is the Wilson score interval for a binomial proportion (Wilson 1927;
Agresti & Coull 1998 recommend it over the normal interval, which collapses at 0 and n).
``Bisection`` finds where a monotone pass/fail outcome flips on an interval: it asks
for points (``next_points``), is told whether each passed (``tell``) and keeps the
bracket ``[low, high]`` whose ends disagree until it is no wider than ``resolution``.
It is a pure state machine, so the search can run its points in parallel and a resumed
search replays the same points from the store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: the 97.5 % quantile of the standard normal (a 95 % two-sided interval)
Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """(k/n, low, high): the Wilson score interval of k successes in n trials."""
    if n <= 0:
        return (math.nan, 0.0, 1.0)
    if not 0 <= k <= n:
        raise ValueError(f"successes {k} outside 0..{n}")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (p, max(0.0, centre - half), min(1.0, centre + half))


def steps_for(low: float, high: float, resolution: float) -> int:
    """Points a bisection evaluates: both ends, then one midpoint per halving."""
    return 2 + max(0, math.ceil(math.log2((high - low) / resolution)))


@dataclass
class Bisection:
    low: float
    high: float
    resolution: float
    #: outcome at each evaluated point, in the order asked
    seen: list[tuple[float, bool]] = field(default_factory=list)
    note: str = ""

    def __post_init__(self) -> None:
        if not self.high > self.low:
            raise ValueError(f"bisection interval [{self.low}, {self.high}] is empty")
        if not self.resolution > 0:
            raise ValueError(f"bisection resolution {self.resolution} is not > 0")
        self._at_low: bool | None = None
        self._at_high: bool | None = None

    @property
    def _ends_known(self) -> bool:
        return self._at_low is not None and self._at_high is not None

    @property
    def done(self) -> bool:
        return bool(self.note) or (self._ends_known and self.high - self.low <= self.resolution)

    def next_points(self) -> list[float]:
        if self.done:
            return []
        if not self._ends_known:
            return [
                x for x, v in ((self.low, self._at_low), (self.high, self._at_high)) if v is None
            ]
        return [0.5 * (self.low + self.high)]

    def tell(self, x: float, passed: bool) -> None:
        self.seen.append((x, passed))
        if not self._ends_known:
            if x == self.low:
                self._at_low = passed
            elif x == self.high:
                self._at_high = passed
            else:
                raise ValueError(f"{x} is not an end of [{self.low}, {self.high}]")
            if self._ends_known and self._at_low == self._at_high:
                word = "passes" if passed else "fails"
                self.note = f"no flip: the outcome {word} at both ends"
            return
        if passed == self._at_low:
            self.low = x
        else:
            self.high = x

    @property
    def passes_above(self) -> bool | None:
        """True when the outcome passes at the high end (None before both ends are known)."""
        return self._at_high if self._ends_known else None

    @property
    def critical(self) -> float:
        return 0.5 * (self.low + self.high)
