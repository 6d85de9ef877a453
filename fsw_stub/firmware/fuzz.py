"""Coverage-guided fuzzing of the C deframer and decoder (``make fuzz-c``).

``python -m fsw_stub.firmware.fuzz --seconds 60`` builds ``fuzz/fuzz_deframer.c`` with
clang's libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, seeds it from the
Python strategies (``packets.strategies``: valid streams, damaged streams, a flight's
worth of sensor frames), adds the committed regression inputs (``fuzz/corpus/``: every
crash ever found, kept), and runs it for a fixed time. It prints the executions and
executions per second, and exits non-zero on a crash -- whose input libFuzzer writes to
the work directory, to be fixed and then committed under ``fuzz/corpus/``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from hypothesis.strategies import SearchStrategy

from fsw_stub.firmware.build import BUILD, FUZZ, fuzz_target

T = TypeVar("T")
REGRESSION_CORPUS = FUZZ / "corpus"
MAX_LEN = 8192


def _examples(strategy: SearchStrategy[T], n: int) -> list[T]:
    """``n`` draws of a hypothesis strategy, the same every time (derandomised)."""
    from hypothesis import HealthCheck, given, settings

    out: list[T] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(x: T) -> None:
        out.append(x)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    return out


def _flight_seed() -> bytes:
    """A plausible start of a descent: PING, STATE_INIT, then 40 ticks of sensor frames."""
    from packets import Attitude, Discretes, Framer, Imu, Lrf, Ping, StateInit, Sync

    f = Framer()
    out = f.encode(Ping(1), 0) + f.encode(StateInit(3000.0, 0.0, 5.0, -55.0, 600.0, 50.0, 2.0), 0)
    for k in range(40):
        cuc = (k * 50_000 * 65536 + 500_000) // 1_000_000
        for _ in range(5):
            out += f.encode(Imu(0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 10_000, 1), cuc)
        out += f.encode(Attitude(0.70710677, 0.0, -0.70710677, 0.0, 1), cuc)
        out += f.encode(Lrf(3000.0 - 2.75 * k, 1, 200, k), cuc)
        out += f.encode(Discretes(0, 0), cuc) + f.encode(Sync(k, 50_000), cuc)
    return out


def seed_corpus(directory: Path, n: int = 200) -> int:
    """Write seeds drawn from packets.strategies; returns how many."""
    from packets.strategies import damaged_streams, streams

    directory.mkdir(parents=True, exist_ok=True)
    seeds: list[bytes] = [_flight_seed()]
    seeds += [s.data for s in _examples(streams(max_frames=30), n // 2)]
    seeds += [d.data for d in _examples(damaged_streams(max_frames=60), n // 2)]
    for i, data in enumerate(seeds):
        chunk = bytes([i % 256])  # the target's first byte picks the chunk length
        (directory / f"seed-{i:04d}").write_bytes(chunk + data[: MAX_LEN - 1])
    return len(seeds)


@dataclass(frozen=True)
class FuzzResult:
    returncode: int
    executions: int
    execs_per_s: int
    new_units: int
    log: str


def run_fuzzer(seconds: int, workdir: Path | None = None) -> FuzzResult:
    """Build, seed, and fuzz for ``seconds``; crash inputs land in ``workdir``."""
    target = fuzz_target()
    work = workdir or BUILD / "fuzz" / "work"
    corpus = work / "corpus"
    seeds = work / "seeds"
    corpus.mkdir(parents=True, exist_ok=True)
    seed_corpus(seeds)
    argv = [
        str(target),
        f"-max_total_time={seconds}",
        f"-max_len={MAX_LEN}",
        "-print_final_stats=1",
        f"-artifact_prefix={work}/",
        str(corpus),
        str(seeds),
        str(REGRESSION_CORPUS),
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120, check=False)
    log = proc.stderr

    def stat(name: str) -> int:
        m = re.search(rf"stat::{name}:\s+(\d+)", log)
        return int(m.group(1)) if m else 0

    return FuzzResult(
        proc.returncode,
        stat("number_of_executed_units"),
        stat("average_exec_per_sec"),
        stat("new_units_added"),
        log,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fsw_stub.firmware.fuzz", description=__doc__)
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args(argv)
    res = run_fuzzer(args.seconds)
    if res.returncode != 0:
        print(res.log[-4000:], file=sys.stderr)
        print(f"fuzz-c: CRASH (exit {res.returncode}); the input is in {BUILD / 'fuzz' / 'work'}")
        return 1
    print(
        f"fuzz-c: clean for {args.seconds} s: {res.executions} executions,"
        f" {res.execs_per_s} exec/s, {res.new_units} new corpus units"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
