"""The C FSW in the whole loop, lockstep, on the nominal scenario (robust profile):

* ``c-host``   -- the host program over a pty (budget, DESIGN.md: >= 300x real time;
                  the Python stub over a pty, ``python-stub``, is measured beside it);
* ``c-memory`` -- the core as a shared library through ctypes, in-process;
* ``qemu``     -- the board image on the emulated Cortex-M4F, over QEMU's pty: its
                  real-time factor, and its control-cycle time as the board itself measures
                  it (SysTick, 25 MHz; QEMU's virtual clock follows the host clock, so
                  these are wall microseconds of emulated execution), from the board's
                  console (UART1 -> board_console.log).

Medians. Run: .venv/bin/python -m benchmarks firmware  (or benchmarks/bench_firmware.py [reps])
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.figures import Figures
from harness import runner

SCENARIO = Path(__file__).resolve().parents[1] / "hil_configs" / "nominal.toml"
_CONSOLE = re.compile(r"cycles (\d+) mean_us (\d+) max_us (\d+)")


def fly(kind: str, reps: int) -> list[dict[str, Any]]:
    """``reps`` flights; each result.json, plus the board's last console line if any."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            run_dir = Path(tmp) / f"{kind}-{i}"
            r = runner.run(
                runner.RunRequest(
                    config=SCENARIO, profile="robust", fsw_kind=kind, out=run_dir, plot=False
                )
            )
            res = dict(r.result)
            console = run_dir / "board_console.log"
            if console.exists():
                stats = _CONSOLE.findall(console.read_text())
                if stats:
                    res["board_cycles"] = tuple(int(x) for x in stats[-1])
            out.append(res)
    last = out[-1]
    print(f"  ({kind}: verdict {last['verdict']}, sim {last['sim_time_s']:.1f} s)")
    return out


def main(figures: Figures, reps: int = 5) -> None:
    print(f"the C FSW, whole loop, lockstep, {SCENARIO.name}, robust, {reps} runs each")
    for kind, budget in (("c-host", 300.0), ("python-stub", None), ("c-memory", None)):
        f = [r["realtime_factor"] for r in fly(kind, reps)]
        figures.add(
            f"{kind} lockstep, median",
            statistics.median(f),
            "x real time",
            budget=budget,
            min=min(f),
            max=max(f),
        )
    board = fly("qemu", max(1, reps // 2))
    f = [r["realtime_factor"] for r in board]
    figures.add("qemu board lockstep, median", statistics.median(f), "x real time", min=min(f))
    cycles = [r["board_cycles"] for r in board if "board_cycles" in r]
    if cycles:
        figures.add(
            "qemu board control cycle (SysTick), median of runs' means",
            statistics.median(c[1] for c in cycles),
            "us",
            higher_is_better=False,
            max_us=max(c[2] for c in cycles),
            cycles_per_run=cycles[0][0],
        )


if __name__ == "__main__":
    main(Figures(), int(sys.argv[1]) if len(sys.argv) > 1 else 5)
