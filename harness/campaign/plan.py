"""Campaign files: a base scenario, profiles, a master seed, sweeps, dispersions, a search.

Top-level keys (``hil_configs/campaigns/*.toml``)::

    scenario = "../hakuto_r_m2.toml"   # required; relative to the campaign file
    name = "m2_acquisition_sweep"      # default: the file's stem
    profiles = ["naive", "robust"]     # default: the scenario's fsw.profile
    fsw = "memory"                     # FSW kind (default: the scenario's); command, port
    seed = 2026                        # master seed (default 0)
    repeats = 2                        # samples per grid point, with [[sweep]]
    runs = 1000                        # samples per profile, without [[sweep]]
    set = ["run.max_sim_time_s=300"]   # fixed overrides, like `lunar-hil run --set`
    keep = "failures"                  # run directories kept: failures | all | none
    run_timeout_s = 150.0              # wall-clock limit a run (default 30 s + sim time / 5)
    [[sweep]]    key = "faults.0.valid_below_alt_m", values = [...] | from, to, step
    [[disperse]] key = "fsw.alt_error_m", dist = "normal", mean, std   (see draws.py)
    [search]     see harness.campaign.boundary (``lunar-hil campaign search``)

Sweeps cross into a grid (the first axis varies slowest). Run ``i`` is
``(profile, grid point, sample)`` with ``i = (profile * points + point) * samples +
sample``; its seed and draws come from ``SeedSequence(seed).spawn(...)[sample]`` -- by the
sample index, so every profile and grid point sees the same dice for sample k (common
random numbers: a difference between profiles is the FSW's). Every key is checked
against the scenario (its typo guard) before anything runs; errors name the campaign
file and the ``sweep[i]`` / ``disperse[i]`` entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.campaign.boundary import SearchSpec, search_from_config
from harness.campaign.draws import Dispersion, dispersion_from_config
from harness.config.study import StudyIdentity, open_study, overridden, read_study
from harness.config.table import ConfigTable, dotted_key, load_toml, set_key
from harness.errors import ConfigError
from harness.fswconfig import KINDS, PROFILES, fsw_settings
from harness.runner import RunSpec
from harness.scenario import Scenario, scenario_from_doc

KEEP = ("failures", "all", "none")
#: a sweep's from/to/step grid stops at this many points (a typo'd step, usually)
MAX_SWEEP_POINTS = 100_000


@dataclass(frozen=True)
class Sweep:
    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class RunPoint:
    """Where run ``run_id`` sits in the campaign and what it draws."""

    run_id: int
    profile: str
    point: int
    sample: int
    seed: int
    params: dict[str, Any]


@dataclass(frozen=True)
class Campaign(StudyIdentity):
    name: str
    path: Path
    text: str
    scenario_path: Path
    #: the base scenario document, resolved (extends) and with ``set`` applied
    base_doc: dict[str, Any] = field(repr=False)
    profiles: tuple[str, ...]
    fsw_kind: str | None
    command: str | None
    port: str | None
    seed: int
    samples: int
    sweeps: tuple[Sweep, ...]
    dispersions: tuple[Dispersion, ...]
    keep: str
    run_timeout_s: float
    search: SearchSpec | None = None
    overrides: tuple[str, ...] = ()

    @property
    def points(self) -> int:
        return math.prod(len(s.values) for s in self.sweeps)

    @property
    def run_count(self) -> int:
        return len(self.profiles) * self.points * self.samples

    def grid_values(self, point: int) -> tuple[Any, ...]:
        idx = []
        for s in reversed(self.sweeps):
            point, i = divmod(point, len(s.values))
            idx.append(i)
        return tuple(s.values[i] for s, i in zip(self.sweeps, reversed(idx), strict=True))

    def draws(self, sample: int) -> tuple[int, dict[str, Any]]:
        """The run seed and the dispersed values of sample ``sample``."""
        seed_ss, draw_ss = sample_seed_sequence(self.seed, sample).spawn(2)
        rng = np.random.default_rng(draw_ss)
        drawn = {d.key: d.draw(rng) for d in self.dispersions}
        return int(seed_ss.generate_state(1)[0]), drawn

    def point_of(self, run_id: int) -> RunPoint:
        if not 0 <= run_id < self.run_count:
            raise ConfigError(str(self.path), "run_id", f"0..{self.run_count - 1}", run_id)
        rest, sample = divmod(run_id, self.samples)
        profile, point = divmod(rest, self.points)
        seed, drawn = self.draws(sample)
        grid = dict(zip((s.key for s in self.sweeps), self.grid_values(point), strict=True))
        return RunPoint(run_id, self.profiles[profile], point, sample, seed, grid | drawn)

    def spec(self, p: RunPoint, **kw: Any) -> RunSpec:
        """The run spec of ``p`` (``kw``: artifacts, out, plot ... for ``RunSpec``)."""
        return RunSpec(
            scenario=self.scenario(p.params),
            seed=p.seed,
            profile=p.profile,
            fsw_kind=self.fsw_kind,
            command=self.command,
            port=self.port,
            overrides=self.overrides + tuple(f"{k}={v!r}" for k, v in p.params.items()),
            config=str(self.scenario_path),
            **kw,
        )

    def scenario(self, params: dict[str, Any]) -> Scenario:
        doc = self.base_doc
        for key, value in params.items():
            doc = set_key(doc, key.split("."), value, f"{self.path}: {self._entry(key)}")
        try:
            scenario = scenario_from_doc(doc, self.scenario_path)
            fsw_settings(ConfigTable(doc.get("fsw", {}), str(self.scenario_path), "fsw"))
        except ConfigError as exc:
            raise self._blame(exc, params) from None
        return scenario

    def _entry(self, key: str) -> str:
        for i, s in enumerate(self.sweeps):
            if s.key == key:
                return f"sweep[{i}]"
        for i, d in enumerate(self.dispersions):
            if d.key == key:
                return f"disperse[{i}]"
        return "search"

    def _blame(self, exc: ConfigError, params: dict[str, Any]) -> ConfigError:
        """A scenario error caused by a swept or dispersed key, blamed on its entry."""
        key = dotted_key(exc.key)
        hit = [k for k in params if k == key or k.startswith(key + ".")]
        if not hit:
            return exc
        entry = self._entry(hit[0])
        if exc.expected.startswith("a known key"):  # the scenario's typo guard
            return ConfigError(str(self.path), f"{entry}.key", "a key the scenario has", hit[0])
        return ConfigError(
            str(self.path), f"{entry} ({key})", f"{exc.expected} (the scenario's rule)", exc.found
        )

    def validate(self) -> None:
        """Build the spec of every grid point (sample 0) and every dispersion bound;
        raises the first located error."""
        for point in range(0 if self.search else self.points):
            self.scenario(self.point_of(point * self.samples).params)
        base = self.draws(0)[1] if self.search else self.point_of(0).params
        if self.search is not None:
            for x in (self.search.low, self.search.high):
                self.scenario(base | {self.search.key: x})
        for d in self.dispersions:
            for v in d.extremes:
                self.scenario(base | {d.key: v})


def sample_seed_sequence(master: int, sample: int) -> np.random.SeedSequence:
    """``SeedSequence(master).spawn(n)[sample]``, without spawning the n - 1 others."""
    return np.random.SeedSequence(master, spawn_key=(sample,))


def _sweep(t: ConfigTable) -> Sweep:
    key = t.string("key")
    if "values" in t:
        values = tuple(t.array("values"))
        if not values:
            raise t.error("values", "a non-empty array", [])
        for k in ("from", "to", "step"):
            if k in t:
                raise t.error(k, "either values or from/to/step, not both", t.data[k])
    else:
        lo, hi = t.number("from"), t.number("to")
        step = t.number("step", min=0.0, min_exclusive=True)
        if hi < lo:
            raise t.error("to", f"a number >= from ({lo:g})", hi)
        n = math.floor((hi - lo) / step + 1e-9) + 1
        if n > MAX_SWEEP_POINTS:
            raise t.error("step", f"a step giving <= {MAX_SWEEP_POINTS} points", step)
        values = tuple(round(lo + i * step, 9) for i in range(n))
    t.done()
    return Sweep(key, values)


def _check_key(t: ConfigTable, name: str, key: str) -> None:
    if not key or any(not part for part in key.split(".")):
        raise t.error(name, "a dotted key path (faults.0.valid_below_alt_m)", key)


def load_campaign(path: str | Path) -> Campaign:
    path = Path(path)
    return campaign_from_text(read_study(path, "campaign"), path)


def campaign_from_text(text: str, path: Path) -> Campaign:
    """Parse and validate a campaign file's text as if it lived at ``path``."""
    t, scenario_path = open_study(text, path)
    base, overrides = overridden(t, load_toml(scenario_path), path)
    fsw_raw = ConfigTable(base.get("fsw", {}), str(scenario_path), "fsw")
    default_profile = fsw_settings(fsw_raw).profile
    profiles = tuple(t.array("profiles", [default_profile]))
    for p in profiles:
        if p not in PROFILES:
            raise t.error("profiles", "profiles among " + ", ".join(PROFILES), p)
    if not profiles or len(set(profiles)) != len(profiles):
        raise t.error("profiles", "a non-empty list without repeats", list(profiles))
    fsw_kind = t.string("fsw", "", choices=("", *KINDS)) or None
    sweeps = tuple(_sweep(s) for s in t.tables("sweep"))
    dispersions = tuple(dispersion_from_config(d) for d in t.tables("disperse"))
    keys = [s.key for s in sweeps] + [d.key for d in dispersions]
    for i, s in enumerate(sweeps):
        _check_key(ConfigTable(t.data, str(path), f"sweep[{i}]"), "key", s.key)
    for i, d in enumerate(dispersions):
        _check_key(ConfigTable(t.data, str(path), f"disperse[{i}]"), "key", d.key)
    dup = [k for k in keys if keys.count(k) > 1]
    if dup:
        raise t.error("sweep", "each key swept or dispersed once", dup[0])
    if sweeps and "runs" in t:
        raise t.error("runs", "repeats (samples per grid point) with [[sweep]]", t.data["runs"])
    if not sweeps and "repeats" in t:
        raise t.error("repeats", "runs (samples per profile) without [[sweep]]", t.data["repeats"])
    samples = t.integer("repeats", 1, min=1) if sweeps else t.integer("runs", 1, min=1)
    max_sim = float(base.get("run", {}).get("max_sim_time_s", 400.0))
    search = search_from_config(t.table("search")) if "search" in t else None
    if search is not None:
        if sweeps:
            raise t.error("search", "a search or [[sweep]]s, not both", "both")
        if search.key in keys:
            raise t.error("search", "a key not also dispersed", search.key)
        samples = search.repeats
    campaign = Campaign(
        name=t.string("name", path.stem),
        path=path,
        text=text,
        scenario_path=scenario_path,
        base_doc=base,
        profiles=profiles,
        fsw_kind=fsw_kind,
        command=t.string("command", "") or None,
        port=t.string("port", "") or None,
        seed=t.integer("seed", 0, min=0),
        samples=samples,
        sweeps=sweeps,
        dispersions=dispersions,
        keep=t.string("keep", "failures", choices=KEEP),
        run_timeout_s=t.number("run_timeout_s", 30.0 + max_sim / 5.0, min=0.0, min_exclusive=True),
        search=search,
        overrides=overrides,
    )
    t.done()
    if campaign.run_count > 10_000_000:
        raise t.error("sweep", "at most 10 million runs", campaign.run_count)
    campaign.validate()
    return campaign
