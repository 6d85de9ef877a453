"""Link faults from their specs: the stages of each direction, their record and the link
accounting for result.json (the stages themselves: ``harness.faults.link_stages``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from harness.faults.link_config import LinkFaultSpec
from harness.faults.link_stages import (
    Babble,
    BadPec,
    BitErrors,
    BurstLoss,
    ByteLoss,
    Duplicate,
    LinkFaultEvent,
    LinkFaultStage,
    Pieces,
    Reorder,
    SlowLine,
    Stall,
    Truncate,
)
from harness.link.line import Stage
from harness.sensors.noise import rng_for

__all__ = [
    "STAGES",
    "LinkFaultEvent",
    "LinkFaultStage",
    "LinkFaults",
    "Pieces",
    "build_link_faults",
    "build_link_stage",
    "link_accounting",
]

STAGES: dict[str, type[LinkFaultStage]] = {
    "bit_errors": BitErrors,
    "byte_loss": ByteLoss,
    "burst_loss": BurstLoss,
    "truncate": Truncate,
    "bad_pec": BadPec,
    "duplicate": Duplicate,
    "reorder": Reorder,
    "babble": Babble,
    "stall": Stall,
    "slow_line": SlowLine,
}


def link_fault_key(spec: LinkFaultSpec) -> str:
    """The stable key of a link fault's random generator."""
    return f"link_fault{spec.index}:{spec.kind}:{spec.direction}"


def build_link_stage(
    spec: LinkFaultSpec, seed: int, altitude: Callable[[], float]
) -> LinkFaultStage:
    return STAGES[spec.kind](spec, rng_for(seed, link_fault_key(spec)), altitude)


class LinkFaults(NamedTuple):
    """The stages of each direction, in the order configured."""

    h2f: list[LinkFaultStage]
    f2h: list[LinkFaultStage]

    @property
    def all(self) -> list[LinkFaultStage]:
        return sorted([*self.h2f, *self.f2h], key=lambda s: s.spec.index)

    def summary(self) -> list[dict[str, Any]]:
        return [s.summary() for s in self.all]

    def stages(self, direction: str) -> Sequence[Stage]:
        return self.h2f if direction == "h2f" else self.f2h


def build_link_faults(
    specs: Sequence[LinkFaultSpec], seed: int, altitude: Callable[[], float]
) -> LinkFaults:
    """Stages for ``[[link_faults]]``, each with its own generator from the run seed."""
    out = LinkFaults([], [])
    for spec in specs:
        stage = build_link_stage(spec, seed, altitude)
        (out.h2f if spec.direction == "h2f" else out.f2h).append(stage)
    return out


def link_accounting(link: dict[str, Any], faults: LinkFaults) -> dict[str, Any]:
    """What the harness sent against what the FSW says it received (its last FSW_STATUS),
    and what came back, beside what the link faults of each direction touched.

    ``frames_sent`` counts every frame the harness framed, SYNC and boot frames included,
    so ``frames_not_accepted`` (sent - the FSW's ``rx_frames``) is what the line and the
    FSW's receiver lost between them, plus frames still on the line at the end.
    """
    sent = sum(int(n) for n in link.get("frames_sent", {}).values())
    h2f: dict[str, Any] = {
        "frames_sent": sent,
        "writes_touched_by_faults": sum(s.writes_touched for s in faults.h2f),
    }
    fsw_rx = link.get("fsw_rx")
    if fsw_rx is not None:
        h2f |= {f"fsw_{k}": v for k, v in fsw_rx.items()}
        h2f["frames_not_accepted"] = sent - int(fsw_rx["rx_frames"])
    rx = link.get("received", {})
    f2h = {
        "writes_touched_by_faults": sum(s.writes_touched for s in faults.f2h),
        "frames_accepted": rx.get("frames"),
        "crc_errors": rx.get("crc_errors"),
        "skipped_bytes": rx.get("skipped_bytes"),
        "rejected": rx.get("rejected"),
    }
    return {"h2f": h2f, "f2h": f2h}
