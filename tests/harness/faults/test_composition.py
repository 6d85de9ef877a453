"""Layers compose in the order configured; the summary is what result.json carries."""

from __future__ import annotations

import json

from packets import Lrf, cuc_from_us
from tests.harness.faults.helpers import Paired, only
from tests.harness.sensors.fakes import descent, faults, make_suite, run, sensors

LRF = only("lrf", n_good_to_valid=1)


def test_order_matters_bias_then_scale_versus_scale_then_bias() -> None:
    bias = {"kind": "bias", "sensor": "lrf", "bias": 10.0}
    scale = {"kind": "scale", "sensor": "lrf", "scale": 2.0}
    a = Paired(bias, scale, seconds=1.0, config=LRF)
    b = Paired(scale, bias, seconds=1.0, config=LRF)
    for t, e in a.of("lrf")[0].items():
        r = e.packet.range_m
        assert a.of("lrf")[1][t].packet.range_m == 2.0 * (r + 10.0)
        assert b.of("lrf")[1][t].packet.range_m == 2.0 * r + 10.0


def test_two_latencies_add_and_an_unstamped_one_stamps_its_own_delivery() -> None:
    r = Paired(
        {"kind": "latency", "sensor": "lrf", "latency_s": 0.2, "stamped": False},
        {"kind": "latency", "sensor": "lrf", "latency_s": 0.5},
        seconds=1.0,
        config=LRF,
    )
    for t, e in r.of("lrf")[1].items():
        assert e.due_us == t + 700_000 and e.cuc == cuc_from_us(t + 200_000)


def test_a_dropped_packet_never_reaches_later_layers() -> None:
    r = Paired(
        {"kind": "dropout", "sensor": "lrf", "p": 0.5},
        {"kind": "bias", "sensor": "lrf", "bias": 1.0},
        seconds=5.0,
        config=LRF,
    )
    dropped = {a.acquired_us for a in r.applied if a.action == "dropped"}
    biased = {a.acquired_us for a in r.applied if a.action == "biased"}
    assert dropped and biased and not dropped & biased
    assert biased == set(r.of("lrf")[1])


def test_fault_summary_is_json_and_counts_what_happened() -> None:
    r = Paired(
        {"kind": "late_acquisition", "sensor": "lrf", "valid_below_alt_m": 1900.0},
        {"kind": "latency", "sensor": "lrf", "latency_s": 1.0, "below_alt_m": 1950.0},
        seconds=10.0,
        config=only("lrf", n_good_to_valid=3),
    )
    summary = json.loads(json.dumps(r.suite.fault_summary()))
    late, lat = summary
    assert late["kind"] == "late_acquisition" and late["sensor"] == "lrf"
    assert late["counts"] == {"acquiring": 2, "no_return": 50}  # 2000 → 1900 m at 20 m/s
    assert late["first_t_s"] == 0.0 and late["last_t_s"] == 5.1
    assert late["params"] == {"valid_below_alt_m": 1900.0, "reports": "no_return"}
    assert lat["schedule"] == {"start_s": 0.0, "end_s": None, "below_alt_m": 1950.0,
                               "above_alt_m": None}  # fmt: skip
    assert lat["counts"] == {"delayed": 76} and lat["first_t_s"] == 2.5


def test_sensor_noise_is_unchanged_by_adding_faults() -> None:
    """Stable per-source keys: a fault's generator never shifts a sensor's draws."""
    cfg = sensors(True)
    quiet = run(make_suite(cfg, [], seed=5), descent(3.0))
    spec = faults({"kind": "noise_growth", "sensor": "imu", "sigma": 1.0, "start_s": 99.0})
    faulted = run(make_suite(cfg, spec, seed=5), descent(3.0))
    assert quiet == faulted
    assert any(isinstance(e.packet, Lrf) for e in quiet)
