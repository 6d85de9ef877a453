"""Hunt fixtures: a small space over the M2 world and a planted fake FSW (a ``Fly`` that
reads the faults off the run's scenario instead of flying it)."""

from __future__ import annotations

from pathlib import Path

from harness.campaign.store import RunRecord
from harness.campaign.worker import RunTask
from harness.runner import RunSpec

ROOT = Path(__file__).resolve().parents[3]
M2 = ROOT / "hil_configs" / "hakuto_r_m2.toml"

#: the planted failure: both at once, and only both
LATENCY_OVER_S = 1.0
ACQUIRED_BELOW_M = 1500.0

SPACE = """
[[kind]]
name = "late_acquisition"
table = { kind = "late_acquisition", sensor = "lrf" }
draw.valid_below_alt_m = { simple = 3000.0, harsh = 300.0, step = 25.0 }

[[kind]]
name = "lrf_latency"
table = { kind = "latency", sensor = "lrf", stamped = true }
draw.latency_s = { simple = 0.05, harsh = 2.0, step = 0.05 }

[[kind]]
name = "lrf_dropout"
table = { kind = "dropout", sensor = "lrf", model = "bernoulli" }
draw.p = { simple = 0.05, harsh = 0.95, step = 0.05 }

[[kind]]
name = "lrf_bias"
table = { kind = "bias", sensor = "lrf", field = "range_m" }
draw.bias = { simple = 1.0, harsh = 300.0, step = 1.0 }
"""


def hunt_file(tmp: Path, body: str = "", name: str = "h.toml", space: str = SPACE) -> Path:
    path = tmp / name
    path.write_text(
        f'scenario = "{M2}"\nreplace = ["faults"]\nfsw = "memory"\nprofile = "naive"\n'
        f"seed = 7\n{body}\n{space}"
    )
    return path


def _faults(spec: RunSpec) -> dict[str, dict[str, float]]:
    return {f.kind: f.params_dict() for f in spec.scenario.faults}


def planted(run_id: int, spec: RunSpec) -> RunRecord:
    """Crashes only when the LRF is more than 1.0 s late AND first acquires below
    1,500 m; its braking margin shrinks smoothly toward that corner."""
    faults = _faults(spec)
    lat = faults.get("latency", {}).get("latency_s", 0.0)
    acq = faults.get("late_acquisition", {}).get("valid_below_alt_m", 3000.0)
    fails = lat > LATENCY_OVER_S and acq < ACQUIRED_BELOW_M
    margin = 100.0 - 40.0 * lat - (3000.0 - acq) / 30.0
    return RunRecord(
        run_id=run_id,
        status="done",
        verdict="crash" if fails else "soft",
        touchdown_vz_mps=-20.0 if fails else -1.0,
        telemetry_sha256=f"{lat:.3f}/{acq:.1f}",
        summary={"metrics": {"braking_margin_min_m": margin, "max_abs_alt_error_m": 0.0}},
    )


class Interrupt:
    """A ``Fly`` that raises KeyboardInterrupt (Ctrl-C) at its ``at``-th call."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.calls = 0

    def __call__(self, run_id: int, spec: RunSpec) -> RunRecord:
        self.calls += 1
        if self.calls == self.at:
            self.stop()
        return planted(run_id, spec)

    def stop(self) -> None:
        raise KeyboardInterrupt


class Kill9(Interrupt):
    """A ``Fly`` that kills its own process with SIGKILL at its ``at``-th call: no
    handler, no ``finally``, no SQLite close -- what ``kill -9`` does to a hunt."""

    def stop(self) -> None:
        import os
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def hangs_on_bias(task: RunTask) -> RunRecord:
    """A pool worker's ``work``: the planted FSW, except that any schedule with an LRF
    bias hangs the run (as a wedged FSW would) -- forever, for the pool to kill."""
    if "bias" in _faults(task.spec):
        import threading

        threading.Event().wait()  # hangs until the pool kills the worker
    return planted(task.run_id, task.spec)
