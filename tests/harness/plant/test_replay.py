"""The plant benchmark's recording is the closed loop's own command sequence, and replaying
it open loop through the Simulator flies the closed loop's trajectory to the bit."""

from __future__ import annotations

from pathlib import Path

from benchmarks import replay
from harness import runner
from harness.scenario import load_scenario


def test_the_recording_replays_the_closed_loop_to_the_bit(tmp_path: Path) -> None:
    name, scenario_path, profile = replay.RECORDINGS[0]
    r = runner.run(
        runner.RunRequest(
            config=scenario_path, profile=profile, fsw_kind="memory", out=tmp_path, plot=False
        )
    )
    recorded = [
        replay.Command(row.t_us, row.engine_on, row.throttle, row.pitch_cmd_rad) for row in r.rows
    ]
    committed = replay.load(replay.DATA / name)
    assert committed == recorded, "stub or plant changed: re-record (python -m benchmarks.replay)"
    sim = replay.replay(load_scenario(scenario_path), committed)
    assert sim.touchdown is not None and sim.touchdown._asdict() == r.result["touchdown"]
    assert replay.load_text(replay.dump(committed)) == committed


def test_a_bad_recording_line_is_located(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(replay.HEADER + "\n0,1,0.5,0.0\n50000,1,fast,0.0\n")
    try:
        replay.load(p)
    except ValueError as exc:
        assert "line 3" in str(exc) and "fast" in str(exc)
    else:
        raise AssertionError("a bad line must be refused")
