"""The function every executor runs: one ``RunTask`` in, one small ``RunRecord`` out.

``run_task`` is the same in this process, in a pool worker and on a Dask worker; it
holds no globals but the scenario's terrain cache (harness.scenario), opens nothing
that outlives the call and never raises: a harness bug is a record with status
``error`` and the traceback. An FSW verdict (``fsw_crash``, ``fsw_timeout`` ...) is a
result like any other (status ``done``). The record carries the compact summary the
store keeps, never the rows.
"""

from __future__ import annotations

import shutil
import time
import traceback
from dataclasses import dataclass, replace
from typing import Any

from harness.campaign.store import RunRecord
from harness.runner import RunSpec, RunSummary, execute

SOFT = "soft"
#: link counters kept per run (the rest of result.json's link object stays out of the store)
LINK_COUNTERS = (
    "bytes_sent",
    "bytes_received",
    "resyncs",
    "stale_answers",
    "engine_cmd_rejected",
    "engine_cmd_lost",
    "engine_cmd_late",
    "max_missed_commands_in_row",
    "unexpected_frames",
)


@dataclass(frozen=True)
class RunTask:
    run_id: int
    spec: RunSpec
    #: 1, or 2 when retried after its worker died
    attempt: int = 1
    #: keep the run directory only when the verdict is not soft
    keep_failures_only: bool = False


def compact_summary(result: dict[str, Any]) -> dict[str, Any]:
    link = result.get("link") or {}
    received = link.get("received") or {}
    counters = {k: link[k] for k in LINK_COUNTERS if k in link}
    for k in ("crc_errors", "rejected", "seq_gaps", "skipped_bytes"):
        if k in received:
            counters[f"rx_{k}"] = received[k]
    return {
        "end_reason": result.get("end_reason"),
        "touchdown": result.get("touchdown"),
        "metrics": result.get("metrics"),
        "faults_applied": [
            {k: f.get(k) for k in ("index", "kind", "sensor", "applied", "counts")}
            for f in result.get("faults_applied") or []
        ],
        "link": counters,
        "realtime_factor": result.get("realtime_factor"),
        "sim_time_s": result.get("sim_time_s"),
        "ticks": result.get("ticks"),
        "boot_wall_s": result.get("boot_wall_s"),
        "session_wall_s": result.get("wall_time_s"),
    }


def record_of(run_id: int, summary: RunSummary, wall_s: float, attempt: int) -> RunRecord:
    res = summary.result
    td = res.get("touchdown") or {}
    fv = (res.get("metrics") or {}).get("lrf_first_valid") or {}
    error = res.get("harness_error")
    return RunRecord(
        run_id=run_id,
        status="error" if error else "done",
        verdict=res.get("verdict"),
        causes=tuple(res.get("causes") or ()),
        touchdown_vz_mps=td.get("vz_mps"),
        touchdown_vx_mps=td.get("vx_mps"),
        propellant_kg=td.get("propellant_kg"),
        lrf_first_valid_alt_m=fv.get("alt_true_m"),
        telemetry_sha256=summary.telemetry_sha256,
        wall_s=wall_s,
        error=error,
        attempts=attempt,
        summary=compact_summary(res) if "metrics" in res else None,
    )


def run_task(task: RunTask) -> RunRecord:
    """Fly one task; never raises."""
    t0 = time.perf_counter()
    try:
        spec = task.spec
        if spec.out is not None and spec.out.exists():
            shutil.rmtree(spec.out)  # a half-written directory from an interrupted attempt
        summary = execute(replace(spec, keep_rows=False))
        summary.outcome = None
        if task.keep_failures_only and summary.verdict == SOFT and summary.run_dir is not None:
            shutil.rmtree(summary.run_dir, ignore_errors=True)
        return record_of(task.run_id, summary, time.perf_counter() - t0, task.attempt)
    except Exception:
        return RunRecord(
            run_id=task.run_id,
            status="error",
            error=traceback.format_exc(),
            wall_s=time.perf_counter() - t0,
            attempts=task.attempt,
        )
