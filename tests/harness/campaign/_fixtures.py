"""Small campaigns for the tests: the M2 scenario cut to a few seconds of sim time
(a run is ~10 ms), and worker functions that die, hang or raise on purpose."""

from __future__ import annotations

import os
import time
from pathlib import Path

from harness.campaign.store import RunRecord
from harness.campaign.worker import RunTask, run_task

ROOT = Path(__file__).resolve().parents[3]
M2 = ROOT / "hil_configs" / "hakuto_r_m2.toml"


def campaign_file(
    tmp: Path, body: str, name: str = "c.toml", sim_s: float = 2.0, fsw: str = "memory"
) -> Path:
    """A campaign on the M2 scenario, ``fsw`` FSW, ``sim_s`` of sim time a run."""
    path = tmp / name
    path.write_text(
        f'scenario = "{M2}"\nfsw = "{fsw}"\nset = ["run.max_sim_time_s={sim_s}"]\n' + body
    )
    return path


def dies_once_on_1_always_on_2_hangs_on_3(task: RunTask) -> RunRecord:
    """Run 1's worker dies on the first attempt only; run 2's on every attempt; run 3
    never returns; run 4 raises (run_task turns it into an error record)."""
    if task.run_id == 1 and task.attempt == 1:
        os._exit(3)
    if task.run_id == 2:
        os._exit(4)
    if task.run_id == 3:
        while True:
            time.sleep(1)
    if task.run_id == 4:
        from dataclasses import replace

        return run_task(replace(task, spec=replace(task.spec, artifacts="bogus")))
    return run_task(task)


#: the flip of ``soft_above_1234_5``: soft when the initial altitude is at least this
FLIP_ALT_M = 1234.5


def soft_above_1234_5(task: RunTask) -> RunRecord:
    """A stand-in run whose verdict is a known step function of initial.alt_m."""
    alt = task.spec.scenario.initial.alt_m
    return RunRecord(task.run_id, "done", verdict="soft" if alt >= FLIP_ALT_M else "crash")
