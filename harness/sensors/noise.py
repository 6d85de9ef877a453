"""Random streams for sensors and faults: stable per-source generators, drawn in blocks.

Every noise source has its own ``Generator`` derived from the run seed by a *stable* key
(CRC-32 of a name, never Python's salted ``hash``), so adding a sensor or a fault never
shifts another's draws, and a run is bit-identical in any process. Per-sample numpy calls
cost microseconds, so draws come in blocks converted to Python floats once.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

_BLOCK = 1024


def rng_for(seed: int, key: str) -> np.random.Generator:
    """The generator of one noise source: ``SeedSequence(seed, spawn_key=(crc32(key),))``."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),))
    )


class _BlockStream:
    """Draws from ``rng``, one Python float at a time, generated ``_BLOCK`` at a time."""

    __slots__ = ("_buf", "_i", "_rng")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def _block(self) -> list[float]:
        raise NotImplementedError

    def next(self) -> float:
        i = self._i
        if i >= len(self._buf):
            self._buf = self._block()
            i = 0
        self._i = i + 1
        return self._buf[i]


class NormalStream(_BlockStream):
    """Standard normal draws."""

    __slots__ = ()

    def _block(self) -> list[float]:
        return list(self._rng.standard_normal(_BLOCK).tolist())


class UniformStream(_BlockStream):
    """Uniform draws in [0, 1)."""

    __slots__ = ()

    def _block(self) -> list[float]:
        return list(self._rng.random(_BLOCK).tolist())


class ErrorStream:
    """Per-sample additive errors on several channels: white noise plus Gauss–Markov bias.

    For channel j, sample k (interval ``dt_s``):
        e_k = b_k·dt + σ_w,j·n_k,  b_k = a_j·b_{k−1} + σ_b,j·√(1 − a_j²)·m_k,  a_j = e^(−dt/τ_j)
    with ``b_0`` drawn from the stationary distribution N(0, σ_b²). Blocks are computed in
    closed form, b_k = a^k·(b_0 + Σ_{i≤k} a^(−i)·q·m_i); a block is kept short enough
    (k·dt/τ ≤ 8) that a^(−k) never costs precision.
    """

    __slots__ = (
        "_a",
        "_ak",
        "_b",
        "_buf",
        "_dt",
        "_i",
        "_n",
        "_q",
        "_rng",
        "_sigma_b",
        "_sigma_w",
    )

    def __init__(
        self,
        rng: np.random.Generator,
        dt_s: float,
        white_sigma: list[float],
        bias_sigma: list[float],
        bias_tau_s: list[float],
    ) -> None:
        self._rng = rng
        self._dt = dt_s
        self._sigma_w = np.asarray(white_sigma, dtype=float)
        self._sigma_b = np.asarray(bias_sigma, dtype=float)
        tau = np.asarray(bias_tau_s, dtype=float)
        self._a = np.exp(-dt_s / tau)
        self._q = self._sigma_b * np.sqrt(1.0 - self._a**2)
        self._n = int(max(1, min(_BLOCK, math.floor(8.0 * float(tau.min()) / dt_s))))
        self._b = self._sigma_b * rng.standard_normal(len(white_sigma))
        #: a^k for k = 1..n, the same for every block
        k = np.arange(1, self._n + 1, dtype=float)[:, None]
        self._ak = self._a[None, :] ** k
        self._buf: list[list[float]] = []
        self._i = 0

    def _block(self) -> np.ndarray:
        """The next (n, channels) block of errors; advances the stream past it."""
        draws = self._rng.standard_normal((2, self._n, len(self._sigma_w)))
        ak = self._ak
        bias = ak * (self._b[None, :] + np.cumsum(self._q * draws[0] / ak, axis=0))
        self._b = bias[-1].copy()
        self._buf = []
        self._i = 0
        return bias * self._dt + self._sigma_w * draws[1]  # type: ignore[no-any-return]

    def columns(self) -> list[list[float]]:
        """The next block as one list per channel (``columns()[j][k]`` = ``next()[j]`` of
        the block's k-th sample), for a caller that walks the samples itself; it advances
        the stream past the whole block (rows ``next`` had not handed out are skipped)."""
        cols: list[list[float]] = self._block().T.tolist()
        return cols

    def _refill(self) -> None:
        self._buf = self._block().tolist()
        self._i = 0

    def next(self) -> list[float]:
        if self._i >= len(self._buf):
            self._refill()
        row = self._buf[self._i]
        self._i += 1
        return row
