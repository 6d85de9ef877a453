"""Hunt files (``hil_configs/hunts/*.toml``): a base scenario, a profile, the space, the
property, the margins to climb and the budgets.

Top-level keys::

    scenario = "../hakuto_r_m2.toml"   # required; relative to the hunt file
    replace = ["faults"]               # arrays of the base the hunt starts empty
    set = ["run.max_sim_time_s=400"]   # fixed overrides, like `lunar-hil run --set`
    name = "naive_lrf"                 # default: the file's stem
    profile = "naive"                  # default: the scenario's fsw.profile
    fsw = "memory"                     # FSW kind (default: the scenario's); command, port
    seed = 2026                        # the run seed of every run, and the search's seed
    max_faults = 2                     # faults drawn at once (at most)
    property = 'verdict == "soft"'     # what must hold (FIELD OP VALUE, as a [search])
    targets = ["braking_deficit"]      # margins hypothesis.target climbs (TARGETS)
    budget_runs = 200                  # runs the search may start (a failure found within
                                       # it is still shrunk and bisected, past it)
    budget_s = 600.0                   # or wall seconds (whichever ends first)
    explore_examples = 6               # schedules an exploring round generates
    round_examples = 20                # at most this many examples a climbing round
    shrink_runs = 60                   # runs a failure's shrinking may fly
    run_timeout_s = 150.0              # wall-clock limit a run
    [[kind]] ...                       # the space (harness.hunt.space)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.campaign.boundary import Predicate, parse_predicate
from harness.campaign.store import RunRecord
from harness.config.study import StudyIdentity, open_study, overridden, read_study
from harness.config.table import ConfigTable, load_toml, parse_override, set_key
from harness.fswconfig import KINDS, PROFILES, dump_toml, fsw_settings
from harness.hunt.space import Exact, Schedule, Space, check_applies, space_from_config
from harness.runner import RunSpec
from harness.scenario import Scenario, scenario_from_doc


def _metric(rec: RunRecord, name: str) -> float | None:
    m = (rec.summary or {}).get("metrics") or {}
    v = m.get(name)
    return None if v is None else float(v)


def _neg(v: float | None) -> float | None:
    return None if v is None else -v


#: margins a hunt may climb (bigger is nearer a failure); None when a run has no value
TARGETS: dict[str, Callable[[RunRecord], float | None]] = {
    # the least (altitude - stopping distance at full thrust), negated
    "braking_deficit": lambda r: _neg(_metric(r, "braking_margin_min_m")),
    # seconds the FSW commanded full thrust (control authority saturated)
    "thrust_saturation": lambda r: _metric(r, "full_thrust_s"),
    # the true altitude at the first valid LRF, negated (never valid: 0 m): how little
    # height the FSW had left when it first knew its altitude (HAKUTO-R M2: 893 m)
    "lrf_acquired_low": lambda r: -(r.lrf_first_valid_alt_m or 0.0),
    # the worst |estimated - true altitude|
    "alt_error": lambda r: _metric(r, "max_abs_alt_error_m"),
    # |touchdown v_z|
    "touchdown_speed": lambda r: None if r.touchdown_vz_mps is None else abs(r.touchdown_vz_mps),
    # propellant left, negated
    "propellant_used": lambda r: _neg(_metric(r, "min_propellant_kg")),
}


def row_of(rec: RunRecord) -> dict[str, Any]:
    """A record as the predicate sees it (the campaign store's columns)."""
    return {
        "verdict": rec.verdict,
        "status": rec.status,
        "touchdown_vz_mps": rec.touchdown_vz_mps,
        "touchdown_vx_mps": rec.touchdown_vx_mps,
        "propellant_kg": rec.propellant_kg,
        "lrf_first_valid_alt_m": rec.lrf_first_valid_alt_m,
    }


@dataclass(frozen=True)
class Hunt(StudyIdentity):
    name: str
    path: Path
    text: str
    scenario_path: Path
    base_doc: dict[str, Any] = field(repr=False)
    profile: str
    fsw_kind: str | None
    command: str | None
    port: str | None
    seed: int
    space: Space
    predicate: Predicate
    targets: tuple[str, ...]
    budget_runs: int
    budget_s: float | None
    round_examples: int
    shrink_runs: int
    explore_examples: int
    run_timeout_s: float
    replace: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()

    def doc(self, schedule: Schedule, exact: Exact | None = None) -> dict[str, Any]:
        return self.space.apply(self.base_doc, schedule, str(self.path), exact)

    def scenario(self, schedule: Schedule, exact: Exact | None = None) -> Scenario:
        return scenario_from_doc(self.doc(schedule, exact), self.scenario_path)

    def spec(self, schedule: Schedule, exact: Exact | None = None, **kw: Any) -> RunSpec:
        """The run of ``schedule`` (``exact``: off-grid values by kind and parameter, for a
        bisection; ``kw``: artifacts, out, plot ... for ``RunSpec``). A hunt's run keeps
        no artifacts unless ``kw`` asks: its record goes to the store, and each failure is
        flown again from its written file with all of them (``Ledger``)."""
        kw.setdefault("artifacts", "none")
        kw.setdefault("plot", False)
        return RunSpec(
            scenario=self.scenario(schedule, exact),
            seed=self.seed,
            profile=self.profile,
            fsw_kind=self.fsw_kind,
            command=self.command,
            port=self.port,
            overrides=self.overrides,
            config=str(self.scenario_path),
            **kw,
        )

    def passes(self, rec: RunRecord) -> bool:
        return self.predicate(row_of(rec))

    def scenario_text(
        self, schedule: Schedule, at: Path, name: str, header: str, exact: Exact | None = None
    ) -> str:
        """A scenario file (to be written in directory ``at``) that extends the base and
        adds ``schedule``: ``lunar-hil run`` on it flies the hunt's run again."""
        doc: dict[str, Any] = {"extends": os.path.relpath(self.scenario_path, at.resolve())}
        if self.replace:
            doc["replace"] = list(self.replace)
        for key in self.replace:
            doc = set_key(doc, key.split("."), [], "hunt scenario")
        for o in self.overrides:
            keys, value = parse_override(o)
            doc = set_key(doc, keys, value, "hunt scenario")
        doc = self.space.apply(doc, schedule, "hunt scenario", exact)
        doc = set_key(doc, ["run", "name"], name, "hunt scenario")
        doc = set_key(doc, ["run", "seed"], self.seed, "hunt scenario")
        doc = set_key(doc, ["fsw", "profile"], self.profile, "hunt scenario")
        lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
        return lines + dump_toml(doc)


def load_hunt(path: str | Path) -> Hunt:
    path = Path(path)
    return hunt_from_text(read_study(path, "hunt"), path)


def hunt_from_text(text: str, path: Path) -> Hunt:
    """Parse and validate a hunt file's text as if it lived at ``path``."""
    t, scenario_path = open_study(text, path)
    base = load_toml(scenario_path)
    replace = tuple(t.array("replace", []))
    for key in replace:
        if not isinstance(key, str):
            raise t.error("replace", "key paths (strings) of arrays in the scenario", key)
        base = set_key(base, key.split("."), [], f"{path}: replace")
    base, overrides = overridden(t, base, path)
    fsw_raw = ConfigTable(base.get("fsw", {}), str(scenario_path), "fsw")
    profile = t.string("profile", fsw_settings(fsw_raw).profile, choices=PROFILES)
    targets = tuple(t.array("targets", ["braking_deficit"]))
    for name in targets:
        if name not in TARGETS:
            raise t.error("targets", "targets among " + ", ".join(TARGETS), name)
    space = space_from_config(t, list(t.tables("kind")))
    max_sim = float(base.get("run", {}).get("max_sim_time_s", 400.0))
    budget_s = t.number("budget_s", 0.0, min=0.0)
    hunt = Hunt(
        name=t.string("name", path.stem),
        path=path,
        text=text,
        scenario_path=scenario_path,
        base_doc=base,
        profile=profile,
        fsw_kind=t.string("fsw", "", choices=("", *KINDS)) or None,
        command=t.string("command", "") or None,
        port=t.string("port", "") or None,
        seed=t.integer("seed", 0, min=0),
        space=space,
        predicate=parse_predicate(t, "property") if "property" in t else _soft(t),
        targets=targets,
        budget_runs=t.integer("budget_runs", 200, min=1),
        budget_s=budget_s or None,
        round_examples=t.integer("round_examples", 20, min=2),
        explore_examples=t.integer("explore_examples", 6, min=1),
        shrink_runs=t.integer("shrink_runs", 60, min=0),
        run_timeout_s=t.number("run_timeout_s", 30.0 + max_sim / 5.0, min=0.0, min_exclusive=True),
        replace=replace,
        overrides=overrides,
    )
    t.done()
    check_applies(space, base, str(path), scenario_path)
    return hunt


def _soft(t: ConfigTable) -> Predicate:
    return parse_predicate(ConfigTable({"property": 'verdict == "soft"'}, t.file), "property")


def with_budget(hunt: Hunt, runs: int | None, seconds: float | None) -> Hunt:
    """The hunt with the command line's budget (either replaces the file's)."""
    from dataclasses import replace

    if runs is None and seconds is None:
        return hunt
    return replace(
        hunt,
        budget_runs=runs if runs is not None else 10**9,
        budget_s=seconds,
    )
