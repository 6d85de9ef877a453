from __future__ import annotations

import tomllib

import pytest

from harness.config.table import ConfigTable
from harness.errors import ConfigError
from harness.fswconfig import dump_toml, fsw_settings, fsw_toml, state_init
from harness.plant.state import Truth


def test_fsw_toml_round_trips_through_tomllib_with_the_issue_keys() -> None:
    text = fsw_toml(
        profile="naive",
        period_us=50_000,
        vehicle={
            "dry_mass_kg": 340.0,
            "max_thrust_n": 4000.0,
            "min_throttle": 0.15,
            "isp_s": 310.0,
        },
        mount_tilt_rad=0.1,
        extra={"nav": {"gate_chi2": 6.63}, "lrf": {"latch_after": 5}},
    )
    doc = tomllib.loads(text)
    assert doc["profile"] == "naive"
    assert doc["period_us"] == 50_000
    assert doc["vehicle"] == {
        "dry_mass_kg": 340.0, "max_thrust_n": 4000.0, "min_throttle": 0.15, "isp_s": 310.0
    }  # fmt: skip
    assert doc["lrf"] == {"mount_tilt_rad": 0.1, "latch_after": 5}
    assert doc["nav"] == {"gate_chi2": 6.63}


def test_dump_toml_refuses_what_toml_cannot_hold() -> None:
    with pytest.raises(ValueError, match="nan"):
        dump_toml({"x": float("nan")})


def test_state_init_carries_the_prior_navigation_error() -> None:
    truth = Truth(0, 5.0, 3000.0, 2990.0, 1.0, -60.0, 0.0, 0.0, 700.0, 0.0, 0.0, False,
                  0.0, 0.0, False)  # fmt: skip
    s = fsw_settings(
        ConfigTable(
            {"alt_error_m": 1100.0, "vz_error_mps": 5.0, "sigma_alt_m": 200.0}, "m2.toml", "fsw"
        )
    )
    init = state_init(truth, s)
    assert init.alt_m == 2990.0 + 1100.0
    assert init.vz_mps == -55.0
    assert init.x_m == 5.0 and init.vx_mps == 1.0 and init.mass_kg == 700.0
    assert init.sigma_alt_m == 200.0


def test_bad_fsw_section_names_file_and_key() -> None:
    with pytest.raises(
        ConfigError,
        match=r"m2\.toml: fsw\.profile: expected one of 'naive', 'robust', found 'smart'",
    ):
        fsw_settings(ConfigTable({"profile": "smart"}, "m2.toml", "fsw"))
    with pytest.raises(ConfigError, match=r"fsw\.alt_eror_m"):
        fsw_settings(ConfigTable({"alt_eror_m": 3.0}, "m2.toml", "fsw"))


def test_fsw_toml_quotes_keys_and_escapes_strings() -> None:
    """Review finding 11: a key with a space or a string holding a newline round-trips."""
    doc = {"gains": {"kp vz": 1.0}, "note": 'two\nlines "quoted"'}
    assert tomllib.loads(dump_toml(doc)) == doc
