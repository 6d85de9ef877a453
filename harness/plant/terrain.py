"""Terrain: a 1-D height profile h(x) and the LRF's ray-march along its boresight.

The profile is built once from its features (datum, craters, cliffs, roughness) and
sampled on a uniform grid; between nodes it is linear. That makes ``max_slope`` an
exact bound (the largest node-to-node slope), ``height(x)`` a handful of float
operations per call, and the ray-march's no-tunnelling guarantee a theorem, not a
hope. Outside the grid the profile continues flat at its end heights.

Features (heights add):
* craters -- simple-crater morphometry after Pike (1977), D < 15 km: depth rim-crest to
  floor d = 0.2 D, rim height above the plain h_r = 0.043 D, rim flank width w = 0.26 D;
  a parabolic bowl inside the rim crest, a cosine rim flank out to R + w, and an ejecta
  blanket decaying as r^-3 beyond it (continuous at R + w).
* cliffs -- steep linear ramps of a given height and width centred on a position.
* roughness -- seeded fractal noise: a sum of octaves, each a random-phase sinusoid set
  whose amplitude falls by ``persistence`` per octave as the wavelength halves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Pike (1977) simple-crater ratios to the rim-crest diameter D
PIKE_DEPTH_PER_D = 0.2
PIKE_RIM_HEIGHT_PER_D = 0.043
PIKE_RIM_WIDTH_PER_D = 0.26

#: ray-march: stop marching when the gap is this small, then bisect to ``_RAY_TOL_M``
_RAY_MARCH_EPS_M = 1e-3
_RAY_TOL_M = 1e-6
_RAY_MAX_ITER = 100_000
#: a gap this small after a step counts as a hit (float rounding on level ground)
_RAY_EXACT_M = 1e-9


@dataclass(frozen=True)
class Crater:
    """A simple crater: rim-crest diameter ``diameter_m`` centred at ``x_m``."""

    x_m: float
    diameter_m: float

    @property
    def depth_m(self) -> float:
        """Rim crest to floor."""
        return PIKE_DEPTH_PER_D * self.diameter_m

    @property
    def rim_height_m(self) -> float:
        """Rim crest above the surrounding plain."""
        return PIKE_RIM_HEIGHT_PER_D * self.diameter_m

    @property
    def rim_width_m(self) -> float:
        """Rim flank width outside the crest (where the ejecta law takes over)."""
        return PIKE_RIM_WIDTH_PER_D * self.diameter_m

    def profile(self, x: np.ndarray) -> np.ndarray:
        """Height added to the datum at ``x`` (m).

        r = |x - x_c|, R = D/2, w = rim width, h_r = rim height, d = depth:
          r <= R:        h = h_r - d + d (r/R)^2                 (parabolic bowl)
          R < r <= R+w:  h = h_e + (h_r - h_e)(1 + cos(pi (r-R)/w))/2   (rim flank)
          r > R+w:       h = h_e ((R+w)/r)^3                    (ejecta, ~ r^-3)
        with h_e = h_r (R/(R+w))^3, the r^-3 law's value at the flank's foot.
        """
        big_r = 0.5 * self.diameter_m
        w = self.rim_width_m
        h_r = self.rim_height_m
        d = self.depth_m
        h_e = h_r * (big_r / (big_r + w)) ** 3
        r = np.abs(x - self.x_m)
        bowl = h_r - d + d * (r / big_r) ** 2
        flank = h_e + (h_r - h_e) * 0.5 * (1.0 + np.cos(np.pi * (r - big_r) / w))
        ejecta = h_e * ((big_r + w) / np.maximum(r, big_r + w)) ** 3
        return np.where(r <= big_r, bowl, np.where(r <= big_r + w, flank, ejecta))


@dataclass(frozen=True)
class Cliff:
    """A linear ramp rising by ``height_m`` (negative: falling) over ``width_m``, centred at x_m."""

    x_m: float
    height_m: float
    width_m: float

    def profile(self, x: np.ndarray) -> np.ndarray:
        """h = height * clip((x - x_c)/width + 1/2, 0, 1)."""
        return self.height_m * np.clip((x - self.x_m) / self.width_m + 0.5, 0.0, 1.0)


@dataclass(frozen=True)
class Roughness:
    """Fractal roughness: ``octaves`` octaves from ``wavelength_m`` down, amplitude ``amplitude_m``
    for the first, times ``persistence`` per octave. amplitude 0 = none."""

    amplitude_m: float = 0.0
    wavelength_m: float = 200.0
    octaves: int = 5
    persistence: float = 0.5
    #: sinusoids per octave (random phases and slightly jittered wavelengths)
    waves_per_octave: int = 3

    def profile(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """h = sum_o sum_k a_o/sqrt(K) sin(2 pi x / lambda_ok + phi_ok), lambda_o = lambda_0 2^-o,
        a_o = amplitude * persistence^o; lambda_ok jittered by +-20 %, phi_ok uniform."""
        out = np.zeros_like(x)
        if self.amplitude_m == 0.0:
            return out
        k = self.waves_per_octave
        for o in range(self.octaves):
            lam = self.wavelength_m * 0.5**o * rng.uniform(0.8, 1.2, size=k)
            phase = rng.uniform(0.0, 2.0 * np.pi, size=k)
            amp = self.amplitude_m * self.persistence**o / math.sqrt(k)
            for lam_i, ph_i in zip(lam, phase, strict=True):
                out += amp * np.sin(2.0 * np.pi * x / lam_i + ph_i)
        return out


class Terrain:
    """Height profile h(x) above the datum, piecewise linear on a uniform grid."""

    def __init__(
        self,
        *,
        x_min_m: float = -5_000.0,
        x_max_m: float = 20_000.0,
        grid_m: float = 1.0,
        datum_m: float = 0.0,
        craters: Sequence[Crater] = (),
        cliffs: Sequence[Cliff] = (),
        roughness: Roughness | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        if not (x_max_m > x_min_m and grid_m > 0):
            raise ValueError(f"bad terrain grid: [{x_min_m}, {x_max_m}] step {grid_m}")
        n = math.ceil((x_max_m - x_min_m) / grid_m) + 1
        xs = x_min_m + grid_m * np.arange(n, dtype=float)
        hs = np.full(n, float(datum_m))
        for crater in craters:
            hs += crater.profile(xs)
        for cliff in cliffs:
            hs += cliff.profile(xs)
        if roughness is not None and roughness.amplitude_m != 0.0:
            hs += roughness.profile(xs, rng if rng is not None else np.random.default_rng(0))
        self.x0_m = float(x_min_m)
        self.dx_m = float(grid_m)
        self.xs = xs
        self.heights = hs
        slopes = np.abs(np.diff(hs)) / grid_m
        #: exact bound on |dh/dx| anywhere (the profile is linear between nodes, flat outside)
        self.max_slope = float(slopes.max()) if slopes.size else 0.0
        self._h: list[float] = hs.tolist()
        self._n = n
        self._inv_dx = 1.0 / grid_m

    @classmethod
    def flat(cls, datum_m: float = 0.0) -> Terrain:
        return cls(x_min_m=-1.0, x_max_m=1.0, grid_m=1.0, datum_m=datum_m)

    def grid(self) -> tuple[float, float, list[float], int]:
        """(x0, 1/dx, node heights, node count): what ``height`` interpolates on."""
        return self.x0_m, self._inv_dx, self._h, self._n

    def height(self, x_m: float) -> float:
        """h(x): linear interpolation between grid nodes; the end heights beyond the grid."""
        u = (x_m - self.x0_m) * self._inv_dx
        if u <= 0.0:
            return self._h[0]
        i = int(u)
        if i >= self._n - 1:
            return self._h[-1]
        h = self._h
        h0 = h[i]
        return h0 + (h[i + 1] - h0) * (u - i)

    def slope_deg(self, x_m: float, half_span_m: float = 1.0) -> float:
        """The slope under a footprint centred at x, degrees (+ rising toward +x):
        atan((h(x + a) - h(x - a)) / 2a), a = ``half_span_m`` (the footpads' half-base)."""
        rise = self.height(x_m + half_span_m) - self.height(x_m - half_span_m)
        return math.degrees(math.atan(rise / (2.0 * half_span_m)))

    def heights_at(self, x_m: np.ndarray) -> np.ndarray:
        """Vectorised h(x) (same interpolation as ``height``)."""
        return np.asarray(np.interp(x_m, self.xs, self.heights), dtype=float)

    def ray_range(self, x_m: float, z_m: float, psi_rad: float, max_range_m: float) -> float | None:
        """Slant range from (x, z) along world direction (-sin psi, -cos psi) to the terrain.

        psi is the boresight's tilt from the vertical (psi = theta + mount tilt; 0 points
        straight down). None when nothing is hit within ``max_range_m``; 0 when the origin
        is at or below the surface.

        March: along the ray the gap g(s) = z(s) - h(x(s)) shrinks at most at the rate
        c = |cos psi| + |sin psi| * max_slope per metre of ray, so a step s = g / c can
        never cross the terrain (no tunnelling). On level ground c = cos psi and one step
        lands exactly on the surface (range = alt / cos psi). Once the gap is below a
        millimetre, probe in millimetre steps until the ray is below the surface and
        bisect that bracket to a micrometre.
        """
        sin_p = math.sin(psi_rad)
        cos_p = math.cos(psi_rad)
        dx = -sin_p
        dz = -cos_p
        rate = abs(cos_p) + abs(sin_p) * self.max_slope
        height = self.height
        gap = z_m - height(x_m)
        if gap <= 0.0:
            return 0.0
        if rate <= 0.0:
            return None
        min_step = _RAY_MARCH_EPS_M / rate
        s = 0.0
        for _ in range(_RAY_MAX_ITER):
            # a safe step while the gap is large; a millimetre-scale probe once it is small
            s_new = s + (gap / rate if gap > _RAY_MARCH_EPS_M else min_step)
            if s_new > max_range_m:
                s_new = max_range_m
                if s >= max_range_m or z_m + dz * s_new - height(x_m + dx * s_new) > 0.0:
                    return None
            gap_new = z_m + dz * s_new - height(x_m + dx * s_new)
            if abs(gap_new) <= _RAY_EXACT_M:
                return s_new  # level ground: the safe step lands on the surface
            if gap_new < 0.0:
                return self._bisect(x_m, z_m, dx, dz, s, s_new)
            s, gap = s_new, gap_new
        return None  # a ray grazing the terrain for ever: no usable return

    def _bisect(self, x_m: float, z_m: float, dx: float, dz: float, lo: float, hi: float) -> float:
        """The crossing inside [lo, hi] (gap > 0 at lo, < 0 at hi), to ``_RAY_TOL_M``.

        A millimetre bracket nearly always lies on one segment of the profile: then
        ``height`` is that segment's line, evaluated here with the very operations
        ``height`` performs (so the same bits), without a call per halving. x and u are
        monotonic in the ray parameter (each floating-point step is), so the ends of
        the bracket on one segment put every midpoint on it too.
        """
        x0, inv_dx, h, n = self.x0_m, self._inv_dx, self._h, self._n
        u_lo = (x_m + dx * lo - x0) * inv_dx
        u_hi = (x_m + dx * hi - x0) * inv_dx
        i = int(u_lo)
        if u_lo > 0.0 and u_hi > 0.0 and i == int(u_hi) and i < n - 1:
            h0 = h[i]
            dh = h[i + 1] - h0
            while hi - lo > _RAY_TOL_M:
                mid = 0.5 * (lo + hi)
                if z_m + dz * mid - (h0 + dh * ((x_m + dx * mid - x0) * inv_dx - i)) > 0.0:
                    lo = mid
                else:
                    hi = mid
            return 0.5 * (lo + hi)
        height = self.height
        while hi - lo > _RAY_TOL_M:
            mid = 0.5 * (lo + hi)
            if z_m + dz * mid - height(x_m + dx * mid) > 0.0:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)
