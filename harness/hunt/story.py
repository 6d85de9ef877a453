"""A failure in one line: 'naive crashes when the LRF first acquires below 1,750 m:
touchdown -27.3 m/s (boundary 1,744 m by bisection)'."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.hunt.engine import Found
    from harness.hunt.plan import Hunt

#: verdict -> the verb of the story
VERBS = {
    "crash": "crashes",
    "marginal": "lands marginally",
    "no_touchdown": "never touches down",
    "fsw_timeout": "stops answering",
    "fsw_crash": "dies",
    "fsw_protocol": "breaks the protocol",
    "link_lost": "loses its link",
    "aborted": "aborts",
}


def story_of(hunt: Hunt, f: Found) -> str:
    rec = f.record
    verdict = rec.verdict or rec.status
    verb = VERBS.get(verdict, f"ends {verdict}")
    space = hunt.space
    when = " and ".join(space.phrase(x) for x in f.schedule.faults) or "with no fault at all"
    if rec.touchdown_vz_mps is not None:
        how = f"touchdown {rec.touchdown_vz_mps:+.1f} m/s"
    else:
        how = str((rec.summary or {}).get("end_reason") or "no touchdown")
        how = how if len(how) <= 90 else how[:87] + "..."
    if rec.causes:
        how += f" ({', '.join(rec.causes)})"
    line = f"{hunt.profile} {verb} when {when}: {how}"
    b = f.boundary
    if b is not None and not b.note:
        line += f"; boundary {b.param} = {b.critical:,.4g} by bisection ({b.runs} runs)"
    return line
