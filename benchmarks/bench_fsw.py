"""One FSW stub control cycle in-process: decode the tick's inputs, GNC, encode outputs.

A tick's input is what the harness sends at 20 Hz with a 100 Hz IMU: five IMU frames,
one ATTITUDE, one LRF (every other tick), DISCRETES and SYNC -- pre-encoded, so the
figure is the stub's own work (deframe + CRC + decode, navigation, LRF gate, guidance,
allocation, FSW_STATUS + ENGINE_CMD encode). Budget: <= 100 µs median.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.figures import Figures
from fsw_stub.core import make
from packets import Attitude, Discretes, Framer, Imu, Lrf, StateInit, Sync, cuc_from_us

PERIOD_US = 50_000
TICKS = 4000
Q_UP = (0.7071067811865476, 0.0, -0.7071067811865476, 0.0)


def _inputs(n: int) -> list[bytes]:
    fr = Framer()
    out = []
    alt, vz = 3000.0, -55.0
    for k in range(1, n + 1):
        t = k * PERIOD_US
        data = b""
        for i in range(5):
            ti = t - PERIOD_US + (i + 1) * 10_000
            data += fr.encode(Imu(0.033, 0.0, 0.0, 0.0, 0.0, 0.0, 10_000, 1), cuc_from_us(ti))
        data += fr.encode(Attitude(*Q_UP, 1), cuc_from_us(t))
        alt += vz * PERIOD_US / 1e6
        if k % 2 == 0:
            data += fr.encode(Lrf(max(alt, 1.0), 1, 200, k & 0xFFFF), cuc_from_us(t))
        data += fr.encode(Discretes(0), cuc_from_us(t)) + fr.encode(
            Sync(k, PERIOD_US), cuc_from_us(t)
        )
        out.append(data)
    return out


def main(figures: Figures) -> None:
    for profile in ("naive", "robust"):
        fsw = make(profile, period_us=PERIOD_US)
        fsw.receive(Framer().encode(StateInit(3000.0, 0.0, 0.0, -55.0, 600.0, 20.0, 1.0), 0))
        inputs = _inputs(TICKS)
        clock = time.perf_counter_ns
        samples = []
        for data in inputs:
            t0 = clock()
            fsw.receive(data)
            samples.append((clock() - t0) / 1000.0)
        samples.sort()
        p99 = samples[int(0.99 * len(samples))]
        figures.add(
            f"fsw_stub {profile} control cycle, median",
            statistics.median(samples),
            "µs",
            budget=100.0,
            higher_is_better=False,
            p99_us=p99,
            ticks=TICKS,
        )


if __name__ == "__main__":
    main(Figures())
