"""Terrain morphometry and the LRF ray-march: analytic ranges and no tunnelling, ever."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from harness.plant.terrain import Cliff, Crater, Roughness, Terrain


def test_pike_simple_crater_morphometry() -> None:
    d = 1000.0
    c = Crater(x_m=0.0, diameter_m=d)
    t = Terrain(x_min_m=-3000, x_max_m=3000, grid_m=0.5, craters=[c])
    r, w = d / 2, 0.26 * d
    assert c.depth_m == pytest.approx(0.2 * d)
    assert c.rim_height_m == pytest.approx(0.043 * d)
    assert c.rim_width_m == pytest.approx(0.26 * d)
    assert t.height(r) == pytest.approx(0.043 * d)  # rim crest
    assert t.height(-r) == pytest.approx(0.043 * d)
    assert t.height(r) - t.height(0.0) == pytest.approx(0.2 * d)  # rim crest to floor
    assert t.heights.max() == pytest.approx(0.043 * d)  # the crest is the highest point
    # ejecta outside the rim flank: ~ r^-3
    h1 = t.height(r + w)
    assert h1 == pytest.approx(0.043 * d * (r / (r + w)) ** 3)
    assert t.height(2 * (r + w)) / h1 == pytest.approx(1 / 8, rel=1e-3)
    # continuous: no step anywhere (slopes bounded by the bowl's wall)
    assert t.max_slope < 2 * 0.2 * d / r * 1.01


def test_cliff_is_a_linear_ramp_and_max_slope_is_exact() -> None:
    t = Terrain(x_min_m=-500, x_max_m=500, cliffs=[Cliff(x_m=0.0, height_m=-300.0, width_m=60.0)])
    assert t.height(-100) == 0.0 and t.height(100) == -300.0
    assert t.height(0.0) == pytest.approx(-150.0)
    assert t.max_slope == pytest.approx(5.0)
    assert t.height(-1e6) == 0.0 and t.height(1e6) == -300.0  # flat beyond the grid


def test_roughness_is_seeded_and_deterministic() -> None:
    def make(seed: int) -> Terrain:
        return Terrain(
            x_min_m=0,
            x_max_m=2000,
            roughness=Roughness(3.0, 200.0),
            rng=np.random.default_rng(seed),
        )

    a, b, c = make(1), make(1), make(2)
    assert np.array_equal(a.heights, b.heights)
    assert not np.array_equal(a.heights, c.heights)
    assert 0.5 < a.heights.std() < 5.0


@pytest.mark.parametrize("psi", [0.0, 0.1, -0.3, 0.7, 1.2])
@pytest.mark.parametrize("alt", [0.7, 37.0, 3000.0])
def test_lrf_range_on_level_ground_is_alt_over_cos_psi(psi: float, alt: float) -> None:
    t = Terrain(x_min_m=-1e4, x_max_m=1e4, datum_m=-12.0)
    r = t.ray_range(123.0, alt - 12.0, psi, 1e5)
    assert r == pytest.approx(alt / math.cos(psi), rel=1e-12, abs=1e-9)


def test_lrf_no_return_beyond_max_range_and_zero_when_below_ground() -> None:
    t = Terrain.flat()
    assert t.ray_range(0.0, 1000.0, 0.0, 999.0) is None
    assert t.ray_range(0.0, 1000.0, 0.5, 1100.0) is None  # slant 1139.5 m
    assert t.ray_range(0.0, 1000.0, 0.0, 1000.0) == pytest.approx(1000.0)
    assert t.ray_range(0.0, -1.0, 0.0, 10.0) == 0.0
    assert t.ray_range(0.0, 10.0, math.pi, 1e4) is None  # pointing at the sky


@pytest.mark.parametrize("psi", [0.0, 0.2, -0.25, 0.5])
def test_lrf_range_on_a_sloped_ramp_is_analytic(psi: float) -> None:
    """Ramp h = k (x - x_a) for x in [x_a, x_b]; ray z0 - s cos psi = k (x0 - s sin psi - x_a)
    => s = (z0 - k (x0 - x_a)) / (cos psi - k sin psi)."""
    k, x_a, x_b = 0.4, -1000.0, 3000.0
    t = Terrain(
        x_min_m=-5000,
        x_max_m=8000,
        cliffs=[Cliff(x_m=(x_a + x_b) / 2, height_m=k * (x_b - x_a), width_m=x_b - x_a)],
    )
    x0, z0 = 1000.0, 1500.0
    s = (z0 - k * (x0 - x_a)) / (math.cos(psi) - k * math.sin(psi))
    assert x_a < x0 - s * math.sin(psi) < x_b
    assert t.ray_range(x0, z0, psi, 1e4) == pytest.approx(s, abs=1e-5)


def _terrain(
    craters: list[tuple[float, float]],
    cliffs: list[tuple[float, float, float]],
    ridges: list[tuple[float, float, float]],
    amp: float,
    seed: int,
) -> Terrain:
    # a ridge: a ramp up and, right after it, a ramp down (a thin wall a ray could skip)
    walls = [Cliff(x, h, w) for x, h, w in cliffs]
    for x, h, w in ridges:
        walls += [Cliff(x, h, w), Cliff(x + w + 1.0, -h, w)]
    return Terrain(
        x_min_m=-1500,
        x_max_m=1500,
        grid_m=1.0,
        craters=[Crater(x, d) for x, d in craters],
        cliffs=walls,
        roughness=Roughness(amp, 150.0, octaves=4),
        rng=np.random.default_rng(seed),
    )


_X = st.floats(-1200, 1200)
terrains = st.builds(
    _terrain,
    st.lists(st.tuples(st.floats(-1200, 1200), st.floats(20, 600)), max_size=4),
    st.lists(
        st.tuples(st.floats(-1200, 1200), st.floats(-400, 400), st.floats(2, 200)), max_size=2
    ),
    st.lists(
        st.tuples(st.floats(-1200, 1200), st.floats(1, 800), st.floats(1, 30)),
        min_size=1,
        max_size=4,
    ),
    st.floats(0, 6),
    st.integers(0, 2**16),
)


@settings(max_examples=150)
@example(_terrain([], [], [(-300.0, 500.0, 10.0)], 0.0, 0), 0.0, 1000.0, 0.5)
@given(terrains, st.floats(-1000, 1000), st.floats(0.6, 1500), st.floats(-1.5, 1.5))
def test_ray_march_never_tunnels(t: Terrain, x0: float, alt: float, psi: float) -> None:
    """Compare with a brute-force dense sampler along the ray (same h(x) interpolation)."""
    z0 = t.height(x0) + alt
    max_range = 2500.0
    r = t.ray_range(x0, z0, psi, max_range)
    # the march bisects the range to 1e-6 m; the gap there is within that times its rate
    tol = 1.1e-6 * (abs(math.cos(psi)) + abs(math.sin(psi)) * t.max_slope) + 1e-9
    step = 0.02
    s = np.arange(0.0, max_range + step, step)
    gap = z0 - s * math.cos(psi) - t.heights_at(x0 - s * math.sin(psi))
    below = np.flatnonzero(gap <= 0.0)
    if below.size == 0:
        # the dense sampler sees no hit: the march may only report one it proves is real
        if r is not None:
            assert abs(z0 - r * math.cos(psi) - t.height(x0 - r * math.sin(psi))) < tol
        return
    first = s[below[0]]
    assert r is not None, f"ray-march missed the terrain at {first} m"
    assert r <= first + 1e-6, f"tunnelled: {r} m beyond the first crossing at {first} m"
    assert abs(z0 - r * math.cos(psi) - t.height(x0 - r * math.sin(psi))) < tol


def _bisect_by_height_calls(
    t: Terrain, x_m: float, z_m: float, dx: float, dz: float, lo: float, hi: float
) -> float:
    """The bisection as written before its one-segment shortcut: a ``height`` call a step."""
    while hi - lo > 1e-6:
        mid = 0.5 * (lo + hi)
        if z_m + dz * mid - t.height(x_m + dx * mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@settings(max_examples=300)
@given(
    terrains,
    st.floats(-1000, 1000),
    st.floats(0.6, 1500),
    st.floats(-1.5, 1.5),
    st.floats(1e-7, 2e-3),
    st.floats(1e-7, 2e-3),
)
def test_bisect_shortcut_gives_the_bits_of_height_calls(
    t: Terrain, x0: float, alt: float, psi: float, before: float, after: float
) -> None:
    """Around a real crossing, on one segment or across nodes, ``_bisect`` returns exactly
    (bit for bit) what the bisection by ``height`` calls returns -- the LRF's ranges, and
    so the telemetry."""
    z0 = t.height(x0) + alt
    r = t.ray_range(x0, z0, psi, 2500.0)
    assume(r is not None and r > before)
    dx, dz = -math.sin(psi), -math.cos(psi)
    lo, hi = r - before, r + after
    got = t._bisect(x0, z0, dx, dz, lo, hi)
    assert got.hex() == _bisect_by_height_calls(t, x0, z0, dx, dz, lo, hi).hex()
