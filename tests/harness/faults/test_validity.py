"""Late acquisition (HAKUTO-R M2) and validity-flag lies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from packets import Lrf, LrfStatus
from tests.harness.faults.helpers import Paired, only

VALID, NO_RETURN, ACQUIRING = 1, int(LrfStatus.NO_RETURN), int(LrfStatus.ACQUIRING)


@given(valid_below=st.floats(1500.0, 1950.0), n_good=st.integers(1, 5))
def test_late_acquisition_no_return_above_then_reacquires_below(
    valid_below: float, n_good: int
) -> None:
    r = Paired({"kind": "late_acquisition", "sensor": "lrf", "valid_below_alt_m": valid_below},
               seconds=30.0, alt0_m=2000.0, vz_mps=-20.0,
               config=only("lrf", n_good_to_valid=n_good))  # fmt: skip
    base, out = r.of("lrf")
    below = sorted(t for t in out if r.alt_at(t) <= valid_below)
    for t, e in out.items():
        p = e.packet
        assert isinstance(p, Lrf) and p.meas_id == base[t].packet.meas_id
        if r.alt_at(t) > valid_below:
            assert (p.range_m, p.status, p.quality) == (0.0, NO_RETURN, 0)
        elif t in below[: n_good - 1]:
            assert p.status == ACQUIRING and p.range_m == 0.0
        else:
            assert p == base[t].packet and p.status == VALID
    first_valid = min(t for t, e in out.items() if e.packet.status & VALID)
    assert first_valid == below[n_good - 1]
    actions = {a.acquired_us: a.action for a in r.applied}
    assert {t for t, a in actions.items() if a == "no_return"} == set(out) - set(below)
    assert {t for t, a in actions.items() if a == "acquiring"} == set(below[: n_good - 1])


@given(mode=st.sampled_from(["last", "garbage"]), seed=st.integers(0, 50))
def test_false_valid_sets_the_flag_with_a_last_or_garbage_range(mode: str, seed: int) -> None:
    r = Paired({"kind": "false_valid", "sensor": "lrf", "range": mode, "garbage_min_m": 100.0,
                "garbage_max_m": 200.0},
               seconds=20.0, alt0_m=9000.0, vz_mps=-100.0, seed=seed,
               config=only("lrf", max_range_m=8000.0))  # fmt: skip
    base, out = r.of("lrf")
    last_valid = None
    lied = set()
    for t in sorted(out):
        b, p = base[t].packet, out[t].packet
        assert isinstance(b, Lrf) and isinstance(p, Lrf)
        if b.status & VALID:
            assert p == b
            last_valid = b.range_m
            continue
        lied.add(t)
        assert p.status == VALID and p.meas_id == b.meas_id
        if mode == "last" and last_valid is not None:
            assert p.range_m == last_valid
        else:
            assert 100.0 <= p.range_m <= 200.0
    assert {a.acquired_us for a in r.applied} == lied and lied
    assert {a.action for a in r.applied} == {"false_valid"}


@given(p=st.sampled_from([1.0, 0.3]), sensor=st.sampled_from(["lrf", "imu", "attitude"]))
def test_false_invalid_clears_the_flag_and_keeps_the_value(p: float, sensor: str) -> None:
    r = Paired({"kind": "false_invalid", "sensor": sensor, "p": p}, seconds=10.0)
    base, out = r.of(sensor)
    flipped = set()
    for t, e in out.items():
        b = base[t].packet
        if e.packet != b:
            flipped.add(t)
            assert b.status & VALID
            assert e.packet == b._replace(status=b.status & ~VALID)
    assert {a.acquired_us for a in r.applied} == flipped
    n_valid = sum(1 for e in base.values() if e.packet.status & VALID)
    if p == 1.0:
        assert len(flipped) == n_valid
    else:
        assert 0.15 * n_valid < len(flipped) < 0.45 * n_valid
