"""One whole run as a value: ``RunSpec`` in, ``RunSummary`` out -- and its artifacts.

Over ~300 lines because it is where every room meets for one run (scenario, FSW kind,
line and link faults, session in lockstep or real time, artifacts); the pieces it composes
live in their own modules -- splitting ``fly`` further would scatter one sequence.

``execute(spec)`` composes the simulator, the FSW endpoint, the line and the session,
feeds the observers (telemetry writer, row recorder, capture) as the run goes, and
never raises: a harness bug is a summary with verdict ``aborted`` and the traceback,
so the same function serves the CLI, a process-pool worker and a Dask worker. A spec
holds the resolved scenario (no files needed to read it again) and pickles small; the
summary holds the result.json object and the telemetry digest, not the rows (unless
asked). ``run(RunRequest)`` is the CLI's wrapper: load, plan, execute, raise on error.

Artifacts (``RunSpec.artifacts``): ``"full"`` -- result.json, telemetry.csv, the capture,
descent.png (unless ``plot=False``); ``"result"`` -- result.json only; ``"none"`` --
nothing kept (the FSW's files live in a temporary directory for the run).
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import tomllib
import traceback
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.clock import SimClock
from harness.config.table import ConfigTable, blame_override
from harness.errors import ConfigError, HarnessError
from harness.faults.link import build_link_faults, link_accounting
from harness.fswconfig import FswSettings, fsw_settings, fsw_toml, state_init
from harness.launcher import STUB_KINDS, FswEndpoint, FswKind, check_stub_config, launch
from harness.link.base import Link
from harness.link.capture import CaptureWriter
from harness.link.captured import CapturedLink
from harness.link.line import Line, SerialLine
from harness.outcome import SessionOutcome, TickRow
from harness.pacing import realtime_priority
from harness.pcapng.capture import PCAPNG_NAME, write_pcapng_capture
from harness.report.metrics import milestones
from harness.report.observers import RowRecorder
from harness.report.pacing import plot_jitter
from harness.report.summary import CAPTURE_NAME, jsonable, plot_milestones, summary_lines
from harness.report.telemetry import TelemetryWriter
from harness.rundir import RunDir, RunDirError, signals_deferred
from harness.runspec import ARTIFACT_POLICIES, RunRequest, RunResult, RunSpec, RunSummary
from harness.scenario import Scenario, load_scenario
from harness.session import Session, SessionSettings
from harness.simulator import Simulator
from harness.verdict import Verdict
from packets import SPECS, Apid
from packets.icd import MAX_FRAME_LEN

#: a real-time run's capture stays in memory until the run ends (~16 kB/s at the default
#: rates: ~10 MB for 10 minutes); a longer run flushes a buffer's worth at a time
REALTIME_CAPTURE_BUFFER = 64 * 1024 * 1024


def _settings(scenario: Scenario, overrides: tuple[str, ...]) -> FswSettings:
    raw = scenario.raw.get("fsw", {})
    try:
        return fsw_settings(ConfigTable(raw, str(scenario.path), "fsw"))
    except ConfigError as exc:
        raise blame_override(exc, overrides) from None


def _line(scenario: Scenario) -> SerialLine | None:
    raw = ConfigTable(scenario.raw.get("link", {}), str(scenario.path), "link")
    baud = raw.integer("baud", 0, min=0)
    raw.done()
    return SerialLine(baud) if baud else None


def _resync_quiet_s(line: SerialLine | None) -> float:
    """Quiet time before a partial frame is given up: twice the longest valid frame's
    time on the line (ICD §2 rule 7), and never below 0.2 s of OS scheduling slack."""
    if line is None:
        return 0.2
    return max(0.2, 2 * line.tx_time_us(MAX_FRAME_LEN) / 1e6)


def run_dir_for(scenario: Scenario, profile: str, seed: int, root: Path = Path("runs")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return root / f"{scenario.name}-{profile}-s{seed}-{stamp}"


def spec_for(req: RunRequest) -> RunSpec:
    """The spec of a command-line request (loads and validates the scenario)."""
    return RunSpec(
        scenario=load_scenario(req.config, list(req.overrides)),
        seed=req.seed,
        profile=req.profile,
        fsw_kind=req.fsw_kind,
        port=req.port,
        command=req.command,
        out=req.out,
        plot=req.plot,
        force=req.force,
        keep_rows=True,
        overrides=req.overrides,
        config=str(req.config),
    )


def run(req: RunRequest, observers: tuple[Any, ...] = ()) -> RunResult:
    """Fly a command-line request; a harness error raises after the artifacts are written."""
    summary = fly(dataclasses.replace(spec_for(req), observers=observers))
    for o in observers:
        if hasattr(o, "done"):
            o.done()
    assert summary.run_dir is not None and summary.rows is not None
    if summary.result.get("harness_error"):
        raise HarnessError(
            f"{summary.result['end_reason']}; what the run had is in {summary.run_dir}/"
        )
    return RunResult(summary.run_dir, summary.result, summary.rows)


def execute(spec: RunSpec) -> RunSummary:
    """Fly ``spec``; never raises for a harness bug or a bad spec (verdict ``aborted``)."""
    try:
        return fly(spec)
    except Exception as exc:
        return RunSummary(
            result={
                "scenario": spec.scenario.name,
                "seed": spec.scenario.run.seed if spec.seed is None else spec.seed,
                "verdict": Verdict.ABORTED.value,
                "end_reason": f"{type(exc).__name__}: {exc}",
                "causes": [],
                "harness_error": traceback.format_exc(),
            },
            telemetry_sha256=None,
            run_dir=None,
        )


def fly(spec: RunSpec) -> RunSummary:
    """Fly ``spec`` and write its artifacts; raises ``HarnessError`` for a bad scenario,
    FSW, port or run directory (before anything flies). The verdict is never lost to an
    artifact that cannot be written: ``result["artifact_errors"]`` says which and why."""
    if spec.artifacts not in ARTIFACT_POLICIES:
        raise ConfigError("RunSpec", "artifacts", f"one of {ARTIFACT_POLICIES}", spec.artifacts)
    scenario = spec.scenario
    fsw = _settings(scenario, spec.overrides)
    stub = dict(fsw.stub)
    # one source of truth for the profile: --profile, else [fsw.stub] profile, else [fsw]
    stub_profile = stub.pop("profile", None)
    profile = spec.profile or stub_profile or fsw.profile
    seed = scenario.run.seed if spec.seed is None else spec.seed
    kind = FswKind(spec.fsw_kind or fsw.kind)
    line = _line(scenario)
    if line is not None:
        line.check_capacity(
            *scenario_load_bytes_per_s(scenario), where=f"{scenario.path}: link.baud"
        )
    full = spec.artifacts == "full"
    with ExitStack() as stack:
        if spec.artifacts == "none":
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lunar-hil-")))
            rd = RunDir(tmp / "run")
        else:
            rd = RunDir(spec.out or run_dir_for(scenario, profile, seed), force=spec.force)
        stack.callback(rd.release)
        run_dir = rd.path
        vehicle = scenario.vehicle
        fsw_doc = fsw_toml(
            profile=profile,
            period_us=scenario.run.control_period_us,
            vehicle={
                "dry_mass_kg": vehicle.dry_mass_kg,
                "max_thrust_n": vehicle.max_thrust_n,
                "min_throttle": vehicle.min_throttle,
                "isp_s": vehicle.isp_s,
            },
            mount_tilt_rad=scenario.sensors.lrf.mount_tilt_rad,
            extra=stub,
        )
        if kind in STUB_KINDS:
            _check_stub(tomllib.loads(fsw_doc), scenario, fsw, rd)
        if not rd.write("FSW.toml", fsw_doc):
            raise RunDirError(f"{run_dir}: cannot write FSW.toml: {rd.errors['FSW.toml']}")
        cfg_path = rd.file("FSW.toml")
        sim = Simulator(scenario, seed)
        init = state_init(sim.truth, fsw)
        link_faults = build_link_faults(scenario.link_faults, seed, lambda: sim.truth.alt_m)
        command = spec.command or fsw.command
        port = spec.port or fsw.port
        try:
            endpoint = launch(
                kind,
                run_dir=run_dir,
                fsw_config=cfg_path,
                command=command,
                port=port,
                baud=line.baud if line is not None else None,
                stub_clock=fsw.clock,
            )
        except BaseException:
            rd.discard()  # nothing flew: leave no stray run directory
            raise
        stack.callback(endpoint.close)
        if endpoint.stderr_path is not None:
            rd.written.append(endpoint.stderr_path.name)
        simt = SimClock()
        link: Link = endpoint.link
        capture: CaptureWriter | None = None
        if full:
            capture = CaptureWriter(
                rd.file(CAPTURE_NAME),
                buffer_bytes=REALTIME_CAPTURE_BUFFER if scenario.run.mode == "realtime" else -1,
            )
            stack.callback(capture.close)
            rd.written.append(CAPTURE_NAME)
            link = CapturedLink(endpoint.link, capture, simt.now)
        telemetry = TelemetryWriter(None)
        recorder = RowRecorder()
        session = Session(
            sim,
            endpoint,
            init,
            SessionSettings(
                period_us=scenario.run.control_period_us,
                max_sim_time_us=int(scenario.run.max_sim_time_s * 1e6),
                watchdog_s=fsw.watchdog_s,
                boot_timeout_s=fsw.boot_timeout_s,
                line=line,
                resync_quiet_s=_resync_quiet_s(line),
                max_missed_commands=fsw.max_missed_commands,
                mode=scenario.run.mode,
                step_us=scenario.run.step_us,
                speed=scenario.run.speed,
                spin_s=scenario.run.spin_ms / 1e3,
            ),
            link=link,
            observers=(telemetry, recorder, *spec.observers),
            sim_clock=simt,
            line=Line.of(line, link_faults.h2f, link_faults.f2h),
        )
        realtime = scenario.run.mode == "realtime"
        child = endpoint.process.pid if endpoint.process is not None else None
        prio = scenario.run.rt_priority if realtime else 0
        with realtime_priority(prio, child if kind is FswKind.PYTHON_STUB else None) as granted:
            outcome = session.run()
        if outcome.pacing is not None:
            outcome.pacing.scheduling = granted
        with signals_deferred():  # a Ctrl-C now lands after the artifacts, not inside one
            endpoint.close()
            telemetry.close()
            rows = recorder.rows
            result = _result(spec, scenario, seed, kind, profile, endpoint, outcome, sim)
            result["fsw"]["command"] = command if kind is FswKind.PROCESS else None
            result["fsw"]["port"] = port if kind is FswKind.DEVICE else None
            if scenario.link_faults:
                result["faults_applied"] += link_faults.summary()
                result["link"]["accounting"] = link_accounting(outcome.link, link_faults)
            result["metrics"] = milestones(
                rows,
                outcome.propellant_out_us,
                vehicle.dry_mass_kg,
                vehicle.max_thrust_n,
                scenario.plant.g_mps2,
            )
            result["telemetry_sha256"] = telemetry.sha256
            if capture is not None:
                capture.close()
                if capture.error is not None:
                    rd.errors[CAPTURE_NAME] = f"incomplete: {capture.error.strerror}"
                rd.record(  # its pcapng copy for Wireshark, once the capture is whole
                    PCAPNG_NAME,
                    lambda: write_pcapng_capture(
                        capture.path, rd.file(PCAPNG_NAME), epoch_unix_ns=capture.opened_unix_ns
                    ),
                )
            if full:
                rd.record("telemetry.csv", lambda: telemetry.write(rd.file("telemetry.csv")))
                if spec.plot:
                    rd.record(
                        "descent.png", lambda: _plot(run_dir, scenario, profile, seed, result, rows)
                    )
                    if outcome.pacing is not None:
                        pacing = outcome.pacing
                        rd.record(
                            "jitter.png",
                            lambda: plot_jitter(rd.file("jitter.png"), pacing, title=scenario.name),
                        )
            if spec.artifacts != "none":
                rd.written.append("result.json")
                result["artifacts"] = sorted(rd.written)
                result["artifact_errors"] = dict(rd.errors)
                text = json.dumps(jsonable(result), indent=2) + "\n"
                if not rd.write("result.json", text):
                    rd.written.remove("result.json")
                    rd.record(
                        "result.json",
                        lambda: _write_what_fits(rd.file("result.json"), text),
                        keep_partial=True,
                    )
                    result["artifact_errors"] = dict(rd.errors)
                result["artifacts"] = sorted(rd.written)
        return RunSummary(
            result=jsonable(result),
            telemetry_sha256=telemetry.sha256,
            run_dir=None if spec.artifacts == "none" else run_dir,
            rows=rows if spec.keep_rows else None,
            outcome=outcome,
        )
    raise AssertionError("unreachable")  # pragma: no cover (ExitStack does not swallow)


def _check_stub(doc: dict[str, Any], scenario: Scenario, fsw: FswSettings, rd: RunDir) -> None:
    """A bad ``[fsw.stub]`` is a located scenario error before launch (exit 2), not an
    FSW that dies on its FSW.toml; the key is named as the scenario spells it."""
    try:
        check_stub_config(doc, "FSW.toml")
    except ValueError as exc:
        rd.discard()
        key = getattr(exc, "key", "?")
        table = ConfigTable(scenario.raw.get("fsw", {}), str(scenario.path), "fsw")
        raise ConfigError(
            table.table("stub").file_of(str(key).split(".")[0]),
            f"fsw.stub.{key}",
            str(getattr(exc, "expected", exc)),
            getattr(exc, "found", None),
        ) from None


def _write_what_fits(path: Path, text: str) -> None:
    """As much of ``text`` as the disk takes (a full disk still keeps the head)."""
    with path.open("w") as fh:
        for i in range(0, len(text), 512):
            fh.write(text[i : i + 512])
            fh.flush()


def _result(
    spec: RunSpec,
    scenario: Scenario,
    seed: int,
    kind: FswKind,
    profile: str,
    endpoint: FswEndpoint,
    outcome: SessionOutcome,
    sim: Simulator,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "config": spec.config if spec.config is not None else str(scenario.path),
        "seed": seed,
        "mode": scenario.run.mode,
        "fsw": {"kind": kind.value, "profile": profile, "endpoint": endpoint.description},
        "verdict": outcome.verdict.value,
        "causes": outcome.causes,
        "end_reason": outcome.end_reason,
        "touchdown": None if outcome.touchdown is None else outcome.touchdown._asdict(),
        "sim_time_s": outcome.sim_time_s,
        "wall_time_s": outcome.wall_time_s,
        "realtime_factor": outcome.realtime_factor,
        "boot_wall_s": outcome.boot_wall_s,
        "ticks": outcome.ticks,
        "faults_applied": sim.fault_summary(),
        "events": [
            {"t_s": t, "code": e.code, "severity": e.severity, "value": e.value}
            for t, e in outcome.events
        ],
        "link": outcome.link,
        "overrides": list(spec.overrides),
        "interrupted_by": outcome.interrupted_by,
    }
    if outcome.pacing is not None:
        result["realtime"] = outcome.pacing.summary()
    if outcome.harness_error:
        result["harness_error"] = outcome.harness_error
    return result


def _plot(
    run_dir: Path,
    scenario: Scenario,
    profile: str,
    seed: int,
    result: dict[str, Any],
    rows: list[TickRow],
) -> None:
    from harness.report.plot import fault_windows_of, plot_descent  # matplotlib: only here

    plot_descent(
        run_dir / "descent.png",
        rows,
        title=f"{scenario.name} · {profile} FSW · seed {seed} → {result['verdict']}",
        fault_windows=fault_windows_of(result["faults_applied"]),
        milestones=plot_milestones(result["metrics"]),
        dry_mass_kg=scenario.vehicle.dry_mass_kg,
        lrf_tilt_rad=scenario.sensors.lrf.mount_tilt_rad,
    )


def scenario_load_bytes_per_s(scenario: Scenario) -> tuple[float, float]:
    """Offered load on each direction of the line: sensor frames + SYNC; FSW answers."""
    period_s = scenario.run.control_period_us / 1e6
    sensors = scenario.sensors
    rates = (
        (Apid.IMU, sensors.imu),
        (Apid.LRF, sensors.lrf),
        (Apid.ATTITUDE, sensors.attitude),
        (Apid.VELOCIMETER, sensors.velocimeter),
        (Apid.DISCRETES, sensors.discretes),
    )
    h2f = sum(1e6 / s.period_us * SPECS[apid].frame_len for apid, s in rates if s.enabled)
    h2f += SPECS[Apid.SYNC].frame_len / period_s
    f2h = (SPECS[Apid.FSW_STATUS].frame_len + SPECS[Apid.ENGINE_CMD].frame_len) / period_s
    return h2f, f2h


__all__ = [
    "CAPTURE_NAME",
    "RunRequest",
    "RunResult",
    "RunSpec",
    "RunSummary",
    "execute",
    "fly",
    "run",
    "spec_for",
    "summary_lines",
]
