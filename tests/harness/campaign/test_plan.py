"""Campaign files: grids, draws by SeedSequence index, located errors; --set into arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from harness.campaign.plan import load_campaign, sample_seed_sequence
from harness.config.table import apply_overrides
from harness.errors import ConfigError
from harness.scenario import load_scenario
from tests.harness.campaign._fixtures import M2, campaign_file


def test_set_indexes_arrays_of_tables() -> None:
    s = load_scenario(M2, ["faults.0.valid_below_alt_m=600"])
    assert s.faults[0].params.valid_below_alt_m == 600.0  # type: ignore[attr-defined]
    doc = {"faults": [{"a": 1}, {"a": 2}], "x": {"y": 1}}
    out = apply_overrides(doc, ["faults.1.a=5", "x.z=2"])
    assert out == {"faults": [{"a": 1}, {"a": 5}], "x": {"y": 1, "z": 2}}
    assert doc["faults"][1]["a"] == 2  # not mutated


@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        ("faults.3.valid_below_alt_m=600", "faults.3", "below 1"),
        ("faults.first.valid_below_alt_m=600", "faults", "an index"),
        ("run.max_sim_time_s.x=1", "run.max_sim_time_s", "a table"),
    ],
)
def test_set_into_arrays_errors_are_located(override: str, key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as e:
        load_scenario(M2, [override])
    assert e.value.file == f"--set {override}"
    assert e.value.key == key and expected in e.value.expected


def test_bad_value_through_an_index_blames_the_set() -> None:
    with pytest.raises(ConfigError) as e:
        load_scenario(M2, ["faults.0.valid_below_alt_m=-5"])
    assert e.value.file == "--set faults.0.valid_below_alt_m=-5"
    assert e.value.key == "faults[0].valid_below_alt_m"


def test_grid_is_crossed_and_indexed(tmp_path: Path) -> None:
    c = load_campaign(
        campaign_file(
            tmp_path,
            'profiles = ["naive", "robust"]\nseed = 11\nrepeats = 3\n'
            '[[sweep]]\nkey = "faults.0.valid_below_alt_m"\n'
            "from = 300.0\nto = 1000.0\nstep = 350.0\n"
            '[[sweep]]\nkey = "fsw.alt_error_m"\nvalues = [0.0, 1100.0]\n',
        )
    )
    assert c.sweeps[0].values == (300.0, 650.0, 1000.0)
    assert (c.points, c.samples, c.run_count) == (6, 3, 36)
    seen = set()
    for i in range(c.run_count):
        p = c.point_of(i)
        seen.add((p.profile, tuple(sorted(p.params.items())), p.sample))
    assert len(seen) == 36  # every (profile, grid point, sample) exactly once
    p = c.point_of(35)
    assert p.profile == "robust" and p.sample == 2
    assert p.params == {"faults.0.valid_below_alt_m": 1000.0, "fsw.alt_error_m": 1100.0}
    # the first axis varies slowest
    assert [c.point_of(3 * k).params["fsw.alt_error_m"] for k in range(4)] == [0, 1100, 0, 1100]


def test_draws_come_from_seed_sequence_spawn_by_index(tmp_path: Path) -> None:
    c = load_campaign(
        campaign_file(
            tmp_path,
            "seed = 2026\nruns = 600\n"
            '[[disperse]]\nkey = "fsw.alt_error_m"\ndist = "normal"\nmean = 1100.0\nstd = 100.0\n'
            '[[disperse]]\nkey = "vehicle.max_thrust_n"\ndist = "uniform"\n'
            "low = 1800.0\nhigh = 2000.0\n"
            '[[disperse]]\nkey = "initial.vz_mps"\ndist = "truncnormal"\nmean = -60.0\nstd = 5.0\n'
            "low = -65.0\nhigh = -58.0\n"
            '[[disperse]]\nkey = "fsw.sigma_alt_m"\ndist = "choice"\nvalues = [10.0, 50.0]\n'
            "weights = [3, 1]\n",
        )
    )
    p = c.point_of(517)
    child = np.random.SeedSequence(2026).spawn(600)[517]
    assert sample_seed_sequence(2026, 517).spawn_key == child.spawn_key
    seed_ss, draw_ss = child.spawn(2)
    assert p.seed == int(seed_ss.generate_state(1)[0])
    rng = np.random.default_rng(draw_ss)
    assert p.params["fsw.alt_error_m"] == rng.normal(1100.0, 100.0)
    assert p.params == c.point_of(517).params  # recomputed alone, same values
    draws = [c.point_of(i).params for i in range(600)]
    alt = np.array([d["fsw.alt_error_m"] for d in draws])
    assert abs(alt.mean() - 1100) < 4 * 100 / np.sqrt(600) and 85 < alt.std() < 115
    vz = [d["initial.vz_mps"] for d in draws]
    assert min(vz) >= -65.0 and max(vz) <= -58.0
    share = sum(d["fsw.sigma_alt_m"] == 10.0 for d in draws) / 600
    assert 0.68 < share < 0.82  # weights 3:1
    spec = c.spec(p)
    assert spec.scenario.vehicle.max_thrust_n == p.params["vehicle.max_thrust_n"]
    assert spec.seed == p.seed


@pytest.mark.parametrize(
    ("body", "key", "expected_part"),
    [
        ('[[sweep]]\nkey = "faults.0.valid_below_alt_mm"\nvalues = [1.0]\n', "sweep[0].key", "key"),
        ('[[sweep]]\nkey = "vehicle.max_thrust_n"\nvalues = [1.0, -5.0]\n', "sweep[0]", "> 0"),
        ('[[sweep]]\nkey = "fsw.alt_eror_m"\nvalues = [1.0]\n', "sweep[0].key", "key"),
        ('[[sweep]]\nkey = "faults.2.valid_below_alt_m"\nvalues = [1.0]\n', "faults.2", "below 1"),
        (
            '[[disperse]]\nkey = "fsw.alt_error_m"\ndist = "normal"\nmean = 1.0\n',
            "disperse[0].std",
            "required",
        ),
        ('[[disperse]]\nkey = "fsw.alt_error_m"\ndist = "gauss"\n', "disperse[0].dist", "one of"),
        (
            '[[disperse]]\nkey = "vehicle.isp_s"\ndist = "uniform"\nlow = -1.0\nhigh = 5.0\n',
            "disperse[0]",
            "> 0",
        ),
        (
            '[[disperse]]\nkey = "fsw.x_error_m"\ndist = "truncnormal"\n'
            "mean = 0.0\nstd = 1.0\nlow = 9.0\n",
            "disperse[0].low",
            "0.1%",
        ),
        ('runs = 3\n[[sweep]]\nkey = "fsw.alt_error_m"\nvalues = [1.0]\n', "runs", "repeats"),
        ('profiles = ["naive", "brave"]\n', "profiles", "profiles among"),
        ("colour = 3\n", "colour", "a known key"),
        (
            '[search]\nkey = "fsw.alt_error_m"\nlow = 0.0\nhigh = 1.0\npredicate = "verdict ~ 1"\n',
            "search.predicate",
            "FIELD OP VALUE",
        ),
    ],
)
def test_campaign_errors_are_located(
    tmp_path: Path, body: str, key: str, expected_part: str
) -> None:
    path = campaign_file(tmp_path, body)
    with pytest.raises(ConfigError) as e:
        load_campaign(path)
    err = e.value
    assert key in err.key, err
    assert expected_part in err.expected, err
    if not key.startswith("faults"):
        assert err.file == str(path)


def test_missing_scenario_is_located(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('scenario = "nope.toml"\n')
    with pytest.raises(ConfigError) as e:
        load_campaign(p)
    assert e.value.file == str(p) and e.value.key == "scenario"
