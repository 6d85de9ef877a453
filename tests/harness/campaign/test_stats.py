"""Wilson intervals and bisection against known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from harness.campaign.stats import Z95, Bisection, steps_for, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),  # upper = z^2 / (n + z^2)
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),  # Newcombe (1998), Stat. Med. 17:857, table I
    ],
)
def test_wilson_known_answers(k: int, n: int, low: float, high: float) -> None:
    p, lo, hi = wilson(k, n)
    assert p == k / n
    assert lo == pytest.approx(low, abs=5e-4) and hi == pytest.approx(high, abs=5e-4)


@pytest.mark.parametrize(("k", "n"), [(1, 7), (3, 40), (996, 1000), (500, 1000), (17, 19)])
def test_wilson_bounds_solve_the_score_equation(k: int, n: int) -> None:
    # independently: the bounds are the roots in p of (k/n - p)^2 = z^2 p (1 - p) / n
    ph, z2 = k / n, Z95**2
    roots = sorted(np.roots([1 + z2 / n, -(2 * ph + z2 / n), ph * ph]).real)
    _, lo, hi = wilson(k, n)
    assert lo == pytest.approx(roots[0], abs=1e-12) and hi == pytest.approx(roots[1], abs=1e-12)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson(11, 10)
    assert math.isnan(wilson(0, 0)[0])


@pytest.mark.parametrize(("flip", "passes_above"), [(1840.3, True), (512.0, False), (2999.0, True)])
def test_bisection_brackets_a_known_flip(flip: float, passes_above: bool) -> None:
    b = Bisection(300.0, 3000.0, 25.0)
    evaluated = 0
    while pts := b.next_points():
        for x in pts:
            b.tell(x, (x >= flip) == passes_above)
            evaluated += 1
    assert b.low <= flip <= b.high and b.high - b.low <= 25.0
    assert b.passes_above is passes_above and not b.note
    assert evaluated == steps_for(300.0, 3000.0, 25.0) == 2 + math.ceil(math.log2(2700 / 25))


def test_bisection_without_a_flip_says_so() -> None:
    b = Bisection(0.0, 1.0, 0.1)
    for x in b.next_points():
        b.tell(x, True)
    assert b.done and b.next_points() == [] and "passes at both ends" in b.note
