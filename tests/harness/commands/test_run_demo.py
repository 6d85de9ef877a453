"""`lunar-hil run` and `lunar-hil demo` as a user calls them: summaries, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import launcher
from harness.cli import main

CONFIGS = Path(__file__).resolve().parents[3] / "hil_configs"

#: the FSW.toml paths recording_stub was called with
factory_calls: list[Path] = []


def recording_stub(fsw_config: Path) -> Any:
    """A memory FSW factory (``--fsw memory --command module:callable``): the stub."""
    factory_calls.append(fsw_config)
    return launcher.python_stub(fsw_config)


def test_run_prints_the_story_and_expect_sets_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", str(CONFIGS / "hakuto_r_m2.toml"), "--fsw", "memory", "--no-plot"]
    assert main([*args, "--profile", "naive", "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "verdict: CRASH" in out
    assert "LRF first valid at 8" in out and "m/s" in out
    assert "artifacts: " in out
    assert main([*args, "--out", str(tmp_path / "b"), "--expect", "crash"]) == 0  # [fsw] profile
    assert (
        main([*args, "--profile", "robust", "--out", str(tmp_path / "c"), "--expect", "crash"]) == 1
    )
    assert "expected crash, got soft" in capsys.readouterr().err
    assert json.loads((tmp_path / "c" / "result.json").read_text())["verdict"] == "soft"


def test_set_overrides_reach_the_run(tmp_path: Path) -> None:
    sets = ["--set", "initial.alt_m=500", "--set", "fsw.alt_error_m=3"]
    args = ["run", str(CONFIGS / "nominal.toml"), "--fsw", "memory", "--no-plot"]
    assert main([*args, "--out", str(tmp_path), *sets]) == 0
    rows = (tmp_path / "telemetry.csv").read_text().splitlines()
    assert rows[1].split(",")[3] == "500.0"  # alt_m at t = 0
    assert json.loads((tmp_path / "result.json").read_text())["overrides"] == [
        "initial.alt_m=500", "fsw.alt_error_m=3"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--set", "vehicle.max_thrust_n=-5"], "vehicle.max_thrust_n: expected a number > 0"),
        (["--set", "fsw.profile=clever"], "fsw.profile: expected one of 'naive', 'robust'"),
        (["--set", "vehicle.max_thrust=1"], "vehicle.max_thrust"),
    ],
)
def test_bad_config_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code = main(
        ["run", str(CONFIGS / "nominal.toml"), "--fsw", "memory", "--out", str(tmp_path), *extra]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert f"error: --set {extra[1]}: " in err  # the override, not the file, is to blame


def test_missing_config_and_unopenable_port_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tmp_path / "nope.toml"), "--fsw", "memory"]) == 2
    assert "nope.toml" in capsys.readouterr().err
    child = tmp_path / "child.toml"
    child.write_text('extends = "gone.toml"\n')
    assert main(["run", str(child), "--fsw", "memory"]) == 2
    err = capsys.readouterr().err
    assert f"{child}: extends: expected an existing TOML file" in err and "gone.toml" in err
    code = main(
        ["run", str(CONFIGS / "nominal.toml"), "--fsw", "device", "--port", "/dev/does-not-exist",
         "--out", str(tmp_path / "d")]
    )  # fmt: skip
    assert code == 2
    assert "/dev/does-not-exist" in capsys.readouterr().err
    code = main(
        ["run", str(CONFIGS / "nominal.toml"), "--fsw", "process", "--command", "no-port-here",
         "--out", str(tmp_path / "e")]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("lunar-hil run: error:")  # --command must not clobber the name
    assert "{port}" in err


def test_demo_tells_the_m2_story_side_by_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the terminal M2 scenario (the default, the whole descent, is ~8x longer to fly and
    # draw; its calibration is tests/harness/test_full_descent.py's)
    m2 = str(CONFIGS / "hakuto_r_m2.toml")
    assert main(["demo", "--config", m2, "--fsw", "memory", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # the terminal descent from 3 km tells M2's story, but not as the flight from 20 km
    assert out.splitlines()[0] == "HAKUTO-R Mission 2 replay: hakuto_r_m2.toml, FSW as memory"
    assert "naive: CRASH   robust: SOFT" in out
    assert "RESILIENCE's last telemetry: ~192 m at ~42 m/s" in out
    assert (tmp_path / "naive" / "descent.png").exists()
    assert (tmp_path / "robust" / "descent.png").exists()
    assert (tmp_path / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_tells_the_im1_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--mission", "im1", "--fsw", "memory", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Intuitive Machines IM-1" in out and "naive: CRASH   robust: SOFT" in out
    assert "'tipped'" in out  # among the broken limits
    assert (tmp_path / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_command_names_the_fsw_for_the_kinds_that_take_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --fsw memory --command module:callable flies that factory's FSW (README, FSW kinds)
    spec = f"{__name__}:recording_stub"
    args = ["run", str(CONFIGS / "nominal.toml"), "--no-plot"]
    factory_calls.clear()
    assert main([*args, "--fsw", "memory", "--command", spec, "--out", str(tmp_path / "m")]) == 0
    assert factory_calls == [tmp_path / "m" / "FSW.toml"]
    fsw = json.loads((tmp_path / "m" / "result.json").read_text())["fsw"]
    assert fsw["kind"] == "memory" and fsw["endpoint"] == f"{spec} in-process (memory link)"
    capsys.readouterr()
    # the stub subprocess and a running board take no command
    for kind in ("python-stub", "device"):
        out = str(tmp_path / kind)
        assert main([*args, "--fsw", kind, "--command", "x", "--out", out]) == 2
        assert f"not --fsw {kind}" in capsys.readouterr().err
    # a factory that is not there is named
    bad = ["--fsw", "memory", "--command", "no_such_module:f", "--out", str(tmp_path / "b")]
    assert main([*args, *bad]) == 2
    assert "memory FSW factory 'no_such_module:f'" in capsys.readouterr().err
