"""Fuzz cases per second against the FSW stub: in-process (memory link) and as a
subprocess over a pty. Prints the median of a few runs.

A *case* is one generated lockstep session (``harness.fuzz.generate``): a baseline
SYNC(0), 1 to 5 writes of 0 to 6 sensor frames each (valid, mutated above or below the
CRC, garbage between them, cut into up to 4 chunks) ending with a SYNC (next, repeated,
skipped, back, wrapping tick) or a PING storm, and a closing PING -- about 17 frames
and 5 answered writes on average -- sent, answered and judged by all four oracles.

Over a pty the stub runs as ``python -m fsw_stub --resync-s 0.02``: a case whose write
leaves a partial frame (a frame cut short before the SYNC) waits for the FSW's resync on
quiet, and the stub's default 0.5 s (a UART constant: ICD §2 rule 7) would dominate; a
pty has no baud. The default is measured too (informative).

Budget (docs/design.md): memory >= 2,000 cases/s; pty >= 500 cases/s.
Run: .venv/bin/python -m benchmarks fuzz
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figures
from harness.fuzz.driver import FuzzSettings, Target
from harness.fuzz.reproducer import launcher_factory
from harness.fuzz.search import BLOB_BYTES, search
from harness.launcher import FswKind

FAST_RESYNC = "{python} -m fsw_stub --port {{port}} --config {{config}} --resync-s 0.02"


def rate(
    kind: FswKind, cases: int, reps: int, command: str | None = None, cpu: list[float] | None = None
) -> list[float]:
    """Cases per wall second, per run; with ``cpu``, also cases per CPU second of this
    process (in memory the whole fuzzer and FSW: a figure the machine's load leaves be)."""
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            factory = launcher_factory(kind, run_dir=Path(tmp) / str(i), command=command)
            timeout = 0.25 if kind is FswKind.MEMORY else 2.0
            target = Target(factory, FuzzSettings(answer_timeout_s=timeout))
            target.start()
            cpu0 = time.process_time()
            try:
                res = search(target, cases=cases, run_seed=i)
            finally:
                target.close()
            if cpu is not None:
                cpu.append(res.cases / (time.process_time() - cpu0))
            if res.failure is not None:
                raise AssertionError(f"the stub violated an oracle: {res.failure.violation}")
            rates.append(res.cases_per_s)
            share = res.accepted_share
            frames = res.frames_sent / res.cases
    print(f"  ({kind.value}: {frames:.1f} frames a case, {100 * share:.0f} % accepted)")
    return rates


def hypothesis_draw_us(n: int = 300) -> float:
    """What hypothesis costs to draw one case's bytes itself (``st.binary`` of
    ``BLOB_BYTES``): why exploring draws them from ``random.Random`` instead."""
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None)
    @given(st.binary(min_size=BLOB_BYTES, max_size=BLOB_BYTES))
    def one(blob: bytes) -> None:
        pass

    t = time.perf_counter()
    one()
    return (time.perf_counter() - t) / n * 1e6


def main(figures: Figures, reps: int = 3) -> None:
    print(f"fuzz cases/s against the stub, {reps} runs each (median)")
    cpu: list[float] = []
    mem = rate(FswKind.MEMORY, 3000, reps, cpu=cpu)
    figures.add("memory, median", statistics.median(mem), "cases/s", budget=2000.0,
                min=min(mem), max=max(mem))  # fmt: skip
    figures.add("memory, per CPU second, median", statistics.median(cpu), "cases/CPU-s")
    cmd = FAST_RESYNC.format(python=sys.executable)
    pty = rate(FswKind.PROCESS, 600, reps, command=cmd)
    figures.add("pty (stub --resync-s 0.02), median", statistics.median(pty), "cases/s",
                budget=500.0, min=min(pty), max=max(pty))  # fmt: skip
    default = rate(FswKind.PYTHON_STUB, 200, 1)
    figures.add("pty (stub as launched, 0.5 s resync)", default[0], "cases/s")
    figures.add("hypothesis drawing one case's bytes", hypothesis_draw_us(), "us",
                higher_is_better=False)  # fmt: skip


if __name__ == "__main__":
    main(Figures(), int(sys.argv[1]) if len(sys.argv) > 1 else 3)
