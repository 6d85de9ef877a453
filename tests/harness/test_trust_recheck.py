"""The December 2026 user review's findings re-checked at b8f8707, and the hostile inputs
tried on the newer commands (campaign, hunt, fuzz, replay, bench, simulate, demo): each
test names what it failed with before its fix (the few that guard a fix which had no test
say so), the CLI run in a real subprocess where signals or concurrency matter. One module
for one review, in the order its findings were met: longer than ~300 lines for that."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.harness.test_trust import EXE, FAST, ROOT, cli


def test_an_fsw_that_fills_its_log_cap_still_gets_a_summary(tmp_path: Path) -> None:
    """Finding 9 at b8f8707: once the FSW's output passed the 8 MiB cap, the run ended in
    a ValueError traceback (the capped log closed twice), exit 1 and no summary."""
    out = tmp_path / "o"
    r = cli(
        "run", "nominal", "--command", "yes garbage-{port}", "--set", "fsw.boot_timeout_s=1",
        "--no-plot", "--out", str(out),
    )  # fmt: skip
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 3, r.stderr
    assert "verdict: FSW_TIMEOUT" in r.stdout
    log = (out / "fsw_stderr.log").read_bytes()
    assert log.count(b"more bytes were discarded") == 1


def _wait_for_capture(path: Path, size: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and (not path.exists() or path.stat().st_size < size):
        time.sleep(0.05)  # the test's own pacing: waiting for the run to be under way


def test_demo_stops_at_a_signal(tmp_path: Path) -> None:
    """Finding 7's demo case at b8f8707: SIGTERM (or Ctrl-C) during the naive run ended
    that run `aborted`, then the demo flew the robust run anyway and exited 0."""
    out = tmp_path / "demo"
    p = subprocess.Popen(
        [*EXE, "demo", "--config", "hakuto_r_m1", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    _wait_for_capture(out / "naive" / "capture.lhcap", 20_000)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143, err
    assert "terminated by SIGTERM" in err
    res = json.loads((out / "naive" / "result.json").read_text())
    assert res["verdict"] == "aborted"
    assert not (out / "robust").exists()


def test_a_launch_that_fails_in_a_given_empty_out_leaves_it_empty(tmp_path: Path) -> None:
    """Finding 27 at b8f8707: into an --out that existed (empty), a failed launch left an
    empty fsw_stderr.log behind (the launcher's, not in the run's list)."""
    out = tmp_path / "o"
    out.mkdir()
    r = cli("run", "nominal", "--command", "/nonexistent/fsw --port {port}", "--out", str(out))
    assert r.returncode == 2 and "/nonexistent/fsw" in r.stderr
    assert list(out.iterdir()) == []


# --- simulate: findings 4, 5, 8, 25 on the open-loop command --------------------------------


def _commands_csv(tmp_path: Path) -> Path:
    p = tmp_path / "cmds.csv"
    p.write_text("t_s,engine_on,throttle,pitch_rad\n0,1,0.5,0\n10,0,0,0\n")
    return p


def test_simulate_out_is_a_run_directory(tmp_path: Path) -> None:
    """At b8f8707 `simulate --out FILE` was a FileExistsError traceback, `--out ""` wrote
    into the current directory, and a reused --out kept an earlier run's files."""
    csv = str(_commands_csv(tmp_path))
    f = tmp_path / "afile"
    f.write_text("x")
    r = cli("simulate", "nominal", "--commands", csv, "--out", str(f))
    assert r.returncode == 2 and "expected a directory for the run, found a file" in r.stderr
    r = cli("simulate", "nominal", "--commands", csv, "--out", "", cwd=tmp_path)
    assert r.returncode == 2 and "expected a directory" in r.stderr
    assert not (tmp_path / "result.json").exists()
    out = tmp_path / "sim"
    out.mkdir()
    (out / "descent.png").write_text("an earlier run's plot")
    r = cli("simulate", "nominal", "--commands", csv, "--out", str(out))
    assert r.returncode == 2 and "not empty" in r.stderr
    r = cli("simulate", "nominal", "--commands", csv, "--out", str(out), "--force")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "capture.lhcap",
        "result.json",
        "telemetry.csv",
    ]


def test_simulate_on_a_full_disk_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At b8f8707 a full disk was an OSError traceback (telemetry.csv), and a capture
    write that failed was not reported at all."""
    import harness.cli
    from tests.harness.disk_faults import capture_disk_fills_at

    capture_disk_fills_at(monkeypatch, 100)
    csv = str(_commands_csv(tmp_path))
    out = tmp_path / "o"
    rc = harness.cli.main(["simulate", "nominal", "--commands", csv, "--out", str(out)])
    assert rc == 2
    assert f"{out}: cannot write the open-loop artifacts: No space left" in capsys.readouterr().err


def test_a_non_utf8_command_table_is_located(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(b"t_s,engine_on,throttle,pitch_rad\n0,1,0.5,0\xe9\n")
    r = cli("simulate", "nominal", "--commands", str(p), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "0xE9 at offset 42" in r.stderr, r.stderr


# --- replay, fuzz, campaign, hunt: the review's bad inputs on the newer commands ------------


def test_replay_of_a_missing_file_or_a_directory_is_located(tmp_path: Path) -> None:
    """At b8f8707: FileNotFoundError / IsADirectoryError tracebacks, exit 1."""
    for capture, why in ((tmp_path / "nope.lhcap", "No such file"), (tmp_path, "Is a directory")):
        r = cli("replay", str(capture), "--fsw", "memory")
        assert r.returncode == 2, r.stderr
        assert f"lunar-hil replay: error: {capture}: cannot read the capture: {why}" in r.stderr


def test_campaign_and_hunt_files_and_directories_are_located_errors(tmp_path: Path) -> None:
    """At b8f8707 a directory or a non-UTF-8 file as the campaign or hunt file, an --out
    that is a file or on a read-only disk, and an unknown --dask scheme were tracebacks;
    an --out holding a run's files was taken as the campaign directory."""
    campaign = str(ROOT / "hil_configs" / "campaigns" / "m2_monte_carlo.toml")
    hunt = str(ROOT / "hil_configs" / "hunts" / "m2_naive.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "caf\xe9"\n')
    afile = tmp_path / "afile"
    afile.write_text("x")
    a_run = tmp_path / "a_run"
    a_run.mkdir()
    (a_run / "result.json").write_text("{}")
    new = str(tmp_path / "new")
    run, out = ["campaign", "run"], "--out"
    cases = [
        ([*run, str(tmp_path), out, new], "expected a campaign file, found 'a directory'"),
        ([*run, str(latin), out, new], "expected UTF-8 text, found 'byte 0xE9 at offset 11'"),
        (["hunt", str(latin), out, new], "expected UTF-8 text"),
        ([*run, campaign, out, str(afile)], "expected a directory for the campaign, found a file"),
        (["hunt", hunt, out, str(afile)], "expected a directory for the hunt, found a file"),
        ([*run, campaign, out, str(a_run)], "not empty (1 entries, e.g. result.json)"),
        ([*run, campaign, out, new, "--dask", "bogus://x"], "unknown address scheme"),
    ]
    for argv, why in cases:
        r = cli(*argv)
        assert r.returncode == 2 and why in r.stderr and "Traceback" not in r.stderr, (
            argv,
            r.stderr,
        )
    assert sorted(p.name for p in a_run.iterdir()) == ["result.json"]


def test_fuzz_refuses_an_empty_budget_and_a_used_out(tmp_path: Path) -> None:
    """At b8f8707 `fuzz --cases -1` (or --budget-s 0) tried nothing and passed ("no
    oracle violated", exit 0); --out on a file was a FileExistsError traceback; a reused
    --out kept an earlier run's reproducer beside the new fuzz.json; --corpus on a file
    was ignored."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = str(tmp_path / "f")
    for argv, why in [
        (["--cases", "-1", "--out", out], "--cases -1: expected an integer >= 1"),
        (["--budget-s", "0", "--out", out], "--budget-s 0.0: expected a number of seconds > 0"),
        (["--cases", "2", "--out", str(afile)], "expected a directory for the run, found a file"),
        (["--cases", "2", "--corpus", str(afile), "--out", out], "expected a directory, found"),
    ]:
        r = cli("fuzz", "--fsw", "memory", *argv)
        assert r.returncode == 2 and why in r.stderr, (argv, r.stderr)
    used = tmp_path / "used"
    used.mkdir()
    (used / "reproducer.lhcap").write_bytes(b"an earlier failure")
    r = cli("fuzz", "--fsw", "memory", "--cases", "2", "--out", str(used))
    assert r.returncode == 2 and "not empty" in r.stderr
    r = cli("fuzz", "--fsw", "memory", "--cases", "2", "--out", str(used), "--force")
    assert r.returncode == 0, r.stderr
    assert not (used / "reproducer.lhcap").exists() and (used / "fuzz.json").is_file()


def test_bench_refuses_counts_that_measure_nothing() -> None:
    """At b8f8707 `bench --pings 0` timed no round trip and judged the link fit for
    lockstep (NaN figures, exit 0); `--burst 0` was an IndexError traceback. Checked
    before the port is opened (nothing listens on port 1)."""
    port = ["bench", "--port", "socket://127.0.0.1:1"]
    for argv, why in [
        ([*port, "--pings", "0"], "--pings 0: expected an integer >= 1"),
        ([*port, "--burst", "-3"], "--burst -3: expected an integer >= 1"),
        ([*port, "--timeout", "0"], "--timeout 0.0: expected a number of seconds > 0"),
        ([*port, "--baud", "0"], "--baud 0: expected an integer >= 1"),
        (["bench", "--host", "--spin", "-1"], "--spin -1.0: expected a number of seconds >= 0"),
    ]:
        r = cli(*argv)
        assert r.returncode == 2 and why in r.stderr, (argv, r.stderr)


def _recorded_runs(store: Path) -> int:
    import sqlite3

    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as db:
            (n,) = db.execute("SELECT count(*) FROM runs WHERE status != 'pending'").fetchone()
    except sqlite3.Error:
        return 0
    return int(n)


def test_campaign_and_hunt_exit_143_on_sigterm(tmp_path: Path) -> None:
    """The README's exit codes hold for every command: at b8f8707 a SIGTERM'd campaign or
    hunt exited 130, as for Ctrl-C (and the hunt recorded "interrupted (Ctrl-C)")."""
    studies = [
        ["campaign", "run", str(ROOT / "hil_configs" / "campaigns" / "m2_monte_carlo.toml")],
        ["hunt", str(ROOT / "hil_configs" / "hunts" / "m2_naive.toml")],
    ]
    for study in studies:
        out = tmp_path / study[0]
        p = subprocess.Popen(
            [*EXE, *study, "--out", str(out), "--jobs", "1", "--no-progress"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _recorded_runs(out / "campaign.sqlite") < 2:
            time.sleep(0.1)  # the test's own pacing: waiting for runs to be recorded
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=90)
        assert p.returncode == 143, (study, err)
        assert f"resume with: lunar-hil {study[0]} resume {out}" in err
    ledger = json.loads((tmp_path / "hunt" / "hunt.json").read_text())
    assert "interrupted (SIGTERM)" in json.dumps(ledger)


def test_a_campaign_rerun_into_a_used_directory_says_so(tmp_path: Path) -> None:
    """At b8f8707 a second `campaign rerun DIR N` (or --out on a file) flew nothing,
    reported the run `aborted` and "telemetry digest DIFFERS: ... rerun None", exit 1 -- a
    false reproducibility failure; the run directory's refusal was not shown."""
    from tests.harness.campaign._fixtures import campaign_file

    body = 'profiles = ["robust"]\nseed = 5\nruns = 1\nkeep = "none"\n'
    path = campaign_file(tmp_path, body, sim_s=2.0)
    out = tmp_path / "camp"
    assert cli("campaign", "run", str(path), "--out", str(out), "--jobs", "1").returncode == 0
    first = cli("campaign", "rerun", str(out), "0")
    assert first.returncode == 0 and "digest matches" in first.stdout, first.stderr
    again = cli("campaign", "rerun", str(out), "0")
    assert again.returncode == 2, again.stdout
    assert f"{out / 'rerun-0'}: not empty" in again.stderr and "DIFFERS" not in again.stderr
    forced = cli("campaign", "rerun", str(out), "0", "--force")
    assert forced.returncode == 0 and "digest matches" in forced.stdout


def test_a_campaign_rerun_cut_by_sigterm_is_not_a_digest_that_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A SIGTERM during `campaign rerun` ended the run `aborted` and then reported
    "telemetry digest DIFFERS", exit 1; it is exit 143, and no digest is compared."""
    import harness.cli
    from harness.errors import SignalInterrupt
    from harness.simulator import Simulator
    from tests.harness.campaign._fixtures import campaign_file

    body = 'profiles = ["robust"]\nseed = 5\nruns = 1\nkeep = "none"\n'
    out = tmp_path / "camp"
    path = str(campaign_file(tmp_path, body, sim_s=2.0))
    assert cli("campaign", "run", path, "--out", str(out), "--jobs", "1").returncode == 0
    real = Simulator.advance_to
    calls = {"n": 0}

    def advance_then_sigterm(self: Simulator, t_us: int) -> object:
        calls["n"] += 1
        if calls["n"] == 20:
            raise SignalInterrupt(signal.SIGTERM)  # as the CLI's handler raises it
        return real(self, t_us)

    monkeypatch.setattr(Simulator, "advance_to", advance_then_sigterm)
    assert harness.cli.main(["campaign", "rerun", str(out), "0"]) == 143
    captured = capsys.readouterr()
    assert "aborted" in captured.out and "DIFFERS" not in captured.err
    assert "terminated by SIGTERM" in captured.err


def test_a_bad_baud_is_blamed_on_baud() -> None:
    """At b8f8707 `--baud -5` was reported as `--set link.baud=-5` (an option the user
    never typed), and `--baud 0` opened the port at 0 baud."""
    for baud in ("-5", "0"):
        r = cli("run", "nominal", "--port", "loop://", "--baud", baud)
        assert r.returncode == 2 and f"--baud {baud}: expected an integer >= 1" in r.stderr
        assert "--set" not in r.stderr


def test_fuzz_and_replay_fly_the_fsw_asked_for(tmp_path: Path) -> None:
    """Finding 2 on fuzz and replay at b8f8707: `--fsw python-stub --command ...` fuzzed
    the stub and passed, `--fsw memory --port ...` ignored the port, and an unbalanced
    quote in --command was a ValueError traceback."""
    capture = tmp_path / "c.lhcap"
    from harness.link.capture import CaptureWriter

    CaptureWriter(capture).close()
    cases = [
        (["--fsw", "python-stub", "--command", "x {port}"], "not --fsw python-stub"),
        (["--fsw", "memory", "--port", "/dev/ttyUSB9"], "not --fsw memory"),
        (["--command", "python3 'x {port}"], "No closing quotation"),
    ]
    for fsw, why in cases:
        for argv in (
            ["fuzz", "--cases", "2", "--out", str(tmp_path / "f")],
            ["replay", str(capture)],
        ):
            r = cli(*argv, *fsw)
            assert r.returncode == 2 and why in r.stderr and "Traceback" not in r.stderr, (
                argv,
                fsw,
                r.stderr,
            )
    assert not (tmp_path / "f").exists()


def test_extends_written_after_a_table_is_named(tmp_path: Path) -> None:
    """TOML puts a key written after [fsw] into [fsw]: at b8f8707 `extends` there was
    reported as "vehicle: expected a value (required key)" -- the parent never read."""
    p = tmp_path / "late.toml"
    p.write_text(f'[fsw]\nkind = "memory"\nextends = "{ROOT / "hil_configs" / "nominal.toml"}"\n')
    r = cli("run", str(p))
    assert r.returncode == 2
    assert f"{p}: fsw.extends: expected extends at the top, before any [table]" in r.stderr


def test_output_to_a_full_disk_is_an_error_not_a_traceback() -> None:
    """At b8f8707 every command whose stdout could not be written (a full disk; here
    /dev/full) ended in an OSError traceback, exit 1."""
    for argv in (["export", "xtce"], ["protocol"], ["scenarios"]):
        with open("/dev/full", "w") as full:
            r = subprocess.run(
                [*EXE, *argv], cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True,
                timeout=60,
            )  # fmt: skip
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr == f"lunar-hil {argv[0]}: error: cannot write: No space left on device\n"


def test_force_takes_the_lock_before_it_clears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At b8f8707 `--force` cleared the directory first and took the run's lock after:
    an --out it could not lock (read-only here, injected; or a second --force run racing
    for it) lost its files and then was refused anyway."""
    import harness.cli
    from tests.harness.disk_faults import run_dir_is_read_only

    out = tmp_path / "kept"
    out.mkdir()
    (out / "result.json").write_text('{"verdict": "soft"}')
    run_dir_is_read_only(monkeypatch)
    rc = harness.cli.main(["run", "nominal", *FAST, "--out", str(out), "--force"])
    assert rc == 2 and "not writable" in capsys.readouterr().err
    assert (out / "result.json").read_text() == '{"verdict": "soft"}'


def test_a_second_resume_of_one_campaign_is_refused_at_once(tmp_path: Path) -> None:
    """Finding 1 on campaigns: at b8f8707 two `campaign resume DIR` at once both flew the
    same pending runs, until the second died on "run N is not pending (recorded
    twice?)". Now the second is refused before it flies, naming the first's pid; the lock
    is the kernel's (flock), so it dies with its holder -- a resume after kill -9 works."""
    from harness.campaign import coordinator
    from harness.campaign.plan import load_campaign
    from tests.harness.campaign._fixtures import campaign_file

    body = 'profiles = ["robust"]\nseed = 5\nruns = 400\nkeep = "none"\n'
    out = tmp_path / "camp"
    coordinator.create(load_campaign(campaign_file(tmp_path, body, sim_s=2.0)), out).close()
    resume = [*EXE, "campaign", "resume", str(out), "--jobs", "1", "--no-progress"]
    first = subprocess.Popen(resume, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lock = out / ".lunar-hil.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _recorded_runs(out / "campaign.sqlite") < 1:
            time.sleep(0.05)  # the test's own pacing: the first resume is flying
        assert lock.read_text().strip() == str(first.pid)
        second = subprocess.run(resume, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"in use by another campaign (pid {first.pid})" in second.stderr
        first.kill()  # kill -9: the kernel drops the lock with it
        first.wait(timeout=30)
        again = subprocess.Popen(resume, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        before = _recorded_runs(out / "campaign.sqlite")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _recorded_runs(out / "campaign.sqlite") <= before:
            time.sleep(0.05)
        again.send_signal(signal.SIGINT)
        assert again.wait(timeout=60) == 130
    finally:
        first.kill()
        first.wait(timeout=30)


def test_an_artifact_cut_by_a_full_disk_is_removed_not_left_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 5's remainder: at b8f8707 an artifact the full disk cut stayed behind, a
    short telemetry.csv that reads as a shorter flight (or 0-byte files: a 256 KiB tmpfs
    left capture.pcapng, telemetry.csv and descent.png empty). It is removed and named;
    the run's result.json keeps the verdict and says which is missing."""
    import harness.cli
    from harness.report.telemetry import TelemetryWriter

    def half_then_enospc(self: TelemetryWriter, path: Path) -> None:
        self.close()
        path.write_bytes(self._data[: len(self._data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(TelemetryWriter, "write", half_then_enospc)
    out = tmp_path / "o"
    assert harness.cli.main(["run", "nominal", *FAST, "--out", str(out)]) == 2
    assert "telemetry.csv: no space left" in capsys.readouterr().out
    assert not (out / "telemetry.csv").exists()
    res = json.loads((out / "result.json").read_text())
    assert res["verdict"] == "soft" and "telemetry.csv" in res["artifact_errors"]
    assert "telemetry.csv" not in res["artifacts"]


# --- 18, 19: tests the fixes had not (they pass at b8f8707; they keep it so) ----------------


def test_progress_shows_on_a_terminal_and_not_in_a_log(tmp_path: Path) -> None:
    """Finding 19: a run says it is booting and where it is, on a terminal only."""
    import os
    import pty

    master, slave = pty.openpty()
    p = subprocess.Popen(
        [*EXE, "run", "nominal", "--fsw", "python-stub", "--no-plot", "--out",
         str(tmp_path / "tty")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=slave,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert p.wait(timeout=120) == 0
    assert b"booting the FSW (PING until PONG)" in seen and b"alt=" in seen
    quiet = cli("run", "nominal", *FAST, "--out", str(tmp_path / "log"))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_demo_offers_only_the_kinds_it_can_fly_and_no_story_for_a_plain_scenario(
    tmp_path: Path,
) -> None:
    """Finding 18: `demo --fsw process` could not work (no --command); a scenario of no
    mission was told as HAKUTO-R M2."""
    r = cli("demo", "--fsw", "process", "--out", str(tmp_path / "p"))
    assert r.returncode == 2 and "invalid choice: 'process'" in r.stderr
    assert not (tmp_path / "p").exists()
    r = cli("demo", "--config", "nominal", "--fsw", "memory", "--out", str(tmp_path / "n"))
    assert r.returncode == 0, r.stderr
    assert "HAKUTO" not in r.stdout and "RESILIENCE" not in r.stdout
    assert r.stdout.startswith("nominal.toml, FSW as memory: the same plant and faults")


def test_a_scenario_that_starts_a_process_says_so(tmp_path: Path) -> None:
    """Finding 13: a scenario file is code; the README says so and the summary prints the
    command a plain `lunar-hil run FILE` launched."""
    readme = (ROOT / "README.md").read_text()
    assert (
        "**A scenario file can start a process**" in readme and "run scenarios you trust" in readme
    )
    marker = tmp_path / "ran.txt"
    p = tmp_path / "evil.toml"
    p.write_text(
        f'extends = "{ROOT / "hil_configs" / "nominal.toml"}"\n[fsw]\nkind = "process"\n'
        f"command = \"sh -c 'echo ran > {marker}' {{port}}\"\n"
    )
    r = cli("run", str(p), "--no-plot", "--out", str(tmp_path / "o"))
    assert marker.read_text() == "ran\n"  # it did run: the summary must say what
    assert r.stdout.splitlines()[0].startswith("FSW: process, profile robust: sh -c 'echo ran")
    assert f"launched: sh -c 'echo ran > {marker}' {{port}}" in r.stdout


def test_force_clears_only_a_run_directory(tmp_path: Path) -> None:
    """At b8f8707 `--force` emptied any directory it was given: a mistyped `--out ~
    --force` (the harness often runs as root on a bench) would clear the home directory.
    It clears a run's directory (its artifacts, or anything beside a result.json /
    FSW.toml / fuzz.json), and refuses another."""
    home = tmp_path / "home"
    (home / "src").mkdir(parents=True)
    (home / "notes.txt").write_text("keep me")
    r = cli("run", "nominal", *FAST, "--out", str(home), "--force")
    assert r.returncode == 2 and "not a lunar-hil run directory" in r.stderr
    assert (home / "notes.txt").read_text() == "keep me" and (home / "src").is_dir()
    csv = str(_commands_csv(tmp_path))
    r = cli("simulate", "nominal", "--commands", csv, "--out", str(home), "--force")
    assert r.returncode == 2 and "not a lunar-hil run directory" in r.stderr
    assert (home / "notes.txt").exists()
    run = tmp_path / "run"
    assert cli("run", "nominal", *FAST, "--out", str(run)).returncode == 0
    (run / "my-notes.txt").write_text("beside a run's result.json: part of that run")
    assert cli("run", "nominal", *FAST, "--out", str(run), "--force").returncode == 0
    assert not (run / "my-notes.txt").exists()
