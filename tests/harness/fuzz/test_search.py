"""The fuzzer finds every deliberately broken FSW, shrinks each to a reproducer of a few
frames that replays to the same violation, and the real stub survives."""

from __future__ import annotations

from pathlib import Path

import pytest

from fsw_stub.core import FlightSoftware
from harness.fuzz.driver import FuzzSettings, Target
from harness.fuzz.reproducer import launcher_factory, replay, write_capture
from harness.fuzz.search import search
from harness.launcher import FswKind
from tests.harness.fuzz.broken_fsw import BROKEN, endpoint

#: the broken FSW, the oracle that must catch it, and a case budget
FAST = [
    ("crashes_on_lrf_zero", "liveness"),
    ("answers_duplicate_twice", "lockstep"),
    ("nan_on_zero_mass", "command_sanity"),
    ("trusts_length", "accounting"),
]
SLOW = [("hangs_after_seq_wrap", "liveness"), ("no_resync", "liveness")]
#: a short answer timeout keeps shrinking a hang cheap; a correct FSW in memory answers
#: at once (its resync needs one quiet read), so runs meant to pass get more slack
SETTINGS = FuzzSettings(answer_timeout_s=0.05, shrink_budget_s=40.0)
PASSING = FuzzSettings(answer_timeout_s=0.5)


def fuzz_variant(name: str, tmp_path: Path, cases: int = 3000) -> None:
    cls = BROKEN[name]
    target = Target(lambda: endpoint(cls), SETTINGS)
    try:
        res = search(target, cases=cases, run_seed=1)
    finally:
        target.close()
    assert res.failure is not None, f"{name} survived {res.cases} cases"
    f = res.failure
    frames = sum(len(w.parts) for w in f.case)
    assert f.reproducible and frames <= 8, [w.carries for w in f.case]
    capture = write_capture(tmp_path / f"{name}.lhcap", f.exchange)
    again = replay(capture, lambda: endpoint(cls), SETTINGS)
    assert again.violation is not None and again.violation.oracle == f.violation.oracle
    assert again.violation.detail == f.violation.detail
    # the stub itself passes the same reproducer
    assert replay(capture, lambda: endpoint(FlightSoftware), PASSING).violation is None
    return f.violation.oracle  # type: ignore[return-value]


@pytest.mark.parametrize(("name", "oracle"), FAST)
def test_a_broken_fsw_is_found_and_shrunk(name: str, oracle: str, tmp_path: Path):
    assert fuzz_variant(name, tmp_path) == oracle  # type: ignore[func-returns-value]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "oracle"), SLOW)
def test_a_broken_fsw_is_found_and_shrunk_slow(name: str, oracle: str, tmp_path: Path):
    assert fuzz_variant(name, tmp_path, cases=20_000) == oracle  # type: ignore[func-returns-value]


def test_the_stub_survives_in_memory(tmp_path: Path):
    target = Target(launcher_factory(FswKind.MEMORY, run_dir=tmp_path), PASSING)
    try:
        res = search(target, cases=1500, run_seed=7)
    finally:
        target.close()
    assert res.failure is None, res.failure and res.failure.violation
    assert res.cases == 1500 and res.fsw_starts == 1
    assert res.accepted_share >= 0.5  # most frames reach past the deframer


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_the_stub_survives_over_a_pty(profile: str, tmp_path: Path):
    factory = launcher_factory(FswKind.PYTHON_STUB, run_dir=tmp_path, profile=profile)
    target = Target(factory, FuzzSettings(answer_timeout_s=2.0, fresh_fsw_per_shrink=False))
    try:
        res = search(target, cases=400, run_seed=3)
    finally:
        target.close()
    assert res.failure is None, res.failure and res.failure.violation
    assert res.cases == 400


def test_a_corpus_keeps_a_failure_for_the_next_run(tmp_path: Path):
    cls = BROKEN["answers_duplicate_twice"]
    corpus = tmp_path / "corpus"
    first = search(Target(lambda: endpoint(cls), SETTINGS), cases=3000, run_seed=1, corpus=corpus)
    assert first.failure is not None and any(corpus.rglob("*"))
    # the next run, with another seed and no budget for new cases, finds it at once
    again = search(Target(lambda: endpoint(cls), SETTINGS), cases=0, run_seed=99, corpus=corpus)
    assert again.failure is not None and again.cases == 0
    assert again.failure.violation.oracle == first.failure.violation.oracle
