"""pcapng conversion: a finished capture.lhcap to capture.pcapng, frames/s.

Every run converts its capture once it is closed, so this is time added to each run: the
benchmark builds the capture of ``TICKS`` lockstep control ticks (the codec benchmark's
traffic mix, each direction written frame by frame as the link writes it), converts it
``REPEATS`` times and reports the median. Budget: >= 100 k frames/s, so the 100 s nominal
descent (~28 k frames) costs under 0.3 s.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_codec import PERIOD_US, tick_traffic
from benchmarks.figures import Figures
from harness.link.capture import F2H, H2F, CaptureWriter
from harness.pcapng.capture import write_pcapng_capture
from packets import EngineCmd, Event, Framer, FswStatus, cuc_from_us

REPEATS = 5
TICKS = 2_000
BUDGET_K = 100.0
_F2H = (EngineCmd, FswStatus, Event)


def write_capture(path: Path) -> int:
    framers = {H2F: Framer(), F2H: Framer()}
    capture = CaptureWriter(path)
    n = 0
    for k in range(TICKS):
        t_us = k * PERIOD_US
        for packet in tick_traffic(k):
            direction = F2H if isinstance(packet, _F2H) else H2F
            capture.record(t_us, direction, framers[direction].encode(packet, cuc_from_us(t_us)))
            n += 1
    capture.close()
    return n


def main(figures: Figures) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lhcap, pcapng = Path(tmp) / "capture.lhcap", Path(tmp) / "capture.pcapng"
        n = write_capture(lhcap)
        rates = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            cut = write_pcapng_capture(lhcap, pcapng, epoch_unix_ns=0)
            rates.append(n / (time.perf_counter() - t0))
            if len(cut) != n:
                raise AssertionError(f"{len(cut)} records for {n} frames")
        print(f"{n} frames, {lhcap.stat().st_size} capture bytes, median of {REPEATS}")
        figures.add(
            "lhcap -> pcapng",
            statistics.median(rates) / 1e3,
            "k frames/s",
            budget=BUDGET_K,
            best=max(rates) / 1e3,
        )


if __name__ == "__main__":
    main(Figures())
