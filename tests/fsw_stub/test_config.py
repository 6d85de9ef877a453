from __future__ import annotations

from pathlib import Path

import pytest

from fsw_stub.config import ConfigError, load_config

GOOD = """
profile = "naive"
period_us = 50000
[vehicle]
dry_mass_kg = 340.0
max_thrust_n = 3600
min_throttle = 0.15
isp_s = 310.0
[lrf]
mount_tilt_rad = 0.1
[gates]
chi2 = 10.83
latch_n = 3
"""


def test_loads_required_and_optional_keys(tmp_path: Path) -> None:
    p = tmp_path / "FSW.toml"
    p.write_text(GOOD)
    cfg = load_config(p)
    assert cfg.profile == "naive" and cfg.period_us == 50_000
    assert cfg.vehicle.max_thrust_n == 3600.0 and isinstance(cfg.vehicle.max_thrust_n, float)
    assert cfg.lrf.mount_tilt_rad == 0.1
    assert cfg.gates.chi2 == 10.83 and cfg.gates.latch_n == 3
    assert cfg.schedule.v_final_mps > 0  # default
    assert cfg.source == str(p)


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda s: s.replace('"naive"', '"bold"'), "profile"),
        (lambda s: s.replace("isp_s = 310.0\n", ""), "vehicle.isp_s"),
        (lambda s: s.replace("min_throttle = 0.15", "min_throttle = 1.5"), "vehicle.min_throttle"),
        (lambda s: s.replace("latch_n = 3", "latch_n = 2.5"), "gates.latch_n"),
        (lambda s: s.replace("chi2 = 10.83", "chi_2 = 10.83"), "gates.chi_2"),
        (lambda s: s.replace("period_us = 50000", "period_us = -1"), "period_us"),
        (lambda s: s + "\n[engine]\nx = 1\n", "engine"),
        (lambda s: s.replace("[lrf]\nmount_tilt_rad = 0.1\n", ""), "lrf"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, edit: object, key: str) -> None:
    p = tmp_path / "FSW.toml"
    p.write_text(edit(GOOD))  # type: ignore[operator]
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.key == key
    assert str(p) in str(err.value) and key in str(err.value)


def test_missing_file_and_bad_syntax(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"FSW\.toml"):
        load_config(tmp_path / "FSW.toml")
    p = tmp_path / "bad.toml"
    p.write_text("profile = ")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_config(p)


def test_example_config_is_valid_and_shows_the_defaults() -> None:
    from fsw_stub.config import BrakingConfig, GateConfig, NavConfig, ScheduleConfig

    cfg = load_config(Path(__file__).parents[2] / "fsw_stub" / "FSW.example.toml")
    assert cfg.gates == GateConfig() and cfg.schedule == ScheduleConfig()
    assert cfg.braking == BrakingConfig() and cfg.nav == NavConfig()
    assert cfg.lrf.max_tilt_deg == 90.0
