"""Boundary search: bisect ``[search].key`` per profile, ``repeats`` seeds a point.

Every profile's ``Bisection`` asks for its next points; all of them (every profile,
every seed) go to the executor as one batch. Run ids are fixed by the path:
``(profile * steps + step) * repeats + sample``, so a resumed search replays the same
points, finds their runs already in the store and flies only what is missing. Sample k
uses the campaign's sample-k seed and draws at every point (common random numbers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.campaign.coordinator import Executor, Finish, drive, task_of
from harness.campaign.plan import Campaign, RunPoint
from harness.campaign.progress import Progress
from harness.campaign.stats import Bisection, steps_for
from harness.campaign.store import Store


@dataclass(frozen=True)
class Bracket:
    profile: str
    key: str
    low: float
    high: float
    passes_above: bool | None
    repeats: int
    note: str

    @property
    def critical(self) -> float:
        return 0.5 * (self.low + self.high)


def search_point(
    campaign: Campaign, profile_idx: int, step: int, sample: int, x: float
) -> RunPoint:
    s = campaign.search
    assert s is not None
    steps = steps_for(s.low, s.high, s.resolution)
    seed, drawn = campaign.draws(sample)
    run_id = (profile_idx * steps + step) * s.repeats + sample
    return RunPoint(run_id, campaign.profiles[profile_idx], step, sample, seed, drawn | {s.key: x})


def run_search(
    campaign: Campaign, store: Store, directory: Path, pool: Executor, progress: Progress
) -> tuple[list[Bracket], Finish | None]:
    s = campaign.search
    assert s is not None
    bisections = [Bisection(s.low, s.high, s.resolution) for _ in campaign.profiles]
    total = len(campaign.profiles) * steps_for(s.low, s.high, s.resolution) * s.repeats
    progress.start(total, 0)
    last: Finish | None = None
    try:
        while True:
            batch: list[tuple[int, float, list[RunPoint]]] = []
            for pi, b in enumerate(bisections):
                for j, x in enumerate(b.next_points()):
                    step = len(b.seen) + j
                    pts = [search_point(campaign, pi, step, k, x) for k in range(s.repeats)]
                    batch.append((pi, x, pts))
            if not batch:
                break
            points = [p for _, _, pts in batch for p in pts]
            store.add_pending(
                (p.run_id, json.dumps(p.params, sort_keys=True), p.profile, p.seed, p.sample)
                for p in points
            )
            for p in points:
                row = store.run(p.run_id)
                if row is not None and row["params"] != json.dumps(p.params, sort_keys=True):
                    raise RuntimeError(f"run {p.run_id}: stored params differ from the search's")
            todo = [p for p in points if store.run(p.run_id)["status"] == "pending"]  # type: ignore[index]
            progress.seed({})
            last = drive(store, iter(task_of(campaign, directory, p) for p in todo), pool, progress)
            if last.interrupted:
                return [], last
            for pi, x, pts in batch:
                rows = [store.run(p.run_id) for p in pts]
                passed = sum(1 for r in rows if r is not None and s.predicate(dict(r)))
                bisections[pi].tell(x, passed >= s.threshold * len(pts))
    finally:
        pool.close()
        progress.stop()
    brackets = []
    for profile, b in zip(campaign.profiles, bisections, strict=True):
        br = Bracket(profile, s.key, b.low, b.high, b.passes_above, s.repeats, b.note)
        brackets.append(br)
        store.save_search(
            {
                "profile": profile,
                "key": s.key,
                "predicate": s.predicate.text,
                "low": br.low,
                "high": br.high,
                "critical": br.critical,
                "passes_above": None if br.passes_above is None else int(br.passes_above),
                "repeats": s.repeats,
                "note": br.note,
            }
        )
    return brackets, last


def bracket_sentence(b: Bracket | Any, predicate: str) -> str:
    """'naive: verdict == "soft" when faults.0.valid_below_alt_m is above 1,840
    (bracket 1,812-1,868, 5 seeds a point)'."""
    if b.note:
        return f"{b.profile}: {b.note} of [{b.low:,.6g}, {b.high:,.6g}] ({b.repeats} seeds a point)"
    side = "above" if b.passes_above else "below"
    return (
        f"{b.profile}: {predicate} when {b.key} is {side} {b.critical:,.0f}"
        f" (bracket {b.low:,.0f}–{b.high:,.0f}, {b.repeats} seeds a point)"
    )
