"""A harness you can trust with your flight software: the findings of the December 2026
user review (kept with the project's notes, not in this repo), each reproduced the way it
was found -- the CLI in a real subprocess for signals and concurrency, an injected OSError
for disks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness.cli
from harness.rundir import LOCK_NAME, RunDir, RunDirError
from tests.harness.disk_faults import capture_disk_fills_at, run_dir_is_read_only

ROOT = Path(__file__).resolve().parents[2]
EXE = [sys.executable, "-m", "harness.cli"]
FAST = ["--fsw", "memory", "--no-plot"]


def cli(
    *argv: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXE, *argv], cwd=cwd or ROOT, capture_output=True, text=True, timeout=timeout
    )


# --- 1, 8, 25: run directories are never shared or inherited ----------------------------


def test_a_non_empty_out_is_refused_and_force_clears_it(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "descent.png").write_bytes(b"stale plot of another run")
    r = cli("run", "nominal", *FAST, "--out", str(out))
    assert r.returncode == 2 and "not empty" in r.stderr and "--force" in r.stderr
    r = cli("run", "nominal", *FAST, "--out", str(out), "--force")
    assert r.returncode == 0, r.stderr
    assert not (out / "descent.png").exists()  # the stale plot is gone, not listed
    artifacts = json.loads((out / "result.json").read_text())["artifacts"]
    assert "descent.png" not in artifacts and "descent.png" not in r.stdout
    assert set(artifacts) == {
        "FSW.toml",
        "capture.lhcap",
        "capture.pcapng",
        "result.json",
        "telemetry.csv",
    }


def test_two_concurrent_runs_into_one_out_never_both_fly(tmp_path: Path) -> None:
    out = tmp_path / "same"
    procs = [
        subprocess.Popen(
            [*EXE, "run", scenario, *FAST, "--out", str(out)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for scenario in ("nominal", "hakuto_r_m2")
    ]  # fmt: skip
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert any(w in loser for w in ("in use by another run", "not empty", "another run"))
    res = json.loads((out / "result.json").read_text())
    assert res["verdict"] in ("soft", "crash")  # one whole run, its own files


def test_out_that_is_a_file_or_empty_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "afile"
    f.write_text("x")
    assert "found a file" in cli("run", "nominal", *FAST, "--out", str(f)).stderr
    r = cli("run", "nominal", *FAST, "--out", "")
    assert r.returncode == 2 and "directory" in r.stderr


def test_a_launch_that_fails_leaves_no_run_directory(tmp_path: Path) -> None:
    out = tmp_path / "o_dev"
    r = cli("run", "nominal", "--port", "/dev/nonexistent", "--out", str(out))
    assert r.returncode == 2
    assert not out.exists()


def test_a_failed_launch_removes_the_runs_folder_it_made_and_no_other(tmp_path: Path) -> None:
    """The default ``runs/`` made for a run that never flew goes with it (the suite left
    an empty runs/ in the checkout); one that holds another run's directory stays."""
    root = tmp_path / "runs"
    rd = RunDir(root / "nominal-robust-s0-x")
    rd.discard()
    assert not root.exists()
    (root / "earlier").mkdir(parents=True)
    rd = RunDir(root / "nominal-robust-s0-y")
    rd.discard()
    assert [p.name for p in root.iterdir()] == ["earlier"]


def test_a_lock_left_by_a_killed_run_does_not_block_the_next(tmp_path: Path) -> None:
    """The lock is an flock: a run killed with -9 leaves the file but holds nothing, so
    --force takes its directory (with an O_EXCL file it said 'in use' until removed by
    hand); a live holder is still refused, by pid."""
    out = tmp_path / "o"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pathlib; from harness.rundir import RunDir;"
         " r = RunDir(pathlib.Path(sys.argv[1])); (r.path / 'result.json').write_text('{}');"
         " print('held', flush=True); sys.stdin.read()", str(out)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(RunDirError, match=f"in use by another run \\(pid {holder.pid}"):
            RunDir(out, force=True)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert (out / LOCK_NAME).exists()  # killed: the file is still there
    rd = RunDir(out, force=True)
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # cleared, locked by us
    rd.release()
    assert list(out.iterdir()) == []


# --- 2, 16: the FSW that flies is the one asked for; exit codes for CI ------------------


def test_command_implies_process_and_a_missing_binary_is_an_error(tmp_path: Path) -> None:
    r = cli("run", "nominal", "--command", "./my_fsw --port {port}", "--out", str(tmp_path / "o"))
    assert r.returncode == 2, r.stdout
    assert "my_fsw" in r.stderr
    assert "SOFT" not in r.stdout  # the reference stub did not fly in its place


def test_contradicting_options_are_usage_errors() -> None:
    r = cli("run", "nominal", "--fsw", "python-stub", "--command", "x {port}")
    assert r.returncode == 2 and "--fsw process" in r.stderr
    # memory's --command is a module:callable factory: a command line there is named, not
    # ignored (c-host's is a program, qemu's an image: each refused when it is not one)
    r = cli("run", "nominal", "--fsw", "memory", "--command", "x {port}")
    assert r.returncode == 2 and "'x {port}': expected 'module:callable'" in r.stderr
    r = cli("run", "nominal", "--fsw", "memory", "--port", "/dev/ttyUSB0")
    assert r.returncode == 2 and "--fsw device" in r.stderr


def test_a_run_that_never_flew_exits_3_even_without_expect(tmp_path: Path) -> None:
    r = cli("run", "nominal", "--command", "true {port}", "--out", str(tmp_path / "o"))
    assert r.returncode == 3, (r.stdout, r.stderr)
    assert "never flew" in r.stderr
    assert "FSW: process" in r.stdout and "launched: true" in r.stdout


def test_the_summary_names_the_fsw_and_why_it_crashed(tmp_path: Path) -> None:
    r = cli("run", "hakuto_r_m2", "--profile", "naive", *FAST, "--out", str(tmp_path / "o"))
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("FSW: memory, profile naive")
    assert "m/s > 3.0 m/s marginal limit" in r.stdout
    res = json.loads((tmp_path / "o" / "result.json").read_text())
    assert "touchdown_vz" in res["causes"]


def test_the_stub_profile_in_the_scenario_is_the_profile_reported(tmp_path: Path) -> None:
    p = tmp_path / "s.toml"
    p.write_text(
        f'extends = "{ROOT / "hil_configs" / "nominal.toml"}"\n[fsw.stub]\nprofile = "naive"\n'
    )
    assert cli("run", str(p), *FAST, "--out", str(tmp_path / "o")).returncode == 0
    res = json.loads((tmp_path / "o" / "result.json").read_text())
    assert res["fsw"]["profile"] == "naive"
    assert 'profile = "naive"' in (tmp_path / "o" / "FSW.toml").read_text()


# --- 3, 6, 7: every ending writes a result ------------------------------------------------


def _fsw_pids(run_dir: Path) -> list[int]:
    """Processes whose command line names this run's FSW.toml (the stub it launched)."""
    needle = str(run_dir / "FSW.toml").encode()
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if needle in (d / "cmdline").read_bytes():
                    pids.append(int(d.name))
            except OSError:
                continue
    return pids


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_end_as_aborted_with_artifacts(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    out = tmp_path / "o"
    p = subprocess.Popen(
        [*EXE, "run", "hakuto_r_m1", "--no-plot", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    capture = out / "capture.lhcap"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not capture.exists() or capture.stat().st_size < 20_000):
        time.sleep(0.05)  # the test's own pacing: waiting for the run to be under way
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == code, err
    res = json.loads((out / "result.json").read_text())
    assert res["verdict"] == "aborted"
    assert res["interrupted_by"] == sig.name
    assert (out / "telemetry.csv").stat().st_size > 0
    assert _fsw_pids(out) == []  # the child was reaped


def test_a_full_disk_keeps_the_verdict_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC half-way through the capture: the run flies on, the verdict is printed, the
    summary says which artifact is incomplete, exit 2."""
    capture_disk_fills_at(monkeypatch, 500)
    rc = harness.cli.main(["run", "nominal", *FAST, "--out", str(tmp_path / "o")])
    out = capsys.readouterr()
    assert rc == 2
    assert "verdict: SOFT" in out.out
    assert "capture.lhcap" in out.err and "No space left" in out.err
    res = json.loads((tmp_path / "o" / "result.json").read_text())
    assert res["verdict"] == "soft"
    assert "capture.lhcap" in res["artifact_errors"]


# --- 4, 11: bad input is a located error, exit 2, never a traceback ------------------------


@pytest.mark.parametrize(
    "argv, where",
    [
        (["run", "nominal", "--seed", "-1"], "--seed -1"),
        (["run", "hil_configs"], "hil_configs: (file): expected a TOML file"),
        (["run", "nominal", "--command", "python3 'x {port}"], "No closing quotation"),
        (["run", "no_such_scenario"], "name of a shipped one"),
        (["protocol", "-o", "/tmp"], "-o /tmp: cannot write the reference"),
        (["simulate", "nominal", "--commands", "x.csv", "--seed", "-1"], "--seed -1"),
        (["demo", "--seed", "-1"], "--seed -1"),
    ],
    ids=[
        "negative-seed",
        "directory",
        "unbalanced-quotes",
        "unknown-name",
        "protocol-o-dir",
        "simulate-negative-seed",
        "demo-negative-seed",
    ],
)
def test_bad_input_is_a_located_error(argv: list[str], where: str) -> None:
    r = cli(*argv)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert where in r.stderr
    assert "Traceback" not in r.stderr


def test_a_typo_under_fsw_stub_is_located_before_anything_flies(tmp_path: Path) -> None:
    p = tmp_path / "typo_stub.toml"
    p.write_text(f'extends = "{ROOT / "hil_configs" / "nominal.toml"}"\n[fsw.stub]\ngaain = 3\n')
    r = cli("run", str(p), "--fsw", "memory", "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert f"{p}: fsw.stub.gaain" in r.stderr
    assert not (tmp_path / "o").exists()


def test_non_utf8_config_is_located(tmp_path: Path) -> None:
    p = tmp_path / "latin1.toml"
    p.write_bytes(b'[run]\nname = "caf\xe9"\n')
    r = cli("run", str(p))
    assert r.returncode == 2 and "UTF-8" in r.stderr and "0xE9" in r.stderr


# --- 8, 12, 17, 23: first contact ----------------------------------------------------------


def test_scenarios_run_by_name_from_any_directory(tmp_path: Path) -> None:
    r = cli("run", "hakuto_r_m2", *FAST, "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    listing = cli("scenarios", cwd=tmp_path).stdout
    for name in ("nominal", "hakuto_r_m1", "hakuto_r_m2", "lrf_latency"):
        assert name in listing


def test_faults_lists_every_kind_each_table_accepts_with_its_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Finding 19: no command listed the fault kinds. ``lunar-hil faults`` prints the
    reference the tables are validated against, and every accepted kind is described in
    it (a kind added without its keys documented fails here)."""
    from harness.commands import faults
    from harness.faults.config import KINDS
    from harness.faults.link_config import KINDS as LINK_KINDS

    assert harness.cli.main(["faults"]) == 0
    out = capsys.readouterr().out
    sensor, link = out.split("[[link_faults]]  kinds:")
    for kinds, text in ((KINDS, sensor), (LINK_KINDS, link)):
        for kind in kinds:
            assert f"* ``{kind}``" in text or f"``{kind}``:" in text or f"``{kind}`` /" in text, (
                kind
            )
    assert harness.cli.main(["faults", "link_faults"]) == 0
    only = capsys.readouterr().out
    assert "[[faults]]" not in only and "``stall``" in only
    assert set(faults.reference()) == {"faults", "link_faults"}


def test_version_and_help_say_what_they_should() -> None:
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("lunar-hil ")
    helptext = cli("run", "--help").stdout
    for flag in ("--force", "--baud", "--command", "--port", "--set", "--expect", "{config}"):
        assert flag in helptext, flag


def test_help_lines_are_the_command_modules_docstrings() -> None:
    import importlib

    for name, module in harness.cli.COMMANDS.items():
        if name in harness.cli.HELP:
            doc = importlib.import_module(module).__doc__ or ""
            assert harness.cli.HELP[name] == doc.strip().splitlines()[0], name


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys, harness.cli\n"
        "try:\n    harness.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('harness.commands.', 'matplotlib',"
        " 'numpy', 'construct'))))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip().splitlines()[-1] == "[]"


def test_the_environment_has_no_say(tmp_path: Path) -> None:
    """Runs read nothing from the environment: a hostile one changes no byte."""
    env = dict(os.environ, HOME=str(tmp_path), LUNAR_HIL_OUT="/nonexistent")
    a = subprocess.run(
        [*EXE, "run", "nominal", *FAST, "--out", str(tmp_path / "a")], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    b = cli("run", "nominal", *FAST, "--out", str(tmp_path / "b"))
    assert a.returncode == b.returncode == 0
    assert (tmp_path / "a" / "telemetry.csv").read_bytes() == (
        tmp_path / "b" / "telemetry.csv"
    ).read_bytes()


def test_a_babbling_fsw_is_named_with_its_junk(tmp_path: Path) -> None:
    """Finding 20: an FSW that only babbles ends as fsw_timeout saying how much junk came."""
    babble = (
        "import os, sys, time; fd = os.open(sys.argv[1], os.O_WRONLY);"
        " [os.write(fd, bytes(range(32, 127)) * 4) for _ in range(200)]; time.sleep(30)"
    )
    r = cli(
        "run", "nominal", "--command", f"{sys.executable} -c '{babble}' {{port}}",
        "--set", "fsw.boot_timeout_s=1.0", "--no-plot", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert r.returncode == 3, r.stderr
    res = json.loads((tmp_path / "o" / "result.json").read_text())
    assert res["verdict"] == "fsw_timeout"
    assert "bytes of junk skipped" in res["end_reason"]
    assert "received 76000 bytes: 0 frames accepted" in res["end_reason"]


def test_ctrl_c_while_artifacts_are_written_finishes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 7: a Ctrl-C that lands while the plot is drawn waits for the artifacts."""
    import harness.runner

    real = harness.runner._plot

    def plot_then_ctrl_c(*a: object, **k: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # held until the artifacts are written
        real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(harness.runner, "_plot", plot_then_ctrl_c)
    out = tmp_path / "o"
    rc = harness.cli.main(["run", "nominal", "--fsw", "memory", "--out", str(out)])
    assert rc == 130
    res = json.loads((out / "result.json").read_text())
    assert res["verdict"] == "soft"
    assert "descent.png" in res["artifacts"]
    assert (out / "descent.png").read_bytes()[:4] == b"\x89PNG"


def test_device_opens_its_port_at_the_line_baud(tmp_path: Path) -> None:
    """Finding 15: --fsw device opens the port at [link] baud / --baud."""
    from harness.launcher import FswKind, launch

    ep = launch(
        FswKind.DEVICE, run_dir=tmp_path, fsw_config=tmp_path / "FSW.toml", port="loop://",
        baud=9600,
    )  # fmt: skip
    try:
        assert ep.link._port.baudrate == 9600  # type: ignore[attr-defined]
        assert "9600 baud" in ep.description
    finally:
        ep.close()


def test_the_launched_command_is_named_once(tmp_path: Path) -> None:
    """Finding 28: the endpoint does not repeat the pty path."""
    r = cli("run", "nominal", "--command", "true {port}", "--out", str(tmp_path / "o"))
    first = r.stdout.splitlines()[0]
    assert first.count("/dev/pts/") == 1, first


def test_descent_plot_keeps_labels_off_the_data_and_marks_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 22: milestone labels sit in a strip above the top panel (never over the
    curves or the legend), and the touchdown is marked."""
    import matplotlib.figure

    from harness import runner

    figs: list[matplotlib.figure.Figure] = []
    real = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(
        matplotlib.figure.Figure,
        "savefig",
        lambda self, *a, **k: (figs.append(self), real(self, *a, **k)),
    )
    runner.run(runner.RunRequest(config=ROOT / "hil_configs" / "hakuto_r_m1.toml", profile="naive",
                                 fsw_kind="memory", out=tmp_path / "o"))  # fmt: skip
    (fig,) = figs
    top = fig.axes[0]
    labels = [t for t in top.texts if "t=" in t.get_text()]
    assert len(labels) >= 3  # LRF first valid, latched failed, propellant out
    assert all(t.xyann[1] >= 1.0 for t in labels)  # in axes fraction: above the data
    assert any(line.get_marker() == "X" for line in top.get_lines())


def test_a_read_only_run_directory_is_refused_before_launch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 5: writability is checked (by taking the run's lock) before anything flies;
    an injected EROFS stands in for a read-only mount (root ignores permission bits)."""
    run_dir_is_read_only(monkeypatch)
    rc = harness.cli.main(["run", "nominal", "--fsw", "memory", "--out", str(tmp_path / "ro")])
    assert rc == 2
    assert "not writable: Read-only file system" in capsys.readouterr().err
    assert not (tmp_path / "ro" / "FSW.toml").exists()
