"""Link-fault configuration: ``[[link_faults]]`` tables, validated into ``LinkFaultSpec``s.

Every table has ``kind``, ``direction`` (``"h2f"``: harness to FSW, the sensor frames;
``"f2h"``: the FSW's answers) and the same schedule as a sensor fault (``start_s``,
``end_s``, ``below_alt_m``, ``above_alt_m``): the time window is judged on the sim time
of each write (a sensor frame's due time), the altitude band on the truth at the tick
that puts the bytes on the line. Stages act in the order configured, in front of the
UART model. Each is deterministic per run seed. Kind-specific keys (defaults):

* ``bit_errors``: ``ber`` (required): each bit flips with this probability;
* ``byte_loss``: ``p`` (required): each byte is lost with this probability;
* ``burst_loss``: Gilbert–Elliott per byte, ``p_gb`` (good→bad), ``p_bg = 0.5``
  (bad→good); every byte in the bad state is lost;
* ``truncate``: ``p = 1``: a write is cut at a uniformly drawn length (0 to all but one byte);
* ``bad_pec``: ``p = 1``: a write's last two bytes (its PEC) are XORed with a nonzero word;
* ``duplicate``: ``p = 1``: a write arrives twice;
* ``reorder``: ``p = 1``: a write is held back and arrives after the next write;
* ``babble``: ``p = 1``, ``min_bytes = 1``, ``max_bytes = 32``: random bytes before a write;
* ``stall``: ``duration_s`` (required): from the first write in the window, bytes are held
  and arrive together ``duration_s`` later; the next write after that starts another stall;
* ``slow_line``: ``baud`` (required), ``bits_per_byte = 10``: the line runs at this rate
  while active (after any configured ``[link] baud``, so the slower of the two rules).

A *write* is what one put on the line carries: on H2F one frame of the harness's framer
(SYNC, the tick's test-control frame, goes around the faults so a tick is never lost to
its own trigger); on F2H one read of the FSW's answers -- so over a pty, where the OS
chooses the reads, only the byte-level kinds (bit errors, byte and burst loss, stall,
slow line) give the same bytes as over the memory link.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.config.table import ConfigTable
from harness.faults.config import Schedule, schedule_from_config

DIRECTIONS = ("h2f", "f2h")
KINDS = (
    "bit_errors",
    "byte_loss",
    "burst_loss",
    "truncate",
    "bad_pec",
    "duplicate",
    "reorder",
    "babble",
    "stall",
    "slow_line",
)


@dataclass(frozen=True)
class LinkFaultSpec:
    """One configured link fault: position, kind, direction, schedule, parameters."""

    index: int
    kind: str
    direction: str
    schedule: Schedule
    params: dict[str, Any]
    file: str = field(default="", compare=False)
    key: str = field(default="", compare=False)


def _p(t: ConfigTable, name: str, default: float | None = None) -> float:
    return t.number(name, default, min=0.0, max=1.0)


def _params(t: ConfigTable, kind: str) -> dict[str, Any]:
    if kind == "bit_errors":
        return {"ber": _p(t, "ber")}
    if kind == "byte_loss":
        return {"p": _p(t, "p")}
    if kind == "burst_loss":
        p_bg = t.number("p_bg", 0.5, min=0.0, max=1.0, min_exclusive=True)
        return {"p_gb": _p(t, "p_gb"), "p_bg": p_bg}
    if kind in ("truncate", "bad_pec", "duplicate", "reorder"):
        return {"p": _p(t, "p", 1.0)}
    if kind == "babble":
        lo = t.integer("min_bytes", 1, min=1, max=4096)
        hi = t.integer("max_bytes", 32, min=1, max=4096)
        if hi < lo:
            raise t.error("max_bytes", f"an integer >= min_bytes ({lo})", hi)
        return {"p": _p(t, "p", 1.0), "min_bytes": lo, "max_bytes": hi}
    if kind == "stall":
        return {"duration_s": t.number("duration_s", min=0.0, min_exclusive=True)}
    return {
        "baud": t.integer("baud", min=1),
        "bits_per_byte": t.integer("bits_per_byte", 10, min=1, max=64),
    }


def link_fault_from_config(t: ConfigTable, index: int) -> LinkFaultSpec:
    """One ``[[link_faults]]`` table (see the module docstring)."""
    kind = t.string("kind", choices=KINDS)
    direction = t.string("direction", choices=DIRECTIONS)
    schedule = schedule_from_config(t)
    params = _params(t, kind)
    t.done()
    return LinkFaultSpec(index, kind, direction, schedule, params, t.file, t.path)


def link_faults_from_config(tables: Iterator[ConfigTable]) -> tuple[LinkFaultSpec, ...]:
    """All ``[[link_faults]]`` tables, in order."""
    return tuple(link_fault_from_config(t, i) for i, t in enumerate(tables))
