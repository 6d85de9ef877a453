"""The planar 3-DOF lander: its state, its commands and one plant step (ICD §5 axes).

x downrange, z up, tilt theta of the thrust axis from the local vertical (+ toward +x),
mass m; the equations of motion and the RK4 live in ``integrator.py``, event location
(propellant cut-off, touchdown) in ``events.py``, the actuators' closed forms in
``actuators.py``, the field (flat or central) in ``gravity.py``. Time is an integer
step counter (t_us = k * step_us; never an accumulated float). Over a step the commands
are held; a step with an event is split at it (bisection), and after touchdown the
lander rests: nothing moves, the IMU feels the ground's reaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from harness.plant.actuators import AttitudeSpec, EngineSpec, ThrustProfile, tilt_accel
from harness.plant.events import cutoff_time, touchdown_time
from harness.plant.gravity import G0_MPS2, FlatGravity, Gravity
from harness.plant.integrator import Integrator, State, TiltMotion, trig
from harness.plant.state import Touchdown, Truth
from harness.plant.terrain import Terrain

_new_truth = tuple.__new__

DEFAULT_STEP_US = 10_000
#: a thrust this close to its command has converged (snaps to it)
_THRUST_SNAP_N = 1e-9
#: a tilt (rad) and tilt rate (rad/s) this close to the command and to 0 have settled
_TILT_SNAP = 1e-12


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
        self._y: State = (initial.x_m, z0, initial.vx_mps, initial.vz_mps, m0, 0.0)
        self._sf_z = 0.0
        self._tilt = initial.tilt_rad
        self._rate = 0.0
        self._trig_at, self._sin, self._cos = math.nan, 0.0, 1.0  # sin/cos cache of a tilt
        self._integ = Integrator(self._flow_kg_per_ns, self.gravity)
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
        """Integrate one plant step; returns (and keeps) the truth at its end."""
        if self.touchdown is not None:
            self._rest(self.dt_s)
        else:
            self._fly(self.dt_s)
        self.k += 1
        truth = self.truth = self._make_truth()
        return truth

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

        # thrust and tilt sampled at the three RK4 nodes 0, dt/2, dt
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
        integ = self._integ
        y1 = integ.rk4(y0, dt, t_a, t_m, t_b, sa, ca, sm, cm, sb, cb)

        terrain = self.terrain
        h1 = terrain.height(y1[0])
        if y1[1] - h1 > 0.0 and (y1[4] >= self.dry_mass_kg or out_of_propellant):
            self._y = y1  # no event inside the step: the common case
            self._h = h1
            self._settle(th1, w0 + alpha * dt)
            self._thrust = target if abs(t_b - target) < _THRUST_SNAP_N else t_b
            return
        prof = ThrustProfile(t0, target, eng.engine_lag_s, eng.thrust_slew_n_per_s)
        tilt = (th0, w0, alpha)
        if y1[4] < self.dry_mass_kg and not out_of_propellant:
            # propellant runs out inside this step: find when, then coast the rest
            t_out = cutoff_time(integ, y0, dt, prof, tilt, self.dry_mass_kg)
            prof.t_cut = t_out
            self.propellant_out_us = self.t_us + round(t_out * 1e6)
            y1 = integ.through(y0, dt, prof, tilt)

        h1 = terrain.height(y1[0])
        if y1[1] - h1 <= 0.0:
            t_td = touchdown_time(integ, y0, dt, prof, tilt, terrain)
            self._land(integ.through(y0, t_td, prof, tilt), t_td, tilt)
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

    # -- touchdown and rest ----------------------------------------------------------------
    def _land(self, y: State, t_td: float, motion: TiltMotion) -> None:
        th0, w0, alpha = motion
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
            slope_deg=self.terrain.slope_deg(x),
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
        g = self.gravity.weight(z)
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
