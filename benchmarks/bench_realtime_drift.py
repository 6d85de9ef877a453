"""Real time, the long haul: 10 minutes of the whole powered descent (``nominal_full``,
from 20 km) paced at its 100 Hz plant step, the stub as a subprocess on its own 50 ms
clock over a pty, the capture written -- does the plant's time drift off the wall clock?

The plant is paced by absolute ``time.monotonic()`` deadlines (``t0 + k * step``), so
lateness cannot accumulate: the drift at the end is the last step's lateness, whatever
the stalls before it. This benchmark measures that, and the median lateness over the
first and the last minute (a growing lateness would show there). Budget (issue 13):
drift over a 10-minute run <= 1 ms. ``LUNAR_HIL_RT_SECONDS`` changes the length,
``LUNAR_HIL_RT_PRIORITY=50`` runs under SCHED_FIFO.
Run: .venv/bin/python -m benchmarks realtime_drift     (~10 min)
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.bench_realtime import fly

if TYPE_CHECKING:
    from benchmarks.figures import Figures

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "hil_configs" / "nominal_full.toml"
#: nominal_full as a board flies it (as nominal_realtime.toml does for nominal)
REALTIME = ("run.mode=realtime", "fsw.clock=own", "link.baud=0")


def main(figures: Figures) -> None:
    seconds = float(os.environ.get("LUNAR_HIL_RT_SECONDS", "600"))
    prio = int(os.environ.get("LUNAR_HIL_RT_PRIORITY", "0"))
    print(f"  {seconds:.0f} s of nominal_full in real time, priority {prio or 'SCHED_OTHER'}")
    print(f"  load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)", flush=True)
    rt = fly(seconds, prio, SCENARIO, REALTIME)
    late = rt["lateness_s"]
    minute = min(len(late) // 2, 6000)  # 100 Hz steps
    first = statistics.median(late[:minute]) * 1e3
    last = statistics.median(late[-minute:]) * 1e3
    figures.add("drift at the end (last step's lateness)", rt["drift_ms"], "ms", budget=1.0,
                higher_is_better=False, steps=rt["steps"], verdict=rt["verdict"])  # fmt: skip
    figures.add("median lateness, first minute", first, "ms", higher_is_better=False)
    figures.add("median lateness, last minute", last, "ms", higher_is_better=False)
    figures.add("achieved ratio", rt["achieved_ratio"], "", higher_is_better=False,
                jitter_p99_ms=rt["jitter_p99_ms"], overruns=rt["overruns"])  # fmt: skip
    print(f"  load after: {os.getloadavg()[0]:.2f}", flush=True)
