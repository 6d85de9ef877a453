"""Codec throughput: encode (framing + CRC) and deframe + check + decode (CRC), frames/s.

Budget (docs/design.md): >= 200 k frames/s each way on the 2-core reference machine, with
construct as the single source of truth. construct's own interpreter is measured on the
same frames for comparison. Prints the median over ``REPEATS`` repetitions.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from benchmarks.figures import Figures
from packets import (
    Attitude,
    Deframer,
    Discretes,
    EngineCmd,
    Event,
    Framer,
    FswStatus,
    Imu,
    Lrf,
    Packet,
    Sync,
    Velocimeter,
    cuc_from_us,
)
from packets.icd import FrameStruct

REPEATS = 7
#: docs/design.md: encode and deframe each >= 200 k frames/s
BUDGET_K = 200.0
TICKS = 2_000  # control ticks per repetition
CONSTRUCT_FRAMES = 3_000
PERIOD_US = 50_000
#: chunk size for the deframer, like a serial read of a busy link
CHUNK_BYTES = 4096


def tick_traffic(k: int) -> list[Packet]:
    """One lockstep control tick's frames, both directions (ICD §4): a realistic mix."""
    out: list[Packet] = []
    for j in range(5):  # IMU at 100 Hz
        out.append(Imu(0.081, 1e-4 * j, -2e-4, 1e-5, -3e-5 * k, 0.0, 10_000, 1))
    out += [
        Lrf(1234.5 + k, 1, 200, 2 * k & 0xFFFF),
        Lrf(1234.0 + k, 1, 199, (2 * k + 1) & 0xFFFF),
        Attitude(0.70711, 0.0, -0.70711, 0.0, 1),
        Velocimeter(1.5, 0.0, -20.0, 1),
        Discretes(0),
        Sync(k, PERIOD_US),
    ]
    if k % 10 == 0:
        out.append(Event(7, 0, float(k)))
    out.append(FswStatus(k, 3, 1, 1200.0, -20.0, 1.5, 0.1, k, 0, 12 * k, 0, 0, 0))
    out.append(EngineCmd(k, 1, 0.6, 0.05))
    return out


def traffic(ticks: int) -> list[tuple[Packet, int]]:
    return [(p, cuc_from_us(k * PERIOD_US)) for k in range(ticks) for p in tick_traffic(k)]


def median_rate(n_frames: int, fn: Callable[[], object]) -> tuple[float, float]:
    """(median, best) frames/s over REPEATS calls of ``fn``, each handling n_frames."""
    rates = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        rates.append(n_frames / (time.perf_counter() - t0))
    return statistics.median(rates), max(rates)


def main(figures: Figures) -> None:
    items = traffic(TICKS)
    n = len(items)
    stream = Framer().encode_all(items)
    chunks = [stream[i : i + CHUNK_BYTES] for i in range(0, len(stream), CHUNK_BYTES)]

    def encode_all() -> bytes:
        return Framer().encode_all(items)

    def deframe_all() -> int:
        d = Deframer()
        got = 0
        for c in chunks:
            got += len(d.feed(c))
        if got != n:
            raise AssertionError(f"deframed {got} of {n} frames")
        return got

    print(
        f"{n} frames per repetition, {len(stream) / n:.1f} bytes/frame average, median of {REPEATS}"
    )
    for label, fn in (
        ("encode (frame + CRC)", encode_all),
        ("deframe + check + decode", deframe_all),
    ):
        med, best = median_rate(n, fn)
        figures.add(label, med / 1e3, "k frames/s", budget=BUDGET_K, best=best / 1e3)

    # construct's interpreter on the same mix, for comparison
    sample_items = items[:CONSTRUCT_FRAMES]
    frames = [Framer().encode(p, t) for p, t in sample_items]

    def construct_build() -> None:
        for f in frames:
            FrameStruct.build(FrameStruct.parse(f))

    def construct_parse() -> None:
        for f in frames:
            FrameStruct.parse(f)

    med, _ = median_rate(len(frames), construct_parse)
    figures.add("construct parse", med / 1e3, "k frames/s")
    med, _ = median_rate(len(frames), construct_build)
    figures.add("construct parse + build", med / 1e3, "k frames/s")


if __name__ == "__main__":
    main(Figures())
