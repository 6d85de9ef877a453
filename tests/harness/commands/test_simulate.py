"""`lunar-hil simulate`: open loop from a command table; telemetry, capture and result.json."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

import harness.cli
from harness.link.capture import H2F, payload_digest, read_capture
from packets import Deframer

BASE = Path(__file__).resolve().parents[3] / "hil_configs" / "base.toml"
#: a flat, smooth world: analytic free fall from 100 m
FLAT = [
    "terrain.craters=[]",
    "terrain.roughness.amplitude_m=0.0",
    "initial.alt_m=100.0",
    "initial.vz_mps=0.0",
    "initial.vx_mps=0.0",
    "initial.throttle=0.0",
]


def lunar_hil(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    commands = {k: v for k, v in harness.cli.COMMANDS.items() if k in ("simulate", "decode")}
    monkeypatch.setattr(harness.cli, "COMMANDS", commands)
    return harness.cli.main(list(argv))


def simulate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, table: str, *extra: str, out: str = "out"
) -> tuple[int, Path]:
    cmds = tmp_path / "cmds.csv"
    cmds.write_text(table)
    args = ["simulate", str(BASE), "--commands", str(cmds), "--out", str(tmp_path / out)]
    for s in FLAT:
        args += ["--set", s]
    return lunar_hil(monkeypatch, *args, *extra), tmp_path / out


def test_free_fall_touchdown_in_result_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = simulate(monkeypatch, tmp_path, "t_s,engine_on,throttle,pitch_rad\n0,0,0,0\n")
    assert rc == 0
    result = json.loads((out / "result.json").read_text())
    td = result["touchdown"]
    assert set(td) == {
        "t_s",
        "vz_mps",
        "vx_mps",
        "tilt_deg",
        "tilt_rate_dps",
        "propellant_kg",
        "slope_deg",
    }
    assert td["t_s"] == pytest.approx(math.sqrt(2 * 100 / 1.62), abs=1e-8)
    assert td["vz_mps"] == pytest.approx(-math.sqrt(2 * 1.62 * 100), abs=1e-7)  # negative: down
    assert result["scenario"] == "base" and result["seed"] == 1
    assert result["sim_time_s"] == pytest.approx(math.ceil(td["t_s"] * 100) / 100)
    assert "touchdown: t=11.111" in capsys.readouterr().out

    rows = list(csv.DictReader((out / "telemetry.csv").open()))
    for col in ("t_s", "x_m", "alt_m", "vx_mps", "vz_mps", "tilt_rad", "mass_kg", "thrust_n"):
        assert col in rows[0]
    assert len(rows) == round(result["sim_time_s"] / 0.01) + 1  # one per plant step, and t=0
    assert float(rows[100]["t_s"]) == 1.0
    assert float(rows[100]["alt_m"]) == pytest.approx(100 - 0.5 * 1.62, abs=1e-9)


def test_capture_holds_every_sensor_packet_and_decodes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = simulate(
        monkeypatch, tmp_path, "t_s,engine_on,throttle,pitch_rad\n0,1,0.25,0\n2.0,0,0,0\n"
    )
    assert rc == 0
    result = json.loads((out / "result.json").read_text())
    records = list(read_capture(out / "capture.lhcap"))
    assert records and all(r.direction == H2F for r in records)
    assert [r.sim_us for r in records] == sorted(r.sim_us for r in records)
    d = Deframer()
    frames = [f for r in records for f in d.feed(r.data)]
    assert len(frames) == sum(result["packets"].values())
    assert result["packets"]["imu"] == round(result["sim_time_s"] * 100)
    capsys.readouterr()
    assert lunar_hil(monkeypatch, "decode", str(out / "capture.lhcap")) == 0
    assert len(capsys.readouterr().out.splitlines()) >= len(frames)


def test_commands_hold_from_their_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    table = "t_s,engine_on,throttle,pitch_rad\n0,0,0,0\n1.0,1,0.5,0.1\n1.5,0,0,0\n"
    rc, out = simulate(monkeypatch, tmp_path, table, "--set", "vehicle.engine_lag_s=0.0")
    assert rc == 0
    rows = {round(float(r["t_s"]), 2): r for r in csv.DictReader((out / "telemetry.csv").open())}
    assert float(rows[1.0]["thrust_n"]) == 0.0
    assert float(rows[1.01]["thrust_n"]) == 1500.0  # from the step starting at 1.0 s
    assert float(rows[1.5]["thrust_n"]) == 1500.0
    assert float(rows[1.51]["thrust_n"]) == 0.0
    assert float(rows[1.2]["pitch_cmd_rad"]) == 0.1


def test_same_seed_same_bytes_different_seed_different_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    table = "t_s,engine_on,throttle,pitch_rad\n0,1,0.2,0\n"
    runs = {}
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        rc, out = simulate(monkeypatch, tmp_path, table, "--seed", seed, out=name)
        assert rc == 0
        runs[name] = (payload_digest(out / "capture.lhcap"), (out / "telemetry.csv").read_bytes())
    assert runs["a"] == runs["b"]
    assert runs["a"][0] != runs["c"][0]  # sensor noise differs
    assert runs["a"][1] == runs["c"][1]  # the truth does not


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ("t_s,engine_on,throttle\n0,1,0.5\n", "cmds.csv:1: header"),
        (
            "t_s,engine_on,throttle,pitch_rad\n0,1,0.5,0\n1,maybe,0.5,0\n",
            "cmds.csv:3: column engine_on",
        ),
        ("t_s,engine_on,throttle,pitch_rad\n0,1,1.5,0\n", "cmds.csv:2: column throttle"),
        ("t_s,engine_on,throttle,pitch_rad\n0,1,0.5,x\n", "cmds.csv:2: column pitch_rad"),
        ("t_s,engine_on,throttle,pitch_rad\n2,1,0.5,0\n1,1,0.5,0\n", "cmds.csv:3: column t_s"),
        ("t_s,engine_on,throttle,pitch_rad\n0,1,0.5\n", "cmds.csv:2: expected 4 columns"),
        ("t_s,engine_on,throttle,pitch_rad\nnan,1,0.5,0\n", "cmds.csv:2: column t_s"),
    ],
)
def test_bad_command_table_names_line_and_column(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    where: str,
) -> None:
    rc, _ = simulate(monkeypatch, tmp_path, table)
    assert rc == 2
    assert where in capsys.readouterr().err


def test_bad_override_is_a_located_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _ = simulate(
        monkeypatch, tmp_path, "t_s,engine_on,throttle,pitch_rad\n", "--set", "vehicle.isp_s=-1"
    )
    assert rc == 2
    err = capsys.readouterr().err
    assert "--set vehicle.isp_s=-1: vehicle.isp_s: expected a number > 0, found -1" in err


def test_default_out_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    cmds = tmp_path / "c.csv"
    cmds.write_text("t_s,engine_on,throttle,pitch_rad\n0,0,0,0\n")
    args = ["simulate", str(BASE), "--commands", str(cmds), "--seed", "7"]
    for s in FLAT:
        args += ["--set", s]
    assert lunar_hil(monkeypatch, *args) == 0
    (run,) = (tmp_path / "runs").iterdir()
    assert run.name.startswith("base-simulate-s7-") and (run / "result.json").exists()
