"""The space: strategies shrink toward the simple end; files are checked, located."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import find, settings

from harness.errors import ConfigError
from harness.hunt.plan import load_hunt
from harness.hunt.space import Fault, Schedule
from tests.harness.hunt._fixtures import hunt_file

QUIET = settings(database=None, max_examples=2000)


def test_strategy_shrinks_to_fewest_faults_at_their_simple_ends(tmp_path: Path) -> None:
    space = load_hunt(hunt_file(tmp_path, "max_faults = 3")).space
    # any schedule with the LRF latency at index >= 10: shrinks to that one fault alone
    got = find(
        space.strategy(),
        lambda s: (f := s.of("lrf_latency")) is not None and f.index[0] >= 10,
        settings=QUIET,
    )
    assert got == Schedule((Fault("lrf_latency", (10,)),))
    # two faults: the first two kinds declared, both at index 0 (the simple end)
    two = find(space.strategy(), lambda s: len(s.faults) >= 2, settings=QUIET)
    assert two == Schedule((Fault("late_acquisition", (0,)), Fault("lrf_latency", (0,))))
    assert space.describe(two) == (
        "late_acquisition(valid_below_alt_m=3,000) + lrf_latency(latency_s=0.05)"
    )


def test_grid_values_run_simple_to_harsh(tmp_path: Path) -> None:
    space = load_hunt(hunt_file(tmp_path)).space
    p = space.kind("late_acquisition").main
    assert (p.value(0), p.value(p.top), p.top) == (3000.0, 300.0, 108)
    assert p.value(50) == 3000.0 - 50 * 25.0


def test_explains_needs_the_known_faults_at_least_as_harsh(tmp_path: Path) -> None:
    space = load_hunt(hunt_file(tmp_path)).space
    known = Schedule((Fault("late_acquisition", (20,)),))
    harsher = Schedule((Fault("late_acquisition", (25,)), Fault("lrf_bias", (3,))))
    milder = Schedule((Fault("late_acquisition", (19,)), Fault("lrf_bias", (3,))))
    assert space.explains(known, harsher) and not space.explains(known, milder)
    assert not space.explains(known, Schedule((Fault("lrf_bias", (99,)),)))


def test_random_draws_cover_the_space_uniformly(tmp_path: Path) -> None:
    space = load_hunt(hunt_file(tmp_path, "max_faults = 2")).space
    rng = np.random.default_rng(1)
    draws = [space.random(rng) for _ in range(4000)]
    sizes = np.bincount([len(s.faults) for s in draws], minlength=3) / len(draws)
    assert np.allclose(sizes, 1 / 3, atol=0.03)  # 0, 1 or 2 faults, equally often
    idx = [f.index[0] for s in draws for f in s.faults if f.kind == "late_acquisition"]
    assert 0.45 < np.mean(idx) / 108 < 0.55  # uniform on its grid


def test_apply_appends_tables_and_sets_keys(tmp_path: Path) -> None:
    space_text = """
[[kind]]
name = "rim"
into = "terrain.cliffs"
table = { width_m = 10.0 }
draw.height_m = { simple = -50.0, harsh = -3000.0, step = 50.0 }
draw.x_m = { simple = 400.0, harsh = 20.0, step = 10.0 }

[[kind]]
name = "upload"
into = "set"
draw."fsw.alt_error_m" = { simple = 0.0, harsh = 2000.0, step = 100.0 }
"""
    hunt = load_hunt(hunt_file(tmp_path, space=space_text))
    s = Schedule((Fault("rim", (2, 0)), Fault("upload", (11,))))
    doc = hunt.doc(s)
    assert doc["terrain"]["cliffs"] == [{"width_m": 10.0, "height_m": -150.0, "x_m": 400.0}]
    assert doc["fsw"]["alt_error_m"] == 1100.0
    assert hunt.scenario(s).terrain.cliffs[0].height_m == -150.0


@pytest.mark.parametrize(
    ("body", "key", "expected"),
    [
        ('targets = ["speed"]', "targets", "targets among"),
        ("max_faults = 9", "max_faults", "[1, 4]"),
        ('property = "verdict soft"', "property", "FIELD OP VALUE"),
        ("budget_run = 3", "budget_run", "did you mean 'budget_runs'"),
    ],
)
def test_hunt_file_errors_are_located(tmp_path: Path, body: str, key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_hunt(hunt_file(tmp_path, body))
    assert err.value.key == key and expected in str(err.value)
    assert str(tmp_path / "h.toml") in str(err.value)


def test_a_kind_the_scenario_refuses_is_named(tmp_path: Path) -> None:
    bad = """
[[kind]]
name = "bad_bias"
table = { kind = "bias", sensor = "lrf", field = "range_mm" }
draw.bias = { simple = 1.0, harsh = 3.0, step = 1.0 }
"""
    with pytest.raises(ConfigError) as err:
        load_hunt(hunt_file(tmp_path, space=bad))
    assert "kind 'bad_bias'" in err.value.key
