"""Navigation: attitude from the star-tracker quaternion, a vertical and a horizontal
Kalman filter driven by IMU delta-v, and a short history for late measurements.

Frames (ICD §5): world x downrange, z up; body +X is the thrust axis. The quaternion
(scalar first) rotates body vectors into the world, so a body vector b maps to
``R(q) b``; the planar world components used here are rows 0 (x) and 2 (z) of R.
Tilt θ is the angle of body +X from the vertical, toward +x:
``θ = atan2(R[0][0], R[2][0])``.

Vertical channel, state ``(h, vz, b)`` -- altitude above terrain, vertical velocity,
vertical accelerometer bias -- propagated per IMU sample of length dt:

    a  = dv_world_z / dt - g - b
    h += vz dt + a dt^2 / 2 ;  vz += a dt ;  P = F P F' + Q
    F  = [[1, dt, -dt^2/2], [0, 1, -dt], [0, 0, 1]]
    Q  = q_a^2 [[dt^3/3, dt^2/2, 0], [dt^2/2, dt, 0], [0, 0, 0]] + diag(0, 0, q_b^2 dt)

Scalar updates are plain Kalman updates on one state component. All arithmetic is
scalar Python: a 3-state filter is faster that way than through numpy.
"""

from __future__ import annotations

import math
from bisect import bisect_left

Row = tuple[float, float, float]


def rotation_rows(qw: float, qx: float, qy: float, qz: float) -> tuple[Row, Row]:
    """Rows 0 (world x) and 2 (world z) of R(q), normalising q first."""
    n = math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz)
    if not n > 1e-6:
        raise ValueError("degenerate quaternion")
    qw, qx, qy, qz = qw / n, qx / n, qy / n, qz / n
    row_x = (1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy))
    row_z = (2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy))
    return row_x, row_z


def tilt_of_rows(row_x: Row, row_z: Row) -> float:
    """Tilt θ of body +X from the world vertical, + toward +x."""
    return math.atan2(row_x[0], row_z[0])


def quaternion_of_tilt(theta: float) -> tuple[float, float, float, float]:
    """ICD §5: q = (cos(φ/2), 0, sin(φ/2), 0) with φ = θ - π/2."""
    phi = theta - math.pi / 2
    return (math.cos(phi / 2), 0.0, math.sin(phi / 2), 0.0)


class VerticalFilter:
    """Kalman filter on (altitude above terrain, vertical velocity, accelerometer bias)."""

    __slots__ = ("P", "b", "h", "vz")

    def __init__(self, h: float, vz: float, sigma_h: float, sigma_v: float, sigma_b: float):
        self.h, self.vz, self.b = h, vz, 0.0
        self.P = [
            [sigma_h * sigma_h, 0.0, 0.0],
            [0.0, sigma_v * sigma_v, 0.0],
            [0.0, 0.0, sigma_b * sigma_b],
        ]

    @property
    def sigma_h(self) -> float:
        return math.sqrt(max(self.P[0][0], 0.0))

    @property
    def sigma_v(self) -> float:
        return math.sqrt(max(self.P[1][1], 0.0))

    def propagate(self, dv_z: float, dt: float, g: float, q_a: float, q_b: float) -> float:
        """Advance by one IMU interval; returns the vertical displacement predicted."""
        a = dv_z / dt - g - self.b
        dh = self.vz * dt + 0.5 * a * dt * dt
        self.h += dh
        self.vz += a * dt
        cov = self.P
        phh, phv, phb = cov[0]
        pvv, pvb = cov[1][1], cov[1][2]
        pbb = cov[2][2]
        c = -0.5 * dt * dt
        d = -dt
        r00 = phh + dt * phv + c * phb
        r01 = phv + dt * pvv + c * pvb
        r02 = phb + dt * pvb + c * pbb
        r11 = pvv + d * pvb
        r12 = pvb + d * pbb
        qa2 = q_a * q_a
        n00 = r00 + dt * r01 + c * r02 + qa2 * dt**3 / 3
        n01 = r01 + d * r02 + qa2 * dt * dt / 2
        n11 = r11 + d * r12 + qa2 * dt
        n22 = pbb + q_b * q_b * dt
        cov[0][0] = n00
        cov[0][1] = cov[1][0] = n01
        cov[0][2] = cov[2][0] = r02
        cov[1][1] = n11
        cov[1][2] = cov[2][1] = r12
        cov[2][2] = n22
        return dh

    def innovation(self, i: int, z: float, r: float) -> tuple[float, float]:
        """(innovation, its variance S) of a measurement z of state i with variance r."""
        x = (self.h, self.vz, self.b)[i]
        return z - x, self.P[i][i] + r

    def update(self, i: int, z: float, r: float) -> float:
        """Kalman update of state i with measurement z (variance r); returns the innovation."""
        nu, s = self.innovation(i, z, r)
        cov = self.P
        row = cov[i][:]
        k0, k1, k2 = row[0] / s, row[1] / s, row[2] / s
        self.h += k0 * nu
        self.vz += k1 * nu
        self.b += k2 * nu
        ks = (k0, k1, k2)
        for a in range(3):
            for c in range(a, 3):
                v = cov[a][c] - ks[a] * row[c]
                cov[a][c] = v
                cov[c][a] = v
        return nu

    def rebaseline(self, h: float, sigma_h: float) -> None:
        """Reset the altitude (a new terrain baseline), keeping velocity and bias."""
        self.h = h
        cov = self.P
        cov[0][0] = sigma_h * sigma_h
        cov[0][1] = cov[1][0] = 0.0
        cov[0][2] = cov[2][0] = 0.0

    def inflate_sigma_h(self, extra_m: float) -> None:
        """Grow the altitude 1-sigma linearly (blind dead reckoning)."""
        s = self.sigma_h
        if s > 0:
            scale = (s + extra_m) / s
            cov = self.P
            cov[0][0] *= scale * scale
            cov[0][1] *= scale
            cov[1][0] = cov[0][1]
            cov[0][2] *= scale
            cov[2][0] = cov[0][2]
        else:
            self.P[0][0] = extra_m * extra_m


class HorizontalFilter:
    """Kalman filter on (downrange position, horizontal velocity)."""

    __slots__ = ("P", "vx", "x")

    def __init__(self, x: float, vx: float, sigma_x: float, sigma_v: float):
        self.x, self.vx = x, vx
        self.P = [[sigma_x * sigma_x, 0.0], [0.0, sigma_v * sigma_v]]

    def propagate(self, dv_x: float, dt: float, q_a: float) -> None:
        a = dv_x / dt
        self.x += self.vx * dt + 0.5 * a * dt * dt
        self.vx += a * dt
        cov = self.P
        p00, p01, p11 = cov[0][0], cov[0][1], cov[1][1]
        qa2 = q_a * q_a
        n00 = p00 + 2 * dt * p01 + dt * dt * p11 + qa2 * dt**3 / 3
        n01 = p01 + dt * p11 + qa2 * dt * dt / 2
        cov[0][0] = n00
        cov[0][1] = cov[1][0] = n01
        cov[1][1] = p11 + qa2 * dt

    def velocity_innovation(self, z: float, r: float) -> tuple[float, float]:
        return z - self.vx, self.P[1][1] + r

    def update_velocity(self, z: float, r: float) -> None:
        nu, s = self.velocity_innovation(z, r)
        cov = self.P
        k0, k1 = cov[0][1] / s, cov[1][1] / s
        self.x += k0 * nu
        self.vx += k1 * nu
        p01, p11 = cov[0][1], cov[1][1]
        cov[0][0] -= k0 * p01
        cov[0][1] = cov[1][0] = cov[0][1] - k0 * p11
        cov[1][1] -= k1 * p11


class History:
    """Propagated vertical displacement and tilt by time, for measurements that arrive late.

    ``disp`` is the running sum of the displacements the filter *predicted* from the IMU
    (never its corrections), so ``disp(now) - disp(t)`` is how far the vehicle moved
    since t by inertial navigation -- what carries a measurement from its acquisition
    time to now, and what says whether several LRF samples agree with the IMU's motion.
    """

    __slots__ = ("_disp", "_tilt", "_times", "keep_us", "total")

    def __init__(self, keep_us: int) -> None:
        self.keep_us = keep_us
        self.total = 0.0
        self._times: list[int] = []
        self._disp: list[float] = []
        self._tilt: list[float] = []

    def record(self, t_us: int, dh: float, tilt: float) -> None:
        self.total += dh
        times = self._times
        if times and t_us <= times[-1]:
            return
        times.append(t_us)
        self._disp.append(self.total)
        self._tilt.append(tilt)
        if len(times) > 64 and times[-1] - times[0] > 2 * self.keep_us:
            cut = bisect_left(times, times[-1] - self.keep_us)
            del times[:cut], self._disp[:cut], self._tilt[:cut]

    def at(self, t_us: int) -> tuple[float, float] | None:
        """(displacement, tilt) at time t (linear between records), None if not covered."""
        times = self._times
        if not times or t_us < times[0] - 1:
            return None
        if t_us >= times[-1]:
            return self._disp[-1], self._tilt[-1]
        i = bisect_left(times, t_us)
        if times[i] == t_us or i == 0:
            return self._disp[i], self._tilt[i]
        t0, t1 = times[i - 1], times[i]
        w = (t_us - t0) / (t1 - t0)
        d = self._disp[i - 1] + w * (self._disp[i] - self._disp[i - 1])
        return d, self._tilt[i] if w > 0.5 else self._tilt[i - 1]
