"""The pytest plugin: the ``hil`` fixture flies the FSW chosen on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.pytest_plugin import Hil

CONFIGS = Path(__file__).resolve().parents[2] / "hil_configs"


def test_hil_fixture_runs_a_scenario_and_keeps_its_artifacts(hil: Hil) -> None:
    r = hil.run("hil_configs/nominal.toml", profile="robust")
    assert r.verdict == "soft", r.end_reason
    assert r.result["fsw"]["kind"] == hil.fsw  # memory unless --hil-fsw says otherwise
    assert r.touchdown is not None and r.touchdown["vz_mps"] > -2.0
    assert (r.run_dir / "result.json").is_file()


def test_command_line_chooses_the_fsw_and_failures_name_their_runs(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_bench=f"""
        def test_kind_is_passed_through(hil):
            r = hil.run(r"{CONFIGS / "nominal.toml"}", profile="robust")
            assert r.result["fsw"]["kind"] == "python-stub"
            assert r.verdict == "soft"

        def test_m2_naive_must_fail(hil):
            r = hil.run(r"{CONFIGS / "hakuto_r_m2.toml"}", profile="naive")
            assert r.verdict == "soft"
        """
    )
    result = pytester.runpytest("--hil-fsw", "python-stub")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*lunar-hil runs*", "crash: touchdown at t=*-> *hakuto_r_m2-naive-0*"]
    )


def test_hil_out_directories_are_named_by_node_id(pytester: pytest.Pytester) -> None:
    """Review finding 24: same-named tests in two modules keep two run directories."""
    body = """
        def test_same(hil):
            assert hil.run("nominal", profile="robust").verdict == "soft"
        """
    pytester.makepyfile(test_a=body, test_b=body)
    out = pytester.path / "hilout"
    result = pytester.runpytest("--hil-out", str(out))
    result.assert_outcomes(passed=2)
    dirs = sorted(p.name for p in out.iterdir())
    assert dirs == ["test_a.py__test_same", "test_b.py__test_same"]
    assert all((out / d / "nominal-robust-0" / "result.json").exists() for d in dirs)


def test_a_test_re_run_with_the_same_hil_out_replaces_its_runs(pytester: pytest.Pytester) -> None:
    """At b8f8707 the second `pytest --hil-out DIR` failed every HIL test: its run
    directory was not empty (RunDirError), though it was the same test's own."""
    pytester.makepyfile(
        test_a="""
        def test_same(hil):
            assert hil.run("nominal", profile="robust").verdict == "soft"
        """
    )
    out = pytester.path / "hilout"
    pytester.runpytest("--hil-out", str(out)).assert_outcomes(passed=1)
    run = out / "test_a.py__test_same" / "nominal-robust-0"
    (run / "stale.txt").write_text("left by an earlier session")
    pytester.runpytest("--hil-out", str(out)).assert_outcomes(passed=1)
    assert (run / "result.json").is_file() and not (run / "stale.txt").exists()


def test_ctrl_c_during_a_run_stops_pytest(hil: Hil, monkeypatch: pytest.MonkeyPatch) -> None:
    """At b8f8707 a Ctrl-C during hil.run ended that run `aborted` and the test failed,
    but pytest went on with the next tests: Ctrl-C did not stop the session."""
    from harness.simulator import Simulator

    real = Simulator.advance_to
    calls = {"n": 0}

    def advance_then_ctrl_c(self: Simulator, t_us: int) -> object:
        calls["n"] += 1
        if calls["n"] == 200:
            raise KeyboardInterrupt  # as a Ctrl-C lands in the loop
        return real(self, t_us)

    monkeypatch.setattr(Simulator, "advance_to", advance_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt, match="interrupted at t="):
        hil.run("nominal", profile="robust")
    (run_dir,) = hil.out.iterdir()
    assert '"verdict": "aborted"' in (run_dir / "result.json").read_text()
