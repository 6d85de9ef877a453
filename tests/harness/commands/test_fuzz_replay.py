"""`lunar-hil fuzz` and `lunar-hil replay`: exit codes, the summary, the reproducer files,
and a replay of a run's capture."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

import harness.cli
from harness.link.capture import H2F, read_capture

FAKE = Path(__file__).parents[1] / "fake_fsw.py"


def lunar_hil(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    mine = ("fuzz", "replay", "decode", "run")
    monkeypatch.setattr(
        harness.cli, "COMMANDS", {k: v for k, v in harness.cli.COMMANDS.items() if k in mine}
    )
    return harness.cli.main(list(argv))


def test_fuzz_the_stub_in_memory_exits_0_with_a_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    assert (
        lunar_hil(monkeypatch, "fuzz", "--cases", "300", "--seed", "4", "--out", str(tmp_path)) == 0
    )
    out = capsys.readouterr().out
    assert "cases: 300 in" in out and "no oracle violated" in out
    summary = json.loads((tmp_path / "fuzz.json").read_text())
    assert summary["cases"] == 300 and summary["violation"] is None
    assert summary["accepted_share"] >= 0.5 and summary["frames_sent"] > 300


def test_a_harness_error_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # a process FSW without a command line: nothing to fuzz
    assert lunar_hil(monkeypatch, "fuzz", "--fsw", "process", "--out", str(tmp_path)) == 2


def test_replay_a_run_capture_against_the_stub(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    run = tmp_path / "run"
    cfg = Path(__file__).parents[3] / "hil_configs" / "nominal.toml"
    argv = ["run", str(cfg), "--fsw", "memory", "--out", str(run), "--no-plot"]
    assert lunar_hil(monkeypatch, *argv, "--set", "run.max_sim_time_s=5") == 0
    capsys.readouterr()
    assert lunar_hil(monkeypatch, "replay", str(run / "capture.lhcap")) == 0
    out = capsys.readouterr().out
    ticks = {r.sim_us for r in read_capture(run / "capture.lhcap") if r.direction == H2F}
    assert f"replayed {len(ticks)} writes" in out and "no oracle violated" in out


@pytest.mark.slow
def test_fuzz_a_process_fsw_finds_its_nan_writes_reproducers_that_replay(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pytester: pytest.Pytester,
):
    command = f"{shlex.quote(sys.executable)} {FAKE} nan {{port}}"
    fsw = ["--fsw", "process", "--command", command]
    argv = ["fuzz", *fsw, "--cases", "50", "--shrink-budget-s", "10", "--out", str(tmp_path)]
    assert lunar_hil(monkeypatch, *argv) == 1
    out = capsys.readouterr().out
    assert "VIOLATED command_sanity" in out and "lunar-hil replay" in out
    capture = tmp_path / "reproducer.lhcap"
    assert lunar_hil(monkeypatch, "decode", "--summary", str(capture)) == 0
    capsys.readouterr()
    assert lunar_hil(monkeypatch, "replay", str(capture), *fsw) == 1
    assert "VIOLATED command_sanity" in capsys.readouterr().out
    assert lunar_hil(monkeypatch, "replay", str(capture)) == 0  # the stub has no such bug
    # the pytest file replays it too, and fails while the bug is there
    pytester.makepyfile(test_repro=(tmp_path / "test_reproducer.py").read_text())
    (pytester.path / "reproducer.lhcap").write_bytes(capture.read_bytes())
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: command_sanity*"])  # not a failed boot


def test_reproducer_commands_keep_a_symlinked_interpreter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # a virtualenv's python is a symlink to the base interpreter, which lacks the venv's
    # packages: the replay command must name the link, made absolute, not its target
    from harness.commands.fuzz import absolute_command

    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "python3").write_text("")
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "python").symlink_to(tmp_path / "base" / "python3")
    (tmp_path / "fsw.py").write_text("")
    monkeypatch.chdir(tmp_path)
    got = shlex.split(absolute_command("venv/python -m fsw_stub fsw.py --port {port}"))
    assert got == [
        str(tmp_path / "venv" / "python"), "-m", "fsw_stub",
        str(tmp_path / "fsw.py"), "--port", "{port}",
    ]  # fmt: skip
