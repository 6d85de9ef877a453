"""The C FSW against the Python stub.

* The host build (double) answers every scenario byte for byte as the stub does: the
  same inputs, the same EVENT, FSW_STATUS and ENGINE_CMD bytes, every tick (the stub
  computes in float64 and the port keeps its order of operations).
* The binary32 build (the board's arithmetic, run on the host) shadows the stub on the
  same inputs; its integer fields (phase, nav_flags, counters, events) are identical and
  its floats differ by at most TOLERANCE_F32 -- measured maxima over these scenarios:
  est_alt_m 0.039 m (M2 naive, where it takes a late LRF at ~900 m), est_vz_mps
  0.0008 m/s, throttle 0.00017, pitch_cmd_rad 5.3e-5 rad, est_pitch_rad 1.9e-7 rad,
  est_vx_mps 3.1e-5 m/s, event values 0.0007. Why: a binary32 altitude of ~3 km has a
  resolution of 0.24 mm, and the filters accumulate such roundings over ~10^4 IMU steps.
* Closed loop, the C FSW flies the scenarios to the Python stub's outcomes, asserted by
  the very checks of tests/harness/test_scenarios_e2e.py: as the host program on a pty
  (``c-host``; in-process, ``c-memory``, it answers as the twins above do, so one flight
  of it stands for all) and in binary32 in-process.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fsw_stub.telemetry import EventCode
from harness import runner
from packets import Deframer
from tests.fsw_stub.firmware import twins
from tests.harness import test_scenarios_e2e as e2e

pytestmark = pytest.mark.usefixtures("c_library")

SCENARIOS = [
    (s, p)
    for s in ("nominal", "hakuto_r_m1", "hakuto_r_m2", "lrf_latency")
    for p in ("naive", "robust")
]
#: |C binary32 - Python float64| allowed per float field of the answers
TOLERANCE_F32 = {
    "est_alt_m": 0.1,
    "est_vz_mps": 0.005,
    "est_vx_mps": 0.001,
    "est_pitch_rad": 1e-6,
    "throttle": 1e-3,
    "pitch_cmd_rad": 1e-3,
    "value": 0.01,
}


#: M1 naive hovers ~400 s on a latched LRF before it runs dry: the latch and the first
#: minutes of the hover are enough to compare (the whole flight is in the c-host test)
SIM_LIMIT = {("hakuto_r_m1", "naive"): ("run.max_sim_time_s=150",)}


def fly_twin(tmp_path: Path, scenario: str, profile: str, factory: str) -> twins.Twin:
    runner.run(
        runner.RunRequest(
            config=e2e.CONFIGS / f"{scenario}.toml",
            profile=profile,
            fsw_kind="memory",
            command=f"tests.fsw_stub.firmware.twins:{factory}",
            out=tmp_path / f"{scenario}-{profile}-{factory}",
            plot=False,
            overrides=SIM_LIMIT.get((scenario, profile), ()),
        )
    )
    return twins.TWINS.pop()


@pytest.mark.parametrize(("scenario", "profile"), SCENARIOS)
def test_host_build_answers_byte_for_byte_like_the_python_stub(
    tmp_path: Path, scenario: str, profile: str
) -> None:
    twin = fly_twin(tmp_path, scenario, profile, "twin_double")
    assert len(twin.answers) > 500
    differ = [i for i, (py, c) in enumerate(twin.answers) if py != c]
    assert differ == [], f"first differing answer: #{differ[0]}: {twin.answers[differ[0]]}"
    if (scenario, profile) == ("hakuto_r_m1", "naive"):  # the latch is within the flight
        events = Deframer().feed(b"".join(py for py, _ in twin.answers))
        assert any(getattr(f.packet, "code", 0) == EventCode.LRF_LATCHED_FAILED for f in events)


@pytest.mark.parametrize(
    ("scenario", "profile"), [("hakuto_r_m2", "naive"), ("hakuto_r_m1", "robust")]
)
def test_binary32_build_stays_within_its_stated_tolerances(
    tmp_path: Path, scenario: str, profile: str
) -> None:
    twin = fly_twin(tmp_path, scenario, profile, "twin_f32")
    dpy, dc = Deframer(), Deframer()
    worst: dict[str, float] = {}
    n_frames = 0
    for py, c in twin.answers:
        fpy, fc = dpy.feed(py), dc.feed(c)
        assert [f.apid for f in fpy] == [f.apid for f in fc]
        for a, b in zip(fpy, fc, strict=True):
            n_frames += 1
            for name, u, v in zip(a.packet._fields, a.packet, b.packet, strict=True):
                if isinstance(u, float):
                    worst[name] = max(worst.get(name, 0.0), abs(u - v))
                else:
                    assert u == v, (a.name, name, u, v)
    assert n_frames > 1000
    for name, err in worst.items():
        assert err <= TOLERANCE_F32[name], (name, err)
    # and binary32 is not float64 in disguise: the estimates do differ
    assert worst["est_alt_m"] > 0 and math.isfinite(worst["est_alt_m"])
    assert sum(py != c for py, c in twin.answers) > len(twin.answers) // 2


# --- closed loop: the outcomes of tests/harness/test_scenarios_e2e.py ------------------


@pytest.mark.parametrize("link", ["c-memory", "c-host"])
@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_c_nominal_is_soft(tmp_path: Path, profile: str, link: str, c_host: str) -> None:
    e2e.test_nominal_is_soft_with_both_profiles(tmp_path, profile, link)


@pytest.mark.parametrize("link", ["c-host"])
def test_c_m2_naive_crashes_like_hakuto_r_m2(tmp_path: Path, link: str, c_host: str) -> None:
    e2e.test_hakuto_r_m2_naive_meets_its_lrf_late_and_fast_and_crashes(tmp_path, link)


@pytest.mark.parametrize("link", ["c-host"])
def test_c_m2_robust_lands_soft(tmp_path: Path, link: str, c_host: str) -> None:
    e2e.test_hakuto_r_m2_robust_lands_soft_with_propellant_to_spare(tmp_path, link)


@pytest.mark.parametrize("link", ["c-host"])
def test_c_m1_naive_latches_and_falls(tmp_path: Path, link: str, c_host: str) -> None:
    e2e.test_hakuto_r_m1_naive_latches_hovers_dry_and_falls(tmp_path, link)


@pytest.mark.parametrize("link", ["c-host"])
def test_c_m1_robust_rebaselines_and_lands_soft(tmp_path: Path, link: str, c_host: str) -> None:
    e2e.test_hakuto_r_m1_robust_rebaselines_and_lands_soft(tmp_path, link)


@pytest.mark.parametrize("link", ["c-host"])
@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_c_lrf_latency_lands_soft(tmp_path: Path, profile: str, link: str, c_host: str) -> None:
    res = e2e.run(tmp_path, "lrf_latency", profile, link)
    assert res["verdict"] == "soft", res["end_reason"]
    assert res["metrics"]["lrf_first_valid"]["t_s"] >= 2.0


@pytest.mark.parametrize(
    ("scenario", "profile", "verdict"),
    [
        ("nominal", "robust", "soft"),
        ("hakuto_r_m2", "naive", "crash"),
        ("hakuto_r_m1", "robust", "soft"),
    ],
)
def test_binary32_core_flies_to_the_same_verdicts(
    tmp_path: Path, scenario: str, profile: str, verdict: str
) -> None:
    c = e2e.run(tmp_path, scenario, profile, "memory", command="fsw_stub.firmware.lib:c_core_f32")
    assert c["fsw"]["endpoint"].startswith("fsw_stub.firmware.lib:c_core_f32")
    assert c["verdict"] == verdict, c["end_reason"]
    if scenario == "nominal":  # and where it lands, beside the stub
        py = e2e.run(tmp_path / "py", scenario, profile, "memory")
        assert c["causes"] == py["causes"] == []
        assert c["touchdown"]["vz_mps"] == pytest.approx(py["touchdown"]["vz_mps"], abs=0.05)
        assert c["touchdown"]["t_s"] == pytest.approx(py["touchdown"]["t_s"], abs=0.5)


def test_host_program_flies_as_a_process_kind_command(tmp_path: Path, c_host: str) -> None:
    """How a user flies their own build: ``--fsw process --command "fsw_host --port {port}
    --config {config}"``."""
    command = f"{c_host} --port {{port}} --config {{config}}"
    res = e2e.run(tmp_path, "nominal", "naive", "process", command=command)
    assert res["verdict"] == "soft", res["end_reason"]
    assert res["fsw"]["endpoint"].startswith(c_host)


def test_pytest_plugin_flies_the_c_fsw(pytester: pytest.Pytester, c_host: str) -> None:
    pytester.makepyfile(
        test_bench=f"""
        def test_m2_robust_on_c(hil):
            r = hil.run(r"{e2e.CONFIGS / "hakuto_r_m2.toml"}", profile="robust")
            assert r.result["fsw"]["kind"] == "c-host"
            assert r.verdict == "soft"
        """
    )
    pytester.runpytest("--hil-fsw", "c-host").assert_outcomes(passed=1)
