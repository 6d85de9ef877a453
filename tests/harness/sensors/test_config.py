"""Sensor configuration: defaults, the documented keys, located errors."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import harness.sensors.config as sensors_config
from harness.config.table import ConfigTable, load_toml
from harness.errors import ConfigError
from harness.sensors.config import default_sensors_config, sensors_from_config

ROOT = Path(__file__).resolve().parents[3]
SECTIONS = ("imu", "lrf", "attitude", "velocimeter", "discretes")


def parse(data: dict[str, object], step_us: int | None = None) -> object:
    return sensors_from_config(ConfigTable(data, "s.toml", "sensors"), step_us=step_us)


def test_defaults() -> None:
    c = default_sensors_config()
    assert c.imu.period_us == 10_000 and c.lrf.period_us == 100_000
    assert c.lrf.noise_frac == 0.005 and c.lrf.noise_m == 0.3
    assert not c.velocimeter.enabled and c.discretes.enabled and c.noise


def test_the_toml_snippet_lists_every_key_at_its_default() -> None:
    doc = load_toml(ROOT / "hil_configs" / "sensors_default.toml")
    table = ConfigTable(doc["sensors"], "sensors_default.toml", "sensors")
    assert sensors_from_config(table) == default_sensors_config()
    for section in SECTIONS:
        cfg = getattr(default_sensors_config(), section)
        keys = {f.name for f in dataclasses.fields(cfg)} - {"file", "key", "period_us"}
        assert set(doc["sensors"][section]) == (keys | {"rate_hz"}), section


def test_the_module_docstring_names_every_key() -> None:
    doc = sensors_config.__doc__ or ""
    for section in SECTIONS:
        for f in dataclasses.fields(getattr(default_sensors_config(), section)):
            if f.name not in ("file", "key", "period_us"):
                assert re.search(rf"``{f.name}\b", doc), f.name


@pytest.mark.parametrize(
    ("data", "key", "expected"),
    [
        ({"lrf": {"rate_hz": 0}}, "sensors.lrf.rate_hz", "> 0"),
        ({"lrf": {"rate_hz": 3.0}}, "sensors.lrf.rate_hz", "whole number of µs"),
        ({"imu": {"rate_hz": "fast"}}, "sensors.imu.rate_hz", "finite number"),
        ({"lrf": {"max_rnage_m": 5}}, "sensors.lrf.max_rnage_m", "known key"),
        ({"lidar": {}}, "sensors.lidar", "known key"),
        ({"lrf": {"min_range_m": 10, "max_range_m": 5}}, "sensors.lrf.max_range_m", "> 10"),
        ({"lrf": {"n_good_to_valid": 0}}, "sensors.lrf.n_good_to_valid", "integer"),
        ({"imu": {"enabled": 1}}, "sensors.imu.enabled", "true or false"),
    ],
)
def test_errors_are_located(data: dict[str, object], key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(data)
    assert info.value.file == "s.toml" and info.value.key == key
    assert expected in info.value.expected


def test_a_rate_must_divide_into_plant_steps() -> None:
    parse({"lrf": {"rate_hz": 8.0}}, step_us=5_000)  # 125 ms = 25 steps
    with pytest.raises(ConfigError) as info:
        parse({"lrf": {"rate_hz": 8.0}}, step_us=10_000)
    assert info.value.key == "sensors.lrf.rate_hz" and "plant step" in info.value.expected
