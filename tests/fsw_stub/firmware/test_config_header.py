"""The FSW's configuration in C: the committed fsw_config.h is the generator's output, the
C FSW.toml reader resolves a file to exactly what fsw_stub.config does (defaults filled),
and it refuses what fsw_stub.config refuses, naming the file and the key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fsw_stub.config import ConfigError, config_from_mapping, load_config
from fsw_stub.firmware.config_header import (
    REGENERATE,
    build_config_header,
    config_keys,
    config_struct_header,
)
from harness.fswconfig import fsw_toml

CORE = Path(__file__).resolve().parents[3] / "fsw_stub" / "firmware" / "core"
EXAMPLE = Path(__file__).resolve().parents[3] / "fsw_stub" / "FSW.example.toml"


def test_committed_fsw_config_h_is_the_generator_output() -> None:
    assert (CORE / "fsw_config.h").read_text() == config_struct_header(), (
        f"fsw_config.h is out of date with fsw_stub/config.py; regenerate: {REGENERATE}"
    )


def _resolved(text: str, source: str) -> dict[tuple[str, str], float]:
    cfg = config_from_mapping(__import__("tomllib").loads(text), source)
    out: dict[tuple[str, str], float] = {
        ("", "profile"): float(["naive", "robust"].index(cfg.profile)),
        ("", "period_us"): float(cfg.period_us),
    }
    for section, key, *_ in config_keys()[2:]:
        out[(section, key)] = float(getattr(getattr(cfg, section), key))
    return out


HARNESS_TOML = fsw_toml(
    profile="naive",
    period_us=40_000,
    vehicle={"dry_mass_kg": 640.0, "max_thrust_n": 1900.0, "min_throttle": 0.1, "isp_s": 305.0},
    mount_tilt_rad=0.05,
    extra={"gates": {"latch_n": 7, "chi2": 10.83}, "schedule": {"h_final_m": 25}},
)


@pytest.mark.usefixtures("c_library")
@pytest.mark.parametrize("text", [EXAMPLE.read_text(), HARNESS_TOML], ids=["example", "harness"])
def test_c_reader_resolves_every_key_as_fsw_stub_config_does(text: str) -> None:
    from fsw_stub.firmware.lib import CConfig

    c = CConfig(text, "FSW.toml")
    want = _resolved(text, "FSW.toml")
    assert len(want) == len(config_keys()) > 40
    for (section, key), value in want.items():
        assert c.get(section, key) == value, f"{section}.{key}"


BAD = [
    ("gates.latch_m = 3", "gates.latch_m"),  # a typo in a gate is an error, not the default
    ("[gainz]\nk_vz = 1.0", "gainz"),
    ("gates.latch_n = 2.5", "gates.latch_n"),
    ("vehicle.min_throttle = 1.5", "vehicle.min_throttle"),
    ("nav.g_mps2 = 0.0", "nav.g_mps2"),
    ("nav.accel_noise = -1.0", "nav.accel_noise"),
    ('vehicle.isp_s = "high"', "vehicle.isp_s"),
]


def _with(line: str) -> str:
    """The example file with one line set under its section (or a new table)."""
    if line.startswith("["):
        return EXAMPLE.read_text() + "\n" + line + "\n"
    dotted, value = line.split(" = ")
    section, key = dotted.split(".")
    out, in_section = [], False
    for row in EXAMPLE.read_text().splitlines():
        if row.startswith("["):
            if in_section:
                out.append(f"{key} = {value}")
            in_section = row == f"[{section}]"
        elif in_section and row.split("=")[0].strip() == key:
            continue
        out.append(row)
    if in_section:
        out.append(f"{key} = {value}")
    return "\n".join(out) + "\n"


@pytest.mark.usefixtures("c_library")
@pytest.mark.parametrize(("line", "key"), BAD)
def test_c_reader_refuses_what_fsw_stub_config_refuses(line: str, key: str) -> None:
    from fsw_stub.firmware.lib import CConfig

    text = _with(line)
    with pytest.raises(ConfigError) as py:
        config_from_mapping(__import__("tomllib").loads(text), "my/FSW.toml")
    assert key in str(py.value)
    with pytest.raises(ValueError, match=r"^my/FSW\.toml: ") as c:
        CConfig(text, "my/FSW.toml")
    assert key in str(c.value)


@pytest.mark.usefixtures("c_library")
def test_c_reader_names_a_missing_required_key() -> None:
    from fsw_stub.firmware.lib import CConfig

    text = EXAMPLE.read_text().replace("isp_s = 310.0", "")
    with pytest.raises(ValueError, match=r"vehicle\.isp_s: expected a value \(required\)"):
        CConfig(text, "FSW.toml")


def test_fsw_host_exits_2_naming_the_file_and_key(tmp_path: Path, c_host: str) -> None:
    bad = tmp_path / "FSW.toml"
    bad.write_text(_with("gates.chi2 = -1.0"))
    proc = subprocess.run(
        [c_host, "--port", "/dev/null", "--config", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert f"{bad}: gates.chi2: expected a positive number" in proc.stderr


def test_board_constants_are_the_resolved_file() -> None:
    cfg = load_config(EXAMPLE)
    header = build_config_header(cfg)
    assert f"    .vehicle_dry_mass_kg = {cfg.vehicle.dry_mass_kg!r},\n" in header
    assert f"    .gates_rebaseline_n = {cfg.gates.rebaseline_n},\n" in header
    assert "    .profile = 1,\n" in header  # robust
    assert header.count("\n    .") == len(config_keys())


def test_a_window_larger_than_the_c_build_holds_is_refused_at_build_time(tmp_path: Path) -> None:
    from fsw_stub.firmware.build import FirmwareBuildError, board_image
    from tests.system_tools import require_tool

    require_tool("arm-none-eabi-gcc", "gcc-arm-none-eabi libnewlib-arm-none-eabi")
    big = tmp_path / "FSW.toml"
    big.write_text(_with("gates.rebaseline_n = 500"))
    with pytest.raises(FirmwareBuildError, match=r"gates\.rebaseline_n exceeds LRF_WINDOW_CAP"):
        board_image(load_config(big))


@pytest.mark.usefixtures("c_library")
def test_the_library_refuses_the_same_window(tmp_path: Path) -> None:
    from fsw_stub.firmware.lib import CFlightSoftware

    big = tmp_path / "FSW.toml"
    big.write_text(_with("gates.rebaseline_n = 500"))
    with pytest.raises(ConfigError, match=r"gates\.rebaseline_n: expected at most 128"):
        CFlightSoftware(big)
