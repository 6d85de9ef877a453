"""The hunt's ledger: the one broker every engine asks -- store, cache, budget, failures.

It holds the campaign store (``DIR/campaign.sqlite``: every run of the hunt, its
schedule as ``params``), the cache of flown schedules (so a resumed hunt replays for
free), the budget, and the failures: the first failure of a round is written at once
(``hunt.json`` and its ``hunt-<n>.toml``, before shrinking); the shrunk one replaces it
when its kinds are new (a failure is distinct by which faults remain), and is flown once
more *from the written scenario file* with full artifacts -- so every reported failure
is known to re-fly from its TOML to the same verdict and telemetry digest.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.campaign.progress import Progress
from harness.campaign.store import RunRecord, Store
from harness.config.table import load_toml
from harness.hunt.engine import BudgetSpent, Found
from harness.hunt.plan import Hunt, row_of
from harness.hunt.space import Schedule
from harness.hunt.story import story_of
from harness.runner import RunSpec, execute
from harness.scenario import scenario_from_doc

HUNT_JSON = "hunt.json"
FAILURES_DIR = "failures"


@dataclass
class Entry:
    """One failure in hunt.json: found (unshrunk) first, then shrunk."""

    number: int
    found: Found
    scenario: Path
    story: str
    refly: dict[str, Any] = field(default_factory=dict)

    def as_json(self, hunt: Hunt) -> dict[str, Any]:
        f = self.found
        rec = f.record
        boundary = None
        if f.boundary is not None and f.schedule.faults:
            first = f.schedule.faults[0]
            shrunk = float(hunt.space.kind(first.kind).main.value(first.index[0]))
            boundary = f.boundary.as_dict(shrunk)
        return {
            "number": self.number,
            "state": "shrunk" if f.shrunk else "found (not yet shrunk)",
            "verdict": rec.verdict,
            "causes": list(rec.causes),
            "schedule": hunt.space.tables(f.schedule),
            "kinds": list(f.schedule.kinds),
            "scenario": str(self.scenario),
            "story": self.story,
            "boundary": boundary,
            "run_id": rec.run_id,
            "touchdown_vz_mps": rec.touchdown_vz_mps,
            "end_reason": (rec.summary or {}).get("end_reason"),
            "engine": f.engine,
            "round": f.round,
            "refly": self.refly or None,
        }


class Ledger:
    def __init__(
        self, hunt: Hunt, directory: Path, store: Store, progress: Progress, refly: bool = True
    ) -> None:
        """``refly``: fly each shrunk failure again from its written file (off when the
        hunt's runs are not real flights: a test's planted FSW)."""
        self.hunt = hunt
        self.refly = refly
        self.directory = directory
        self.store = store
        self.progress = progress
        self.cache: dict[str, RunRecord] = {}
        for row in store.rows("status != 'pending'"):
            self.cache.setdefault(row["params"], RunRecord.from_row(row))
        stale = [int(r["run_id"]) for r in store.rows("status = 'pending'")]
        if stale:  # asked for, never flown (killed mid-run): gone, re-asked on replay
            with store.transaction():
                store.db.executemany("DELETE FROM runs WHERE run_id = ?", [(i,) for i in stale])
        ids = store.db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
        self.next_id = 0 if ids is None else int(ids) + 1
        self.flown = len(self.cache)
        self.flown_now = 0
        self.t0 = time.monotonic()
        self.entries: dict[tuple[int, int], Entry] = {}
        self.duplicates = 0
        self.first_failure_run: int | None = None
        self.stop_reason = ""

    # -- the broker ---------------------------------------------------------------------

    def spent(self) -> str:
        h = self.hunt
        if self.flown >= h.budget_runs:
            return f"budget of {h.budget_runs} runs spent"
        if h.budget_s is not None and time.monotonic() - self.t0 >= h.budget_s:
            return f"budget of {h.budget_s:g} s spent"
        return ""

    def ask(self, key: str, mode: str = "run") -> RunRecord | int | None:
        if key in self.cache:
            return self.cache[key]
        if mode == "peek":
            return None
        why = self.spent()
        if why and mode != "force":
            self.stop_reason = why
            raise BudgetSpent(why)
        rid = self.next_id
        self.next_id += 1
        self.store.add_pending([(rid, key, self.hunt.profile, self.hunt.seed, 0)])
        return rid

    def ran(self, run_id: int, key: str, rec: RunRecord) -> None:
        rec = replace(rec, run_id=run_id)
        self.store.record(rec)
        self.cache.setdefault(key, rec)
        self.flown += 1
        self.flown_now += 1
        self.progress.advance(rec)

    def known(self) -> list[Schedule]:
        return [e.found.schedule for e in self.entries.values() if e.found.shrunk]

    def found(self, f: Found) -> bool:
        slot = (f.engine, f.round)
        if not f.shrunk:
            if self.first_failure_run is None:
                self.first_failure_run = f.record.run_id
            number = len(self.entries) + self.duplicates + 1
            self.entries[slot] = self._entry(number, f)
            self.write()
            self.progress.note(f"found a failure ({f.record.verdict}), shrinking it")
            return True
        same = [
            e
            for s, e in self.entries.items()
            if s != slot and e.found.shrunk and e.found.schedule.kinds == f.schedule.kinds
        ]
        if same:  # the same faults as a failure already kept: not distinct
            dropped = self.entries.pop(slot, None)
            if dropped is not None:
                dropped.scenario.unlink(missing_ok=True)
            self.duplicates += 1
            self.write()
            return False
        number = self.entries[slot].number if slot in self.entries else len(self.entries) + 1
        entry = self._entry(number, f)
        if self.refly:
            entry.refly = self._refly(entry)
        self.entries[slot] = entry
        self.write()
        self.progress.note(f"failure {number}: {entry.story}")
        return True

    # -- artifacts ----------------------------------------------------------------------

    def _entry(self, number: int, f: Found) -> Entry:
        path = self.directory / f"hunt-{number}.toml"
        story = story_of(self.hunt, f)
        header = (
            f"lunar-hil hunt {self.hunt.path.name}: failure {number}"
            f" ({'shrunk' if f.shrunk else 'found, not yet shrunk'})\n{story}\n\n"
            f"Fly it again: lunar-hil run {path} --fsw {self.hunt.fsw_kind or 'python-stub'}"
        )
        text = self.hunt.scenario_text(f.schedule, path.parent, path.stem, header)
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(text)
        tmp.replace(path)
        return Entry(number, f, path, story)

    def _refly(self, entry: Entry) -> dict[str, Any]:
        """Fly the written scenario file with full artifacts; compare with the hunt's run."""
        doc = load_toml(entry.scenario)
        out = self.directory / FAILURES_DIR / entry.scenario.stem
        spec = RunSpec(
            scenario=scenario_from_doc(doc, entry.scenario),
            profile=self.hunt.profile,
            fsw_kind=self.hunt.fsw_kind,
            command=self.hunt.command,
            port=self.hunt.port,
            config=str(entry.scenario),
            out=out,
            artifacts="full",
            plot=True,
            force=True,
        )
        summary = execute(spec)
        rec = entry.found.record
        return {
            "run_dir": str(out),
            "verdict": summary.verdict,
            "same_verdict": summary.verdict == rec.verdict,
            "same_telemetry": summary.telemetry_sha256 == rec.telemetry_sha256,
        }

    def summary(self) -> dict[str, Any]:
        kept = sorted(self.entries.values(), key=lambda e: e.number)
        return {
            "hunt": self.hunt.name,
            "file": str(self.hunt.path),
            "profile": self.hunt.profile,
            "property": self.hunt.predicate.text,
            "runs": self.flown,
            "runs_this_session": self.flown_now,
            "first_failure_run": self.first_failure_run,
            "duplicates": self.duplicates,
            "stopped": self.stop_reason or None,
            "failures": [e.as_json(self.hunt) for e in kept],
        }

    def write(self) -> Path:
        path = self.directory / HUNT_JSON
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.summary(), indent=1, default=str) + "\n")
        tmp.replace(path)
        return path


__all__ = ["HUNT_JSON", "Ledger", "row_of"]
