"""The planar 3-DOF lander: x downrange, z up, tilt theta, with mass (ICD §5 axes).

Equations of motion (T thrust along body +X, theta from the vertical, + toward +x):

    x' = v_x                     v_x' = T sin(theta) / m + g_x
    z' = v_z                     v_z' = T cos(theta) / m + g_z
    m' = -T / (Isp g0)           s'   = T / m      (specific force along body +X)

integrated by classic fixed-step RK4 on an integer step counter (t_us = k * step_us;
time is never accumulated as a float). Over a step the commands are held, so the
engine's thrust T(t) and the actuator's tilt theta(t) = theta_0 + w_0 t + alpha t^2/2 are
closed-form (actuators.py) and sampled at the RK4 nodes. Two events split a step:
propellant exhaustion (T = 0 from then on) and touchdown (the footpad plane z meets
the terrain h(x)); each is located by bisection on the step's RK4 sub-integration.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from harness.plant.actuators import AttitudeSpec, EngineSpec, ThrustProfile, tilt_accel
from harness.plant.gravity import G0_MPS2, FlatGravity, Gravity
from harness.plant.state import Touchdown, Truth
from harness.plant.terrain import Terrain

_new_truth = tuple.__new__

DEFAULT_STEP_US = 10_000
#: bisection of an event inside a step stops at this sub-step resolution
_EVENT_TOL_S = 1e-10
#: a thrust this close to its command has converged (lets the engine take its fast path)
_THRUST_SNAP_N = 1e-9
#: a tilt (rad) and tilt rate (rad/s) this close to the command and to 0 have settled
_TILT_SNAP = 1e-12

# integrator state: (x, z, vx, vz, m, s) with s the body-X specific-force dv
_State = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class InitialState:
    x_m: float
    alt_m: float  # footpad plane above the terrain under the vehicle
    vx_mps: float
    vz_mps: float
    tilt_rad: float
    thrust_n: float = 0.0  # engine already burning at this thrust (e.g. after braking)


class Lander:
    """The plant's truth and its integrator. ``command`` holds until the next call."""

    def __init__(
        self,
        *,
        dry_mass_kg: float,
        propellant_kg: float,
        engine: EngineSpec,
        attitude: AttitudeSpec,
        initial: InitialState,
        terrain: Terrain | None = None,
        gravity: Gravity | None = None,
        step_us: int = DEFAULT_STEP_US,
    ) -> None:
        if step_us <= 0:
            raise ValueError(f"step_us must be > 0, got {step_us}")
        self.dry_mass_kg = dry_mass_kg
        self.engine = engine
        self.attitude = attitude
        self.terrain = terrain if terrain is not None else Terrain.flat()
        self.gravity: Gravity = gravity if gravity is not None else FlatGravity()
        self.step_us = step_us
        self.dt_s = step_us * 1e-6
        self.k = 0
        tau = engine.engine_lag_s
        #: exp(-dt/(2 tau)), exp(-dt/tau): a pure lag's decay to the RK4 nodes (no slew limit)
        self._lag_decay: tuple[float, float] | None = (
            (math.exp(-0.5 * self.dt_s / tau), math.exp(-self.dt_s / tau))
            if tau > 0.0 and engine.thrust_slew_n_per_s == 0.0
            else None
        )
        self._flow_kg_per_ns = 1.0 / (engine.isp_s * G0_MPS2)  # m' = -T * this
        z0 = self.terrain.height(initial.x_m) + initial.alt_m
        m0 = dry_mass_kg + propellant_kg
        self._y: _State = (initial.x_m, z0, initial.vx_mps, initial.vz_mps, m0, 0.0)
        self._sf_z = 0.0
        self._tilt = initial.tilt_rad
        self._rate = 0.0
        self._trig_at, self._sin, self._cos = math.nan, 0.0, 1.0  # sin/cos cache of a tilt
        self._g = self.gravity.accel(0.0, 0.0)  # the field, when it is uniform
        self._uniform = bool(self.gravity.uniform)
        #: the grid of a ``Terrain`` (x0, 1/dx, heights, n), so the fast step can inline h(x)
        self._grid = self.terrain.grid() if type(self.terrain) is Terrain else None
        self._h = self.terrain.height(initial.x_m)  # terrain height under the vehicle
        self._thrust = min(max(initial.thrust_n, 0.0), engine.max_thrust_n)
        self._engine_on = self._thrust > 0.0
        self._throttle = self._thrust / engine.max_thrust_n
        self._tilt_cmd = initial.tilt_rad
        self._thrust_cmd = self._thrust
        self.touchdown: Touchdown | None = None
        self.propellant_out_us: int | None = None
        self.truth = self._make_truth()

    # -- commands -----------------------------------------------------------------------
    def command(self, engine_on: bool, throttle: float, pitch_rad: float) -> None:
        """Hold (engine on/off, throttle in [0, 1], commanded tilt) from the next step on.

        Engine on: T_c = max(throttle, min_throttle) * T_max; off: T_c = 0.
        """
        if not (math.isfinite(throttle) and math.isfinite(pitch_rad)):
            raise ValueError(f"non-finite command: throttle={throttle}, pitch={pitch_rad}")
        thr = min(max(float(throttle), 0.0), 1.0)
        self._engine_on = bool(engine_on)
        self._throttle = float(thr) if engine_on else 0.0
        eff = max(thr, self.engine.min_throttle) if engine_on else 0.0
        self._thrust_cmd = eff * self.engine.max_thrust_n
        self._tilt_cmd = pitch_rad

    # -- time -----------------------------------------------------------------------------
    @property
    def t_us(self) -> int:
        return self.k * self.step_us

    @property
    def landed(self) -> bool:
        return self.touchdown is not None

    @property
    def propellant_kg(self) -> float:
        return self._y[4] - self.dry_mass_kg

    def step(self) -> Truth:
        """Integrate one plant step; returns (and keeps) the truth at its end.

        The common step is inlined here (this runs ~10^4 times a descent): a pure-lag
        engine (no slew limit) still converging on its command, the tilt at its command
        with zero rate, uniform gravity and no event (propellant exhaustion, touchdown)
        inside the step -- ``_fly``'s lag branch with alpha = w0 = 0. It does exactly the
        arithmetic of ``_fly`` + ``_rk4`` (thrust at the nodes t_a, t_m, t_b; one sin/cos)
        in the same order, so the result is bit-identical. Any other step, or one with an
        event, goes through ``_slow`` (``_cruise`` / ``_fly``) with the state untouched.
        """
        dt = self.dt_s
        if self.touchdown is not None:
            return self._slow(dt)
        lag = self._lag_decay
        th0 = self._tilt
        if lag is None or self._rate != 0.0 or th0 != self._tilt_cmd or not self._uniform:
            return self._slow(dt)
        out_of_propellant = self.propellant_out_us is not None
        target = 0.0 if out_of_propellant else self._thrust_cmd
        t_a = self._thrust
        if t_a == target:
            return self._slow(dt)  # steady thrust: ``_cruise``'s kind of step
        gap = t_a - target
        t_m = target + gap * lag[0]
        t_b = target + gap * lag[1]
        if th0 != self._trig_at:
            self._trig_at, self._sin, self._cos = th0, math.sin(th0), math.cos(th0)
        sn = self._sin
        cs = self._cos
        # _rk4(y0, dt, t_a, t_m, t_b, sn, cs, sn, cs, sn, cs) with a uniform field
        q = self._flow_kg_per_ns
        x, z, vx, vz, m, s = self._y
        gx, gz = self._g
        h2 = 0.5 * dt
        a1 = t_a / m
        k1vx, k1vz, k1m = a1 * sn + gx, a1 * cs + gz, -t_a * q
        m2 = m + h2 * k1m
        vx2, vz2 = vx + h2 * k1vx, vz + h2 * k1vz
        a2 = t_m / m2
        k2vx, k2vz, k2m = a2 * sn + gx, a2 * cs + gz, -t_m * q
        m3 = m + h2 * k2m
        vx3, vz3 = vx + h2 * k2vx, vz + h2 * k2vz
        a3 = t_m / m3
        k3vx, k3vz = a3 * sn + gx, a3 * cs + gz
        m4 = m - dt * t_m * q
        vx4, vz4 = vx + dt * k3vx, vz + dt * k3vz
        a4 = t_b / m4
        h6 = dt / 6.0
        x1 = x + h6 * (vx + 2.0 * vx2 + 2.0 * vx3 + vx4)
        z1 = z + h6 * (vz + 2.0 * vz2 + 2.0 * vz3 + vz4)
        m1 = m - h6 * q * (t_a + 4.0 * t_m + t_b)
        grid = self._grid
        if grid is None:
            h1 = self.terrain.height(x1)
        else:  # Terrain.height inlined (same arithmetic)
            x0, inv_dx, hs, n = grid
            u = (x1 - x0) * inv_dx
            if u <= 0.0:
                h1 = hs[0]
            else:
                i = int(u)
                if i >= n - 1:
                    h1 = hs[-1]
                else:
                    h1 = hs[i]
                    h1 = h1 + (hs[i + 1] - h1) * (u - i)
        if not (z1 - h1 > 0.0 and (m1 >= self.dry_mass_kg or out_of_propellant)):
            return self._slow(dt)  # an event inside the step: ``_fly`` bisects it
        self._y = (
            x1,
            z1,
            vx + h6 * (k1vx + 2.0 * k2vx + 2.0 * k3vx + (a4 * sn + gx)),
            vz + h6 * (k1vz + 2.0 * k2vz + 2.0 * k3vz + (a4 * cs + gz)),
            m1,
            s + h6 * (a1 + 2.0 * a2 + 2.0 * a3 + a4),
        )
        self._h = h1
        # _settle(th0, 0.0): settled, so the tilt takes the command's value (and sign)
        self._tilt = self._tilt_cmd
        self._rate = 0.0
        self._thrust = target if abs(t_b - target) < _THRUST_SNAP_N else t_b
        return self._advance()

    def _slow(self, dt: float) -> Truth:
        """Every step but the inlined one: at rest, steady thrust, manoeuvres, events."""
        if self.touchdown is not None:
            self._rest(dt)
        elif not self._cruise(dt):
            self._fly(dt)
        return self._advance()

    def _advance(self) -> Truth:
        """Count the step and publish its truth."""
        self.k += 1
        truth = self.truth = self._make_truth()
        return truth

    def _cruise(self, dt: float) -> bool:
        """The common step, fast: steady thrust, attitude held, uniform gravity, no event.

        The same RK4 as ``_rk4`` with T and theta constant over the step. Returns False
        (nothing changed) when the step is not of that kind; ``_fly`` then takes it.
        """
        thrust = self._thrust
        if (
            self._rate != 0.0
            or self._tilt != self._trig_at
            or self._tilt != self._tilt_cmd
            or thrust != (0.0 if self.propellant_out_us is not None else self._thrust_cmd)
            or not self.gravity.uniform
        ):
            return False
        x, z, vx, vz, m, s = self._y
        gx, gz = self._g
        sn, cs = self._sin, self._cos
        h2 = 0.5 * dt
        mdot = thrust * self._flow_kg_per_ns
        a1 = thrust / m
        a2 = thrust / (m - h2 * mdot)  # = a3: k2 and k3 see the same mass
        a4 = thrust / (m - dt * mdot)
        k1vx, k1vz = a1 * sn + gx, a1 * cs + gz
        k2vx, k2vz = a2 * sn + gx, a2 * cs + gz
        vx2, vz2 = vx + h2 * k1vx, vz + h2 * k1vz
        vx3, vz3 = vx + h2 * k2vx, vz + h2 * k2vz
        vx4, vz4 = vx + dt * k2vx, vz + dt * k2vz
        h6 = dt / 6.0
        m1 = m - dt * mdot
        if m1 < self.dry_mass_kg:
            return False
        x1 = x + h6 * (vx + 2.0 * vx2 + 2.0 * vx3 + vx4)
        z1 = z + h6 * (vz + 2.0 * vz2 + 2.0 * vz3 + vz4)
        h1 = self.terrain.height(x1)
        if z1 <= h1:
            return False
        self._h = h1
        self._y = (
            x1,
            z1,
            vx + h6 * (k1vx + 4.0 * k2vx + a4 * sn + gx),
            vz + h6 * (k1vz + 4.0 * k2vz + a4 * cs + gz),
            m1,
            s + h6 * (a1 + 4.0 * a2 + a4),
        )
        return True

    # -- flight ----------------------------------------------------------------------------
    def _fly(self, dt: float) -> None:
        out_of_propellant = self.propellant_out_us is not None
        target = 0.0 if out_of_propellant else self._thrust_cmd
        th0, w0 = self._tilt, self._rate
        if w0 == 0.0 and th0 == self._tilt_cmd:
            alpha = 0.0  # holding attitude: the common case, and cheap
        else:
            alpha = tilt_accel(self.attitude, th0, w0, self._tilt_cmd, dt)
        y0 = self._y

        # the common step: thrust and tilt sampled at the three RK4 nodes 0, dt/2, dt
        eng = self.engine
        t0 = self._thrust
        lag = self._lag_decay
        if t0 == target:
            t_a = t_m = t_b = target
        elif lag is not None:  # pure lag: T = T_c + (T_0 - T_c) exp(-t/tau), no object needed
            t_a, t_m, t_b = t0, target + (t0 - target) * lag[0], target + (t0 - target) * lag[1]
        else:
            p = ThrustProfile(t0, target, eng.engine_lag_s, eng.thrust_slew_n_per_s)
            t_a, t_m, t_b = p.at(0.0), p.at(0.5 * dt), p.at(dt)
        if alpha == 0.0 and w0 == 0.0:
            if th0 != self._trig_at:
                self._trig_at, self._sin, self._cos = th0, math.sin(th0), math.cos(th0)
            sa = sm = sb = self._sin
            ca = cm = cb = self._cos
            th1 = th0
        else:
            thm = th0 + (w0 + 0.25 * alpha * dt) * 0.5 * dt
            th1 = th0 + (w0 + 0.5 * alpha * dt) * dt
            sa, ca = (self._sin, self._cos) if th0 == self._trig_at else trig(th0)
            sm, cm = trig(thm)
            sb, cb = trig(th1)
            self._trig_at, self._sin, self._cos = th1, sb, cb
        y1 = self._rk4(y0, dt, t_a, t_m, t_b, sa, ca, sm, cm, sb, cb)

        dry = self.dry_mass_kg
        terrain = self.terrain
        h1 = terrain.height(y1[0])
        if y1[1] - h1 > 0.0 and (y1[4] >= dry or out_of_propellant):
            self._y = y1  # no event inside the step: the common case
            self._h = h1
            self._settle(th1, w0 + alpha * dt)
            self._thrust = target if abs(t_b - target) < _THRUST_SNAP_N else t_b
            return
        prof = ThrustProfile(t0, target, eng.engine_lag_s, eng.thrust_slew_n_per_s)
        if y1[4] < self.dry_mass_kg and not out_of_propellant:
            # propellant runs out inside this step: find when, then coast the rest
            def propellant_left(t: float) -> float:
                return self._span(y0, 0.0, t, prof, th0, w0, alpha)[4] - self.dry_mass_kg

            t_out = _bisect(propellant_left, dt)
            prof.t_cut = t_out
            self.propellant_out_us = self.t_us + round(t_out * 1e6)
            y1 = self._through(y0, dt, prof, th0, w0, alpha)

        terrain = self.terrain
        h1 = terrain.height(y1[0])
        if y1[1] - h1 <= 0.0:

            def height_above_terrain(t: float) -> float:
                y = self._through(y0, t, prof, th0, w0, alpha)
                return y[1] - terrain.height(y[0])

            t_td = _bisect(height_above_terrain, dt)
            self._land(self._through(y0, t_td, prof, th0, w0, alpha), t_td, th0, w0, alpha)
            self._rest(dt - t_td)
            return

        # propellant ran out inside the step (and no touchdown): coast to its end
        self._y = y1
        self._h = h1
        self._settle(th1, w0 + alpha * dt)
        self._thrust = 0.0

    def _settle(self, tilt: float, rate: float) -> None:
        if abs(rate) < _TILT_SNAP and abs(self._tilt_cmd - tilt) < _TILT_SNAP:
            tilt, rate = self._tilt_cmd, 0.0  # settled (the tracker's tail is asymptotic)
        self._tilt = tilt
        self._rate = rate

    def _through(
        self, y0: _State, t: float, prof: ThrustProfile, th0: float, w0: float, alpha: float
    ) -> _State:
        """RK4 from the step's start to t, split at the propellant cut-off if it lies inside."""
        if prof.t_cut < t:
            y = self._span(y0, 0.0, prof.t_cut, prof, th0, w0, alpha)
            return self._span(y, prof.t_cut, t, prof, th0, w0, alpha)
        return self._span(y0, 0.0, t, prof, th0, w0, alpha)

    def _span(
        self,
        y: _State,
        ta: float,
        tb: float,
        prof: ThrustProfile,
        th0: float,
        w0: float,
        alpha: float,
    ) -> _State:
        """One RK4 step over [ta, tb] (times since the step's start), sampling the actuators.

        theta(t) = theta_0 + w_0 t + alpha t^2 / 2 (alpha held over the step).
        """
        if tb <= ta:
            return y
        tm = 0.5 * (ta + tb)
        if prof.t_cut <= ta:  # after the cut-off: no thrust at any node
            t_a = t_m = t_b = 0.0
        else:
            t_a, t_m, t_b = prof.at(ta), prof.at(tm), prof.at(tb)
        sa, ca = trig(th0 + (w0 + 0.5 * alpha * ta) * ta)
        sm, cm = trig(th0 + (w0 + 0.5 * alpha * tm) * tm)
        sb, cb = trig(th0 + (w0 + 0.5 * alpha * tb) * tb)
        return self._rk4(y, tb - ta, t_a, t_m, t_b, sa, ca, sm, cm, sb, cb)

    def _rk4(
        self,
        y: _State,
        h: float,
        t_a: float,
        t_m: float,
        t_b: float,
        sa: float,
        ca: float,
        sm: float,
        cm: float,
        sb: float,
        cb: float,
    ) -> _State:
        """One classic RK4 step of length h, given thrust and (sin, cos) of the tilt at the
        step's start (a), middle (m) and end (b).

        k1 = f(t_a, y), k2 = f(t_m, y + h/2 k1), k3 = f(t_m, y + h/2 k2),
        k4 = f(t_b, y + h k3), y' = y + h/6 (k1 + 2 k2 + 2 k3 + k4).
        """
        q = self._flow_kg_per_ns
        x, z, vx, vz, m, s = y
        grav = self.gravity
        uniform = grav.uniform
        gx, gz = self._g if uniform else grav.accel(x, z)
        h2 = 0.5 * h

        a1 = t_a / m
        k1vx, k1vz, k1m = a1 * sa + gx, a1 * ca + gz, -t_a * q

        m2 = m + h2 * k1m
        vx2, vz2 = vx + h2 * k1vx, vz + h2 * k1vz
        if not uniform:
            gx, gz = grav.accel(x + h2 * vx, z + h2 * vz)
        a2 = t_m / m2
        k2vx, k2vz, k2m = a2 * sm + gx, a2 * cm + gz, -t_m * q

        m3 = m + h2 * k2m
        vx3, vz3 = vx + h2 * k2vx, vz + h2 * k2vz
        if not uniform:
            gx, gz = grav.accel(x + h2 * vx2, z + h2 * vz2)
        a3 = t_m / m3
        k3vx, k3vz = a3 * sm + gx, a3 * cm + gz

        m4 = m - h * t_m * q
        vx4, vz4 = vx + h * k3vx, vz + h * k3vz
        if not uniform:
            gx, gz = grav.accel(x + h * vx3, z + h * vz3)
        a4 = t_b / m4
        k4vx, k4vz = a4 * sb + gx, a4 * cb + gz

        h6 = h / 6.0
        return (
            x + h6 * (vx + 2.0 * vx2 + 2.0 * vx3 + vx4),
            z + h6 * (vz + 2.0 * vz2 + 2.0 * vz3 + vz4),
            vx + h6 * (k1vx + 2.0 * k2vx + 2.0 * k3vx + k4vx),
            vz + h6 * (k1vz + 2.0 * k2vz + 2.0 * k3vz + k4vz),
            m - h6 * q * (t_a + 4.0 * t_m + t_b),
            s + h6 * (a1 + 2.0 * a2 + 2.0 * a3 + a4),
        )

    # -- touchdown and rest ----------------------------------------------------------------
    def _land(
        self,
        y: _State,
        t_td: float,
        th0: float,
        w0: float,
        alpha: float,
    ) -> None:
        tilt = th0 + (w0 + 0.5 * alpha * t_td) * t_td
        rate = w0 + alpha * t_td
        x, _z, vx, vz, m, s = y
        self.touchdown = Touchdown(
            t_s=(self.t_us + t_td * 1e6) * 1e-6,
            vz_mps=vz,
            vx_mps=vx,
            tilt_deg=math.degrees(tilt),
            tilt_rate_dps=math.degrees(rate),
            propellant_kg=max(0.0, m - self.dry_mass_kg),
        )
        self._h = self.terrain.height(x)
        self._y = (x, self._h, 0.0, 0.0, m, s)
        self._tilt = tilt
        self._rate = 0.0
        self._thrust = 0.0  # engine cut-off at contact

    def _rest(self, dt: float) -> None:
        """On the ground: nothing moves; the IMU feels the ground's reaction -g.

        Specific force (0, |g|) in the world is |g| (cos theta, sin theta) in body (X, Z).
        """
        x, z, vx, vz, m, s = self._y
        gx, gz = self.gravity.accel(x, z)
        g = math.hypot(gx, gz)
        self._y = (x, z, vx, vz, m, s + g * math.cos(self._tilt) * dt)
        self._sf_z += g * math.sin(self._tilt) * dt

    def _make_truth(self) -> Truth:
        x, z, vx, vz, m, s = self._y
        # Truth's fields in order, without NamedTuple.__new__'s extra frame (every step)
        return _new_truth(
            Truth,
            (
                self.k * self.step_us,
                x,
                z,
                z - self._h,
                vx,
                vz,
                self._tilt,
                self._rate,
                m,
                self._thrust,
                self._throttle,
                self._engine_on,
                s,
                self._sf_z,
                self.touchdown is not None,
            ),
        )


def _bisect(f: Callable[[float], float], dt: float) -> float:
    """The event time in (0, dt] where f(0) > 0 >= f(dt), to ``_EVENT_TOL_S``."""
    lo, hi = 0.0, dt
    while hi - lo > _EVENT_TOL_S:
        mid = 0.5 * (lo + hi)
        if f(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return hi


def trig(angle: float) -> tuple[float, float]:
    return math.sin(angle), math.cos(angle)
