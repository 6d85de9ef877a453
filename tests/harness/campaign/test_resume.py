"""kill -9 of a real coordinator mid-campaign, then resume: 0 lost, 0 duplicated, and the
store equals an uninterrupted campaign's. Ctrl-C stops cleanly and says how to resume."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from harness.cli import main
from tests.harness.campaign._fixtures import ROOT, campaign_file

#: the columns that must match between any two runs of the same campaign (not wall_s)
SAME = (
    "run_id, params, profile, seed, sample, status, verdict, causes, touchdown_vz_mps,"
    " propellant_kg, lrf_first_valid_alt_m, telemetry_sha256, attempts"
)
CAMPAIGN = (
    'profiles = ["naive", "robust"]\nseed = 99\nruns = 50\nkeep = "none"\n'
    '[[disperse]]\nkey = "initial.vz_mps"\ndist = "normal"\nmean = -60.0\nstd = 3.0\n'
)


def _coordinator(path: Path, out: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "harness.cli", "campaign", "run", str(path), "--out", str(out)]
    return subprocess.Popen(
        [*argv, "--jobs", "2", "--no-progress"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _done(out: Path) -> int:
    db = out / "campaign.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return int(
                con.execute("SELECT COUNT(*) FROM runs WHERE status != 'pending'").fetchone()[0]
            )
    except sqlite3.OperationalError:  # the schema is being written
        return 0


def _wait_for(
    proc: subprocess.Popen[bytes], out: Path, at_least: int, watchdog_s: float = 60.0
) -> int:
    deadline = time.monotonic() + watchdog_s
    while (n := _done(out)) < at_least:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"only {n} runs recorded after {watchdog_s} s"
        time.sleep(0.02)
    return n


def _parents() -> dict[int, int]:
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if fields[0] != "Z":
            out[int(stat.parent.name)] = int(fields[1])
    return out


def _descendants(pid: int) -> set[int]:
    parents, found, frontier = _parents(), set(), {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - found
        found |= frontier
    return found


def _rows(out: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(out / "campaign.sqlite") as con:
        return con.execute(f"SELECT {SAME} FROM runs ORDER BY run_id").fetchall()


def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    path = campaign_file(tmp_path, CAMPAIGN, sim_s=3.0)
    killed = tmp_path / "killed"
    proc = _coordinator(path, killed)
    _wait_for(proc, killed, 15)
    workers = _descendants(proc.pid)
    assert len(workers) >= 3  # the forkserver and two workers
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    deadline = time.monotonic() + 15.0
    while workers & set(_parents()):  # orphaned workers exit by themselves
        assert time.monotonic() < deadline, f"orphans left: {workers & set(_parents())}"
        time.sleep(0.05)
    at_kill = _done(killed)
    assert 0 < at_kill < 100, "the coordinator must die mid-campaign"
    assert main(["campaign", "resume", str(killed), "--jobs", "2", "--no-progress"]) == 0
    whole = tmp_path / "whole"
    assert (
        main(["campaign", "run", str(path), "--out", str(whole), "--jobs", "2", "--no-progress"])
        == 0
    )
    resumed, uninterrupted = _rows(killed), _rows(whole)
    assert [r[0] for r in resumed] == list(range(100))  # every id once: 0 lost, 0 duplicated
    assert {r[5] for r in resumed} == {"done"}
    assert resumed == uninterrupted  # same params, seeds, verdicts, digests


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path: Path) -> None:
    path = campaign_file(tmp_path, CAMPAIGN, sim_s=3.0)
    out = tmp_path / "out"
    proc = _coordinator(path, out)
    _wait_for(proc, out, 10)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert f"resume with: lunar-hil campaign resume {out}" in err.decode()
    left = 100 - _done(out)
    assert left > 0
    assert main(["campaign", "resume", str(out), "--jobs", "2", "--no-progress"]) == 0
    assert _done(out) == 100
