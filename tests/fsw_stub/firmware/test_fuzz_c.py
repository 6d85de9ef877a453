"""libFuzzer over the C deframer and decoder: the committed regression inputs (every crash
found, fixed) replay clean under ASan + UBSan in every `make test`; a time-boxed run from
the Python strategies' seeds in `make test-long` (`make fuzz-c` for a longer one)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fsw_stub.firmware.fuzz import REGRESSION_CORPUS, run_fuzzer, seed_corpus
from tests.system_tools import require_tool


@pytest.fixture(scope="module")
def fuzz_binary() -> Path:
    require_tool("clang", "clang libclang-rt-14-dev")
    from fsw_stub.firmware.build import fuzz_target

    return fuzz_target()


def test_regression_inputs_replay_clean(fuzz_binary: Path) -> None:
    inputs = sorted(REGRESSION_CORPUS.iterdir())
    assert inputs, "the crash the fuzzer found (a NULL + 0 in the deframer's flush) is kept"
    proc = subprocess.run(
        [str(fuzz_binary), *map(str, inputs)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Executed {inputs[0]}" in proc.stderr


def test_seeds_come_from_the_python_strategies(tmp_path: Path) -> None:
    n = seed_corpus(tmp_path, n=20)
    files = sorted(tmp_path.iterdir())
    assert len(files) == n == 21
    framed = sum(b"\x1a\xcf\xfc\x1d" in f.read_bytes() for f in files)  # ASM-framed streams
    assert framed >= n // 2
    assert seed_corpus(tmp_path / "again", n=20) == n  # derandomised: the same seeds
    assert [f.read_bytes() for f in files] == [
        f.read_bytes() for f in sorted((tmp_path / "again").iterdir())
    ]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_fuzzer_runs_clean_for_its_budget(fuzz_binary: Path, tmp_path: Path) -> None:
    res = run_fuzzer(30, tmp_path)
    assert res.returncode == 0, res.log[-4000:]
    assert res.executions > 1000
