"""The loop benchmark's host-speed adjustment: this VM runs the same work at up to half
speed for seconds at a time, so each run's figures are also given at the speed of the
fastest probe of the host seen in the benchmark."""

from __future__ import annotations

import pytest

from benchmarks.bench_loop import at_full_speed, fastest_probe, host_speed_us


def test_a_run_on_a_slow_host_is_scaled_to_full_speed() -> None:
    fast = {"rtf": 400.0, "host_speed_us": [100.0, 100.0, 100.0], "us_per_tick": {"plant": 20.0}}
    # the clean run between probes 0 and 1 (1.5x slow), the timed one between 1 and 2 (2x)
    slow = {"rtf": 250.0, "host_speed_us": [100.0, 200.0, 200.0], "us_per_tick": {"plant": 44.0}}
    fastest = fastest_probe({"a": [slow], "b": [fast]})
    assert fastest == 100.0
    assert at_full_speed(fast, fastest) == fast
    scaled = at_full_speed(slow, fastest)
    assert scaled["rtf"] == pytest.approx(250.0 * 1.5)
    assert scaled["us_per_tick"] == {"plant": pytest.approx(22.0)}
    assert scaled["host_speed_us"] == slow["host_speed_us"]


def test_the_probe_times_real_work() -> None:
    us = host_speed_us(samples=2)
    assert 100.0 < us < 1_000_000.0  # a few ms of Python on any machine this runs on
