"""Scenario files: the base loads; a bad file fails naming file, key, expected and found."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.scenario import load_scenario

BASE = Path(__file__).resolve().parents[2] / "hil_configs" / "base.toml"


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(f'extends = "{BASE}"\n' + text)
    return p


def test_base_scenario_loads() -> None:
    s = load_scenario(BASE)
    assert s.name == "base" and s.run.step_us == 10_000 and s.run.control_period_us == 50_000
    assert s.vehicle.dry_mass_kg == 340.0 and 0.1 <= s.vehicle.min_throttle <= 0.2
    assert s.initial.vz_mps < 0 and s.initial.alt_m == 3000.0
    assert s.sensors.lrf.period_us == 100_000
    assert s.faults == []
    assert len(s.terrain.craters) == 2
    terrain = s.terrain.build()
    assert terrain.max_slope > 0


def test_extends_and_set_overrides(tmp_path: Path) -> None:
    p = write(tmp_path, '[run]\nname = "child"\n[vehicle]\nmax_thrust_n = 4000.0\n')
    s = load_scenario(p, ["initial.alt_m=1500", "vehicle.isp_s=300", "run.seed=9"])
    assert s.name == "child" and s.vehicle.max_thrust_n == 4000.0
    assert s.initial.alt_m == 1500.0 and s.vehicle.isp_s == 300.0 and s.run.seed == 9
    assert s.vehicle.dry_mass_kg == 340.0  # inherited


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    p = tmp_path / "m2_late_lrf.toml"
    p.write_text(BASE.read_text().replace('name = "base"\n', ""))
    assert load_scenario(p).name == "m2_late_lrf"


def test_fsw_and_link_sections_are_kept_raw(tmp_path: Path) -> None:
    p = write(tmp_path, '[fsw]\nprofile = "naive"\nalt_error_m = 30.0\n[link]\nbaud = 115200\n')
    s = load_scenario(p)
    assert s.raw["fsw"] == {"profile": "naive", "alt_error_m": 30.0}
    assert s.raw["link"] == {"baud": 115200}


def test_faults_and_sensors_are_delegated(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "[sensors.lrf]\nmount_tilt_rad = 0.1\n"
        '[[faults]]\nkind = "late_acquisition"\nsensor = "lrf"\nvalid_below_alt_m = 900.0\n',
    )
    s = load_scenario(p)
    assert s.sensors.lrf.mount_tilt_rad == 0.1
    assert len(s.faults) == 1 and s.faults[0].kind == "late_acquisition"


def test_curved_gravity_model(tmp_path: Path) -> None:
    p = write(tmp_path, '[gravity]\nmodel = "curved"\n', name="c.toml")
    # base.toml sets g_mps2, which a curved model does not take: located error
    with pytest.raises(ConfigError) as e:
        load_scenario(p)
    assert e.value.key == "gravity.g_mps2"
    doc = (
        BASE.read_text()
        .replace("g_mps2 = 1.62\n", "")
        .replace('model = "flat"', 'model = "curved"')
    )
    (tmp_path / "curved.toml").write_text(doc)
    s = load_scenario(tmp_path / "curved.toml")
    g = s.gravity.build()
    assert not g.uniform and g.accel(0.0, 0.0)[1] == pytest.approx(-1.624, abs=2e-3)


def test_initial_tilt_is_in_degrees() -> None:
    s = load_scenario(BASE, ["initial.tilt_deg=5"])
    assert s.initial.state(s.vehicle).tilt_rad == pytest.approx(math.radians(5))


@pytest.mark.parametrize(
    ("text", "overrides", "key", "expected_part", "found"),
    [
        ("", ["vehicle.max_thrust_n=-5"], "vehicle.max_thrust_n", "> 0", -5),
        ("", ['vehicle.isp_s="fast"'], "vehicle.isp_s", "finite number", "fast"),
        ("", ["vehicle.min_throttle=1.5"], "vehicle.min_throttle", "<= 1", 1.5),
        ("", ["vehicle.max_thrust=3000"], "vehicle.max_thrust", "known key", "max_thrust"),
        ("", ["initial.alt_m=0"], "initial.alt_m", "> 0", 0),
        ("", ["run.control_period_us=45000"], "run.control_period_us", "multiple", 45000),
        ("", ["run.name=a b"], "run.name", "without spaces", "a b"),
        ("", ['gravity.model="round"'], "gravity.model", "'flat'", "round"),
        ("[campaign]\nruns = 3\n", [], "campaign", "known key", "campaign"),
        (
            "[[terrain.craters]]\nx_m = 0.0\ndiameter_m = 87000.0\n",
            [],
            "terrain.craters[2].diameter_m",
            "<= 15000",
            87000.0,
        ),
        (
            "[[terrain.cliffs]]\nx_m = 0.0\nheight_m = 100.0\n",
            [],
            "terrain.cliffs[0].width_m",
            "required",
            "nothing",
        ),
        (
            "[terrain]\nx_min_m = 100.0\nx_max_m = 50.0\n",
            [],
            "terrain.x_max_m",
            "> terrain.x_min_m",
            50.0,
        ),
        ("[terrain.roughness]\noctaves = 2.5\n", [], "terrain.roughness.octaves", "integer", 2.5),
        ("[sensors.lrf]\nrate_hz = 7.0\n", [], "sensors.lrf.rate_hz", "", 7.0),
        ('[[faults]]\nkind = "gremlins"\nsensor = "lrf"\n', [], "faults[0].kind", "", "gremlins"),
        ("fsw = 3\n", [], "fsw", "a table", 3),
    ],
)
def test_bad_scenarios_fail_with_a_located_error(
    tmp_path: Path, text: str, overrides: list[str], key: str, expected_part: str, found: object
) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_scenario(p, overrides)
    err = e.value
    # a bad value that came from --set is blamed on that --set, not on the file
    from_set = [o for o in overrides if o.partition("=")[0] == key]
    where = f"--set {from_set[0]}" if from_set else str(p)
    assert err.file == where
    assert err.key == key
    assert expected_part in err.expected
    if found != "":
        assert err.found == found
    assert where in str(err) and key in str(err)


def test_missing_required_section_and_key(tmp_path: Path) -> None:
    p = tmp_path / "bare.toml"
    p.write_text("[initial]\nalt_m = 10.0\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(p)
    assert e.value.key == "vehicle" and e.value.found == "nothing"
    p.write_text(BASE.read_text().replace("isp_s = 310.0\n", ""))
    with pytest.raises(ConfigError) as e:
        load_scenario(p)
    assert e.value.key == "vehicle.isp_s" and "required" in e.value.expected


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        load_scenario(tmp_path / "nope.toml")
    assert "no such file" in str(e.value)
    p = tmp_path / "bad.toml"
    p.write_text("[vehicle\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(p)
    assert e.value.file == str(p) and e.value.key == "(syntax)"
