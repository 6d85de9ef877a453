"""The C FSW in the whole loop, lockstep, on the nominal scenario (robust profile):

* ``c-host``   -- the host program over a pty (budget, docs/design.md: >= 300x real time;
                  the Python stub over a pty, ``python-stub``, is measured beside it);
* ``c-memory`` -- the core as a shared library through ctypes, in-process;
* ``qemu``     -- the board image on the emulated Cortex-M4F, over QEMU's pty: its
                  real-time factor, and its control-cycle time as the board itself measures
                  it (SysTick, 25 MHz; QEMU's virtual clock follows the host clock, so
                  these are wall microseconds of emulated execution), from the board's
                  console (UART1 -> board_console.log); and once more under
                  ``-icount shift=0`` (one instruction per virtual nanosecond), where the
                  same SysTick count is emulated instructions: 1 cycle at 25 MHz = 40.

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
from harness import qemu, runner

SCENARIO = Path(__file__).resolve().parents[1] / "hil_configs" / "nominal.toml"
_CONSOLE = re.compile(r"cycles (\d+) mean_us \d+ max_us \d+ mean_ticks (\d+) max_ticks (\d+)")
#: SysTick runs at the board's 25 MHz clock; under -icount shift=0 a tick is 40 instructions
TICKS_PER_US = 25
INSTRUCTIONS_PER_TICK = 40


def fly(kind: str, reps: int) -> list[dict[str, Any]]:
    """``reps`` flights: each result.json, and a board's last console line if any."""
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
    _board_cycle_figures(figures, cycles)
    qemu.EXTRA_ARGS = ("-icount", "shift=0")
    try:
        counted = fly("qemu", 1)
    finally:
        qemu.EXTRA_ARGS = ()
    if "board_cycles" in counted[0]:
        n, mean_ticks, max_ticks = counted[0]["board_cycles"]
        figures.add(
            "qemu board control cycle, emulated instructions (-icount), mean",
            mean_ticks * INSTRUCTIONS_PER_TICK,
            "instructions",
            higher_is_better=False,
            max=max_ticks * INSTRUCTIONS_PER_TICK,
            cycles=n,
            realtime_factor=counted[0]["realtime_factor"],
        )


def _board_cycle_figures(figures: Figures, cycles: list[tuple[int, int, int]]) -> None:
    if cycles:
        figures.add(
            "qemu board control cycle (SysTick), median of runs' means",
            statistics.median(c[1] / TICKS_PER_US for c in cycles),
            "us",
            higher_is_better=False,
            max_us=max(c[2] / TICKS_PER_US for c in cycles),
            cycles_per_run=cycles[0][0],
        )


if __name__ == "__main__":
    main(Figures(), int(sys.argv[1]) if len(sys.argv) > 1 else 5)
