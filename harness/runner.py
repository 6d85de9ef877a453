"""One whole run as a value: ``RunSpec`` in, ``RunSummary`` out -- and its artifacts.

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

import json
import math
import tempfile
import traceback
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.clock import SimClock
from harness.config.table import ConfigTable, blame_override
from harness.errors import ConfigError, HarnessError
from harness.fswconfig import FswSettings, fsw_settings, fsw_toml, state_init, write_fsw_toml
from harness.launcher import FswKind, launch
from harness.link.base import Link
from harness.link.capture import CaptureWriter
from harness.link.captured import CapturedLink
from harness.link.line import SerialLine
from harness.outcome import SessionOutcome, TickRow
from harness.pacing import realtime_priority
from harness.report.metrics import milestones
from harness.report.observers import RowRecorder
from harness.report.pacing import pacing_lines, plot_jitter
from harness.report.telemetry import TelemetryWriter
from harness.scenario import Scenario, load_scenario
from harness.session import Session, SessionSettings
from harness.simulator import Simulator
from harness.verdict import Verdict
from packets import SPECS, Apid
from packets.icd import MAX_FRAME_LEN

CAPTURE_NAME = "capture.lhcap"
ARTIFACT_POLICIES = ("none", "result", "full")


@dataclass(frozen=True)
class RunRequest:
    """What the command line asks for: a scenario file, overrides and choices."""

    config: Path
    profile: str | None = None
    seed: int | None = None
    fsw_kind: str | None = None
    port: str | None = None
    command: str | None = None
    out: Path | None = None
    overrides: tuple[str, ...] = ()
    plot: bool = True


@dataclass(frozen=True)
class RunSpec:
    """One run, fully described, picklable: the same spec gives the same bytes anywhere."""

    scenario: Scenario
    seed: int | None = None
    profile: str | None = None
    fsw_kind: str | None = None
    port: str | None = None
    command: str | None = None
    #: the run directory (``artifacts`` "result"/"full"); None: under runs/
    out: Path | None = None
    artifacts: str = "full"
    plot: bool = True
    #: return the telemetry rows in the summary (plots, tests)
    keep_rows: bool = False
    #: for the record and for blaming a bad value on its --set
    overrides: tuple[str, ...] = ()
    config: str | None = None


@dataclass
class RunSummary:
    """What a run gives back: result.json's object, the telemetry digest, where it lives."""

    result: dict[str, Any]
    telemetry_sha256: str | None
    run_dir: Path | None
    rows: list[TickRow] | None = field(default=None, repr=False)
    #: the session's outcome (in-process callers only; not sent across processes)
    outcome: SessionOutcome | None = field(default=None, repr=False, compare=False)

    @property
    def verdict(self) -> str:
        return str(self.result["verdict"])


@dataclass
class RunResult:
    """``run``'s answer: the run directory, result.json's object and the rows."""

    run_dir: Path
    result: dict[str, Any]
    rows: list[TickRow]


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
        keep_rows=True,
        overrides=req.overrides,
        config=str(req.config),
    )


def run(req: RunRequest) -> RunResult:
    """Fly a command-line request; a harness error raises after the artifacts are written."""
    summary = fly(spec_for(req))
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
    FSW or port (before anything flies)."""
    if spec.artifacts not in ARTIFACT_POLICIES:
        raise ConfigError("RunSpec", "artifacts", f"one of {ARTIFACT_POLICIES}", spec.artifacts)
    scenario = spec.scenario
    fsw = _settings(scenario, spec.overrides)
    profile = spec.profile or fsw.profile
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
            run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lunar-hil-")))
        else:
            run_dir = spec.out or run_dir_for(scenario, profile, seed)
            run_dir.mkdir(parents=True, exist_ok=True)
        vehicle = scenario.vehicle
        cfg_path = write_fsw_toml(
            run_dir / "FSW.toml",
            fsw_toml(
                profile=profile,
                period_us=scenario.run.control_period_us,
                vehicle={
                    "dry_mass_kg": vehicle.dry_mass_kg,
                    "max_thrust_n": vehicle.max_thrust_n,
                    "min_throttle": vehicle.min_throttle,
                    "isp_s": vehicle.isp_s,
                },
                mount_tilt_rad=scenario.sensors.lrf.mount_tilt_rad,
                extra=fsw.stub,
            ),
        )
        sim = Simulator(scenario, seed)
        init = state_init(sim.truth, fsw)
        endpoint = launch(
            kind,
            run_dir=run_dir,
            fsw_config=cfg_path,
            command=spec.command or fsw.command,
            port=spec.port or fsw.port,
            stub_clock=fsw.clock,
        )
        stack.callback(endpoint.close)
        simt = SimClock()
        link: Link = endpoint.link
        if full:
            capture = CaptureWriter(run_dir / CAPTURE_NAME)
            stack.callback(capture.close)
            link = CapturedLink(endpoint.link, capture, simt.now)
        telemetry = TelemetryWriter(run_dir / "telemetry.csv" if full else None)
        stack.callback(telemetry.close)
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
            ),
            link=link,
            observers=(telemetry, recorder),
            sim_clock=simt,
        )
        realtime = scenario.run.mode == "realtime"
        child = endpoint.process.pid if endpoint.process is not None else None
        prio = scenario.run.rt_priority if realtime else 0
        with realtime_priority(prio, child if kind is FswKind.PYTHON_STUB else None) as granted:
            outcome = session.run()
        if outcome.pacing is not None:
            outcome.pacing.scheduling = granted
        endpoint.close()
        telemetry.close()
        rows = recorder.rows
        result = _result(spec, scenario, seed, kind, profile, endpoint.description, outcome, sim)
        result["metrics"] = milestones(rows, outcome.propellant_out_us, vehicle.dry_mass_kg)
        result["telemetry_sha256"] = telemetry.sha256
        if spec.artifacts != "none":
            (run_dir / "result.json").write_text(json.dumps(_jsonable(result), indent=2) + "\n")
        if full and spec.plot:
            _plot(run_dir, scenario, profile, seed, result, rows)
            if outcome.pacing is not None:
                plot_jitter(run_dir / "jitter.png", outcome.pacing, title=scenario.name)
        return RunSummary(
            result=_jsonable(result),
            telemetry_sha256=telemetry.sha256,
            run_dir=None if spec.artifacts == "none" else run_dir,
            rows=rows if spec.keep_rows else None,
            outcome=outcome,
        )
    raise AssertionError("unreachable")  # pragma: no cover (ExitStack does not swallow)


def _result(
    spec: RunSpec,
    scenario: Scenario,
    seed: int,
    kind: FswKind,
    profile: str,
    endpoint: str,
    outcome: SessionOutcome,
    sim: Simulator,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "config": spec.config if spec.config is not None else str(scenario.path),
        "seed": seed,
        "mode": scenario.run.mode,
        "fsw": {"kind": kind.value, "profile": profile, "endpoint": endpoint},
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
        milestones=_milestones(result["metrics"]),
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


def _milestones(m: dict[str, Any]) -> list[tuple[float, str]]:
    out = []
    if m.get("lrf_first_valid"):
        fv = m["lrf_first_valid"]
        out.append((fv["t_s"], f"LRF first valid {fv['alt_true_m']:.0f} m"))
    if m.get("lrf_latched_failed"):
        out.append((m["lrf_latched_failed"]["t_s"], "LRF latched failed"))
    if m.get("propellant_out"):
        out.append((m["propellant_out"]["t_s"], "propellant out"))
    return out


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    return x


def summary_lines(r: RunResult) -> list[str]:
    """The short human summary `lunar-hil run` prints."""
    res = r.result
    lines = [f"verdict: {res['verdict'].upper()}  ({res['end_reason']})"]
    if res["causes"]:
        lines.append("causes: " + ", ".join(res["causes"]))
    td = res["touchdown"]
    if td:
        lines.append(
            f"touchdown: t={td['t_s']:.1f} s  v_z={td['vz_mps']:.2f} m/s"
            f"  v_x={td['vx_mps']:.2f} m/s  tilt={td['tilt_deg']:.1f}°"
            f"  propellant={td['propellant_kg']:.1f} kg"
        )
    m = res["metrics"]
    fv = m.get("lrf_first_valid")
    lines.append(
        f"LRF first valid at {fv['alt_true_m']:.0f} m, {abs(fv['vz_true_mps']):.0f} m/s"
        f" (t={fv['t_s']:.1f} s)"
        if fv
        else "LRF never valid"
    )
    if m.get("lrf_latched_failed"):
        lt = m["lrf_latched_failed"]
        lines.append(
            f"LRF declared failed by the FSW at {lt['alt_true_m']:.0f} m (t={lt['t_s']:.1f} s)"
        )
    if m.get("propellant_out"):
        po = m["propellant_out"]
        lines.append(
            f"propellant exhausted at t={po['t_s']:.1f} s,"
            f" {po.get('alt_true_m', float('nan')):.0f} m up"
        )
    lines.append(
        f"sim {res['sim_time_s']:.1f} s in {res['wall_time_s']:.2f} s wall:"
        f" {res['realtime_factor']:.0f}x real time (FSW boot {res['boot_wall_s']:.2f} s)"
    )
    lines.extend(pacing_lines(res.get("realtime")))
    plot = ", descent.png" if (r.run_dir / "descent.png").exists() else ""
    lines.append(f"artifacts: {r.run_dir}/ (result.json, telemetry.csv, {CAPTURE_NAME}{plot})")
    return lines
