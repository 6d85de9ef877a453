"""The plant, its terrain, the sensor suite and the sensor faults, composed for one run.

``advance_to(t_us)`` integrates plant steps up to t_us, hands each step's truth to the
sensor suite, and returns the emissions due by then in delivery order. Commands hold
from the moment they are given (the session gives them at control ticks). Every random
draw comes from a generator keyed by a stable name under the run seed (the sensors' and
faults' own ``rng_for``), so one scenario and one seed give bit-identical runs.
"""

from __future__ import annotations

from typing import Any

from harness.faults.base import AppliedFault
from harness.faults.build import build_chains
from harness.plant.lander import Lander
from harness.plant.state import Touchdown, Truth
from harness.plant.terrain import Terrain
from harness.scenario import Scenario
from harness.sensors.base import Emission
from harness.sensors.suite import SensorSuite


class Simulator:
    """Plant + sensors + faults for one scenario and one seed."""

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        self.scenario = scenario
        self.seed = scenario.run.seed if seed is None else seed
        self.step_us = scenario.run.step_us
        self.terrain: Terrain = scenario.terrain.build()
        vehicle = scenario.vehicle
        self.lander = Lander(
            dry_mass_kg=vehicle.dry_mass_kg,
            propellant_kg=vehicle.propellant_kg,
            engine=vehicle.engine,
            attitude=vehicle.attitude,
            initial=scenario.initial.state(vehicle),
            terrain=self.terrain,
            gravity=scenario.plant.build_gravity(),
            step_us=self.step_us,
        )
        self._applied: list[AppliedFault] = []
        scenario.sensors.check_step(self.step_us)
        chains = build_chains(
            scenario.faults, scenario.sensors, self.seed, self.step_us, self._applied
        )
        self.suite = SensorSuite(
            scenario.sensors, self.seed, self.step_us, self.terrain, chains, self._applied
        )
        self.suite.on_step(self.lander.truth)  # sensors sample at t = 0 too

    # -- the session's view (harness.session.SimulatorLike) ---------------------------------
    @property
    def t_us(self) -> int:
        return self.lander.t_us

    @property
    def truth(self) -> Truth:
        return self.lander.truth

    @property
    def touchdown(self) -> Touchdown | None:
        return self.lander.touchdown

    @property
    def propellant_out_us(self) -> int | None:
        return self.lander.propellant_out_us

    @property
    def faults_applied(self) -> list[AppliedFault]:
        """Every action every fault took, in the order taken (the campaign's audit trail)."""
        return self.suite.applied

    def fault_summary(self) -> list[dict[str, Any]]:
        return self.suite.fault_summary()

    def command(self, engine_on: bool, throttle: float, pitch_rad: float) -> None:
        self.lander.command(engine_on, throttle, pitch_rad)

    def advance_to(self, t_us: int) -> list[Emission]:
        """Step the plant while its next step ends at or before t_us; emissions due by t_us.

        t_us need not be a multiple of the step: the plant stops at the last step boundary
        not after it (sensors sample only on step boundaries anyway).
        """
        lander = self.lander
        n = t_us // self.step_us - lander.k
        if n > 0:  # the sensors see each step's truth; nothing they do acts on the plant
            step = lander.step
            self.suite.on_steps([step() for _ in range(n)])
        return self.suite.pop_due(t_us)

    def step(self) -> tuple[Truth, list[Emission]]:
        """One plant step: its truth and the emissions due by its end (telemetry per step)."""
        truth = self.lander.step()
        self.suite.on_step(truth)
        return truth, self.suite.pop_due(truth.t_us)
