"""Scenario inheritance that composes, and errors that name the file that holds the key
(review findings 3, 4, 10, 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.scenario import load_scenario

HIL = Path(__file__).resolve().parents[2] / "hil_configs"


def _copy_base(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    text = (HIL / "base.toml").read_text()
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1])
    p = tmp_path / "base_x.toml"
    p.write_text(text)
    return p


def test_a_typo_in_a_parent_names_the_parent_and_the_key_it_meant(tmp_path: Path) -> None:
    base = _copy_base(tmp_path, ("max_thrust_n", "max_thrust_N"))
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{base.name}"\n')
    with pytest.raises(ConfigError) as info:
        load_scenario(child)
    err = info.value
    assert err.file == str(base)
    assert err.key == "vehicle.max_thrust_N"
    assert "did you mean 'max_thrust_n'" in err.expected


def test_an_unknown_key_in_a_parent_is_blamed_on_the_parent(tmp_path: Path) -> None:
    base = _copy_base(tmp_path, ("[run]\n", "[run]\nseeed = 1\n"))
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{base.name}"\n[run]\nname = "c"\n')
    with pytest.raises(ConfigError) as info:
        load_scenario(child)
    assert info.value.file == str(base)
    assert info.value.key == "run.seeed"
    assert "did you mean 'seed'" in info.value.expected


def test_a_bad_set_is_blamed_on_the_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario(HIL / "nominal.toml", ["vehicel.max_thrust_n=3000"])
    assert info.value.file == "--set vehicel.max_thrust_n=3000"
    assert "did you mean 'vehicle'" in info.value.expected


def test_an_extending_file_adds_faults_to_its_parents(tmp_path: Path) -> None:
    child = tmp_path / "m2plus.toml"
    child.write_text(
        f'extends = "{HIL / "hakuto_r_m2.toml"}"\n'
        '[[faults]]\nkind = "latency"\nsensor = "lrf"\nlatency_s = 0.5\n'
    )
    s = load_scenario(child)
    assert [f.kind for f in s.faults] == ["late_acquisition", "latency"]
    assert [f.index for f in s.faults] == [0, 1]


def test_replace_drops_the_parents_faults(tmp_path: Path) -> None:
    child = tmp_path / "latency_only.toml"
    child.write_text(
        f'extends = "{HIL / "hakuto_r_m2.toml"}"\nreplace = ["faults"]\n'
        '[[faults]]\nkind = "latency"\nsensor = "lrf"\nlatency_s = 0.5\n'
    )
    assert [f.kind for f in load_scenario(child).faults] == ["latency"]


def test_replace_without_a_value_of_its_own_drops_the_parents(tmp_path: Path) -> None:
    # "the late LRF alone": babbling_lrf without its link faults, nested paths too
    child = tmp_path / "no_link_faults.toml"
    child.write_text(
        f'extends = "{HIL / "babbling_lrf.toml"}"\n'
        'replace = ["link_faults", "terrain.craters"]\n[terrain]\nx_min_m = -2000.0\n'
    )
    s = load_scenario(child)
    assert s.link_faults == () and s.terrain.craters == ()
    assert [f.kind for f in s.faults] == ["late_acquisition"]  # not named: kept


def test_an_extends_cycle_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ConfigError) as info:
        load_scenario(tmp_path / "a.toml")
    assert "without a cycle" in info.value.expected
    assert str(info.value.found).count("a.toml") == 2


def test_a_typo_of_extends_is_an_unknown_key(tmp_path: Path) -> None:
    p = tmp_path / "s.toml"
    p.write_text(f'extend = "{HIL / "base.toml"}"\n')
    with pytest.raises(ConfigError) as info:
        load_scenario(p)
    assert info.value.key == "extend"


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d, "a TOML file"),
        (lambda d: _write_bytes(d / "latin1.toml", b'[run]\nname = "caf\xe9"\n'), "UTF-8"),
    ],
    ids=["directory", "non-utf8"],
)
def test_unreadable_scenarios_are_located_errors(tmp_path: Path, make, expected) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        load_scenario(make(tmp_path))
    assert expected in info.value.expected


def _write_bytes(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p
