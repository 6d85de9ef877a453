"""Scenario files: TOML validated into frozen objects; every error names file, key, expected, found.

Over ~300 lines because it is the one reader of every scenario section but the sensor,
fault and FSW ones (which have their own); each section is a short typed reader below.

Sections (units in the key names; ``extends = "base.toml"`` merges a parent file first,
``--set section.key=value`` overrides after):

``[run]``      ``name`` (default: the file's stem), ``step_us = 10000``,
               ``control_period_us = 50000`` (a multiple of the step),
               ``max_sim_time_s = 400``, ``seed = 1``
``[plant]``    ``gravity = "flat"`` (default; uniform g, for terminal descents below ~3 km
               and ~300 m/s) with ``g_mps2 = 1.62``; or ``"central"`` (planar polar
               mu/r^2, r = R + altitude, downrange as arc length; from orbit) with
               ``mu_m3ps2 = 4.9028e12``, ``radius_m = 1737400`` (harness.plant.gravity;
               each model ignores the other's constants)
``[vehicle]``  (all required) ``dry_mass_kg``, ``propellant_kg``, ``max_thrust_n``,
               ``min_throttle``, ``isp_s``, ``engine_lag_s``, ``thrust_slew_n_per_s``
               (0 = unlimited), ``max_tilt_rate_dps``, ``max_tilt_accel_dps2``
``[initial]``  (required) ``alt_m`` (footpad plane above the terrain under the vehicle),
               ``x_m``, ``vx_mps``, ``vz_mps`` (+up), ``tilt_deg``; optional
               ``throttle = 0`` (the engine already burning at this throttle)
``[terrain]``  ``datum_m = 0``, ``x_min_m`` / ``x_max_m`` (default initial x - 5 km /
               + 25 km), ``grid_m = 1``, ``seed = 0`` (roughness; independent of the run
               seed, so a scenario's ground is the same in every run);
               ``[[terrain.craters]]`` ``x_m``, ``diameter_m`` (simple: < 15 km);
               ``[[terrain.cliffs]]`` ``x_m``, ``height_m`` (negative: a drop), ``width_m``;
               ``[terrain.roughness]`` ``amplitude_m = 0``, ``wavelength_m = 200``,
               ``octaves = 5``, ``persistence = 0.5``
``[sensors]``, ``[[faults]]``  read by harness.sensors.config / harness.faults.config
``[[link_faults]]``  read by harness.faults.link_config
``[fsw]``, ``[link]``  kept raw (``Scenario.raw``) for the session's own readers
"""

from __future__ import annotations

import functools
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.config.table import ConfigTable, apply_overrides, blame_override, load_toml
from harness.errors import ConfigError
from harness.faults.config import FaultSpec, faults_from_config
from harness.faults.link_config import LinkFaultSpec, link_faults_from_config
from harness.pacing import DEFAULT_SPIN_S
from harness.plant.actuators import AttitudeSpec, EngineSpec
from harness.plant.gravity import (
    MOON_G_MPS2,
    MOON_MU_M3PS2,
    MOON_RADIUS_M,
    CentralGravity,
    FlatGravity,
    Gravity,
)
from harness.plant.lander import DEFAULT_STEP_US, InitialState
from harness.plant.terrain import Cliff, Crater, Roughness, Terrain
from harness.sensors.config import SensorsConfig, sensors_from_config

#: sections read by others (the session, the FSW launcher): kept raw, not validated here
RAW_SECTIONS = ("fsw", "link")
#: every top-level key a scenario may have (``extends`` and ``replace`` are consumed
#: while loading)
TOP_LEVEL_KEYS = (
    "run", "plant", "gravity", "vehicle", "initial", "terrain", "sensors", "faults",
    "link_faults", *RAW_SECTIONS,
)  # fmt: skip
#: Pike's simple-crater morphometry holds below this diameter
SIMPLE_CRATER_MAX_D_M = 15_000.0


@dataclass(frozen=True)
class RunSettings:
    name: str
    step_us: int = DEFAULT_STEP_US
    control_period_us: int = 50_000
    max_sim_time_s: float = 400.0
    seed: int = 1
    #: "lockstep" (the harness owns time) or "realtime" (paced by the wall clock, ICD §4)
    mode: str = "lockstep"
    #: real time: sim seconds per wall second (for an FSW that follows SYNC)
    speed: float = 1.0
    #: real time: SCHED_FIFO priority for the harness (0: not asked)
    rt_priority: int = 0
    #: real time: how long before each step's deadline the loop stops waiting on the
    #: FSW and spins on the clock, ms -- more on a host that wakes a sleeper late (a VM)
    spin_ms: float = DEFAULT_SPIN_S * 1e3


#: ``[plant] gravity`` choices
GRAVITY_MODELS = ("flat", "central")


@dataclass(frozen=True)
class PlantSettings:
    gravity: str = "flat"
    g_mps2: float = MOON_G_MPS2
    mu_m3ps2: float = MOON_MU_M3PS2
    radius_m: float = MOON_RADIUS_M

    @property
    def central(self) -> bool:
        return self.gravity == "central"

    def build_gravity(self) -> Gravity:
        if self.central:
            return CentralGravity(self.mu_m3ps2, self.radius_m)
        return FlatGravity(self.g_mps2)


@dataclass(frozen=True)
class Vehicle:
    dry_mass_kg: float
    propellant_kg: float
    max_thrust_n: float
    min_throttle: float
    isp_s: float
    engine_lag_s: float
    thrust_slew_n_per_s: float
    max_tilt_rate_dps: float
    max_tilt_accel_dps2: float

    @property
    def engine(self) -> EngineSpec:
        return EngineSpec(
            self.max_thrust_n,
            self.min_throttle,
            self.isp_s,
            self.engine_lag_s,
            self.thrust_slew_n_per_s,
        )

    @property
    def attitude(self) -> AttitudeSpec:
        return AttitudeSpec(
            math.radians(self.max_tilt_rate_dps), math.radians(self.max_tilt_accel_dps2)
        )


@dataclass(frozen=True)
class Initial:
    alt_m: float
    x_m: float
    vx_mps: float
    vz_mps: float
    tilt_deg: float
    throttle: float = 0.0

    def state(self, vehicle: Vehicle) -> InitialState:
        return InitialState(
            x_m=self.x_m,
            alt_m=self.alt_m,
            vx_mps=self.vx_mps,
            vz_mps=self.vz_mps,
            tilt_rad=math.radians(self.tilt_deg),
            thrust_n=self.throttle * vehicle.max_thrust_n,
        )


@dataclass(frozen=True)
class TerrainSettings:
    x_min_m: float
    x_max_m: float
    grid_m: float = 1.0
    datum_m: float = 0.0
    seed: int = 0
    craters: tuple[Crater, ...] = ()
    cliffs: tuple[Cliff, ...] = ()
    roughness: Roughness = field(default_factory=Roughness)

    def build(self) -> Terrain:
        """The terrain, built once per settings in a process (it is read-only, and its
        roughness seed is independent of the run seed, so runs may share it)."""
        return _build_terrain(self)

    def _build(self) -> Terrain:
        key = zlib.crc32(b"terrain:roughness")
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))
        return Terrain(
            x_min_m=self.x_min_m,
            x_max_m=self.x_max_m,
            grid_m=self.grid_m,
            datum_m=self.datum_m,
            craters=self.craters,
            cliffs=self.cliffs,
            roughness=self.roughness,
            rng=rng,
        )


@functools.lru_cache(maxsize=8)
def _build_terrain(settings: TerrainSettings) -> Terrain:
    return settings._build()


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    run: RunSettings
    plant: PlantSettings
    vehicle: Vehicle
    initial: Initial
    terrain: TerrainSettings
    sensors: SensorsConfig
    faults: list[FaultSpec]
    #: the whole merged document (``[fsw]`` and ``[link]`` are read from here by others)
    raw: dict[str, Any] = field(compare=False, repr=False)
    link_faults: tuple[LinkFaultSpec, ...] = ()


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read a scenario file (resolving ``extends``), apply ``--set`` overrides, validate."""
    path = Path(path)
    doc = apply_overrides(load_toml(path), list(overrides))
    try:
        return scenario_from_doc(doc, path)
    except ConfigError as exc:
        raise blame_override(exc, overrides) from None


def scenario_from_doc(doc: dict[str, Any], path: Path) -> Scenario:
    top = ConfigTable(doc, str(path))
    if "gravity" in doc:
        raise top.error(
            "gravity", '[plant] gravity = "flat" | "central" (the section moved)', "[gravity]"
        )
    top.only(TOP_LEVEL_KEYS)  # a typo'd section (``extend``, ``[vehicel]``) first
    run = _run(top.table("run"), default_name=path.stem)
    plant = _plant(top.table("plant"))
    vehicle = _vehicle(top.table("vehicle", required=True))
    initial = _initial(top.table("initial", required=True))
    terrain = _terrain(top.table("terrain"), initial)
    sensors = sensors_from_config(top.table("sensors"), step_us=run.step_us)
    faults = faults_from_config(top.tables("faults"))
    link_faults = link_faults_from_config(top.tables("link_faults"))
    for name in RAW_SECTIONS:
        top.table(name)  # must be a table if present; its keys are checked by its reader
    top.done()
    return Scenario(
        name=run.name,
        path=path,
        run=run,
        plant=plant,
        vehicle=vehicle,
        initial=initial,
        terrain=terrain,
        sensors=sensors,
        faults=faults,
        raw=doc,
        link_faults=link_faults,
    )


def _run(t: ConfigTable, default_name: str) -> RunSettings:
    name = t.string("name", default_name)
    if not name or any(c in name for c in "/\\ \t\n"):
        raise t.error("name", "a name without spaces or slashes (it names the run directory)", name)
    step_us = t.integer("step_us", DEFAULT_STEP_US, min=100, max=1_000_000)
    period = t.integer("control_period_us", 50_000, min=1, max=10_000_000)
    if period % step_us:
        raise t.error("control_period_us", f"a multiple of run.step_us ({step_us})", period)
    s = RunSettings(
        name=name,
        step_us=step_us,
        control_period_us=period,
        max_sim_time_s=t.number("max_sim_time_s", 400.0, min=0.0, min_exclusive=True),
        seed=t.integer("seed", 1, min=0),
        mode=t.string("mode", "lockstep", choices=("lockstep", "realtime")),
        speed=t.number("speed", 1.0, min=0.0, min_exclusive=True),
        rt_priority=t.integer("rt_priority", 0, min=0, max=99),
        spin_ms=t.number("spin_ms", DEFAULT_SPIN_S * 1e3, min=0.0, max=step_us / 1e3),
    )
    t.done()
    return s


def _plant(t: ConfigTable) -> PlantSettings:
    """Each model reads its own constants; the other's are allowed (a flat base.toml's
    ``g_mps2`` is inherited by a central scenario that extends it) and ignored."""
    s = PlantSettings(
        t.string("gravity", "flat", choices=GRAVITY_MODELS),
        g_mps2=t.number("g_mps2", MOON_G_MPS2, min=0.0),
        mu_m3ps2=t.number("mu_m3ps2", MOON_MU_M3PS2, min=0.0, min_exclusive=True),
        radius_m=t.number("radius_m", MOON_RADIUS_M, min=0.0, min_exclusive=True),
    )
    t.done()
    return s


def _vehicle(t: ConfigTable) -> Vehicle:
    pos: dict[str, Any] = {"min": 0.0, "min_exclusive": True}
    v = Vehicle(
        dry_mass_kg=t.number("dry_mass_kg", **pos),
        propellant_kg=t.number("propellant_kg", min=0.0),
        max_thrust_n=t.number("max_thrust_n", **pos),
        min_throttle=t.number("min_throttle", min=0.0, max=1.0),
        isp_s=t.number("isp_s", **pos),
        engine_lag_s=t.number("engine_lag_s", min=0.0),
        thrust_slew_n_per_s=t.number("thrust_slew_n_per_s", min=0.0),
        max_tilt_rate_dps=t.number("max_tilt_rate_dps", **pos),
        max_tilt_accel_dps2=t.number("max_tilt_accel_dps2", **pos),
    )
    t.done()
    return v


def _initial(t: ConfigTable) -> Initial:
    s = Initial(
        alt_m=t.number("alt_m", min=0.0, min_exclusive=True),
        x_m=t.number("x_m"),
        vx_mps=t.number("vx_mps"),
        vz_mps=t.number("vz_mps"),
        tilt_deg=t.number("tilt_deg", min=-90.0, max=90.0),
        throttle=t.number("throttle", 0.0, min=0.0, max=1.0),
    )
    t.done()
    return s


def _terrain(t: ConfigTable, initial: Initial) -> TerrainSettings:
    x_min = t.number("x_min_m", initial.x_m - 5_000.0)
    x_max = t.number("x_max_m", initial.x_m + 25_000.0)
    if x_max <= x_min:
        raise t.error("x_max_m", f"a number > terrain.x_min_m ({x_min:g})", x_max)
    grid = t.number("grid_m", 1.0, min=0.01)
    if (x_max - x_min) / grid > 5_000_000:
        raise t.error("grid_m", "at most 5 million grid points over [x_min_m, x_max_m]", grid)
    craters = []
    for c in t.tables("craters"):
        craters.append(
            Crater(
                x_m=c.number("x_m"),
                diameter_m=c.number(
                    "diameter_m", min=0.0, min_exclusive=True, max=SIMPLE_CRATER_MAX_D_M
                ),
            )
        )
        c.done()
    cliffs = []
    for c in t.tables("cliffs"):
        cliffs.append(
            Cliff(
                x_m=c.number("x_m"),
                height_m=c.number("height_m"),
                width_m=c.number("width_m", min=0.0, min_exclusive=True),
            )
        )
        c.done()
    r = t.table("roughness")
    roughness = Roughness(
        amplitude_m=r.number("amplitude_m", 0.0, min=0.0),
        wavelength_m=r.number("wavelength_m", 200.0, min=0.0, min_exclusive=True),
        octaves=r.integer("octaves", 5, min=1, max=16),
        persistence=r.number("persistence", 0.5, min=0.0, max=1.0),
    )
    r.done()
    s = TerrainSettings(
        x_min_m=x_min,
        x_max_m=x_max,
        grid_m=grid,
        datum_m=t.number("datum_m", 0.0),
        seed=t.integer("seed", 0, min=0),
        craters=tuple(craters),
        cliffs=tuple(cliffs),
        roughness=roughness,
    )
    t.done()
    return s
