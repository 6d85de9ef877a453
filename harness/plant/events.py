"""Events inside a plant step: propellant cut-off and touchdown, located by bisection.

An event is a sign change of a function of the time t in (0, dt] since the step began,
f(0) > 0 >= f(dt), evaluated by integrating from the step's start to t
(``Integrator.through``, which honours a cut-off already found). Bisection halves the
bracket to ``EVENT_TOL_S``: 10 ms / 2^27, ~27 sub-integrations per event, two events a run.

* propellant cut-off: f(t) = m(t) - m_dry; from then on T = 0 (``ThrustProfile.t_cut``);
* touchdown: f(t) = z(t) - h(x(t)), the footpad plane against the terrain under it.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.plant.actuators import ThrustProfile
from harness.plant.integrator import Integrator, State, TiltMotion
from harness.plant.terrain import Terrain

#: bisection of an event inside a step stops at this sub-step resolution
EVENT_TOL_S = 1e-10


def bisect(f: Callable[[float], float], dt: float) -> float:
    """The event time in (0, dt] where f(0) > 0 >= f(dt), to ``EVENT_TOL_S``."""
    lo, hi = 0.0, dt
    while hi - lo > EVENT_TOL_S:
        mid = 0.5 * (lo + hi)
        if f(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return hi


def cutoff_time(
    integ: Integrator, y0: State, dt: float, prof: ThrustProfile, tilt: TiltMotion, dry_kg: float
) -> float:
    """When the mass reaches the dry mass inside the step (propellant exhausted)."""

    def propellant_left(t: float) -> float:
        return integ.span(y0, 0.0, t, prof, tilt)[4] - dry_kg

    return bisect(propellant_left, dt)


def touchdown_time(
    integ: Integrator,
    y0: State,
    dt: float,
    prof: ThrustProfile,
    tilt: TiltMotion,
    terrain: Terrain,
) -> float:
    """When the footpad plane meets the terrain inside the step."""
    height = terrain.height

    def height_above_terrain(t: float) -> float:
        y = integ.through(y0, t, prof, tilt)
        return y[1] - height(y[0])

    return bisect(height_above_terrain, dt)
