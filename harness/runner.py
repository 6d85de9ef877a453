"""One whole run: scenario in, artifacts out (result.json, telemetry.csv, capture, plot).

Whatever happens -- a crash of the FSW, a silent board, a port that dies -- the run
directory receives what the run had and ``result.json`` says why it ended.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.config.table import ConfigTable, blame_override
from harness.errors import ConfigError, HarnessError
from harness.fswconfig import FswSettings, fsw_settings, fsw_toml, state_init, write_fsw_toml
from harness.launcher import FswKind, launch
from harness.link.capture import CaptureWriter
from harness.link.captured import CapturedLink
from harness.link.line import SerialLine
from harness.report.plot import fault_windows_of, plot_descent
from harness.report.telemetry import write_telemetry
from harness.scenario import Scenario, load_scenario
from harness.session import Session, SessionOutcome, SessionSettings
from harness.simulator import Simulator
from packets import SPECS, Apid
from packets.icd import MAX_FRAME_LEN

CAPTURE_NAME = "capture.lhcap"


@dataclass(frozen=True)
class RunRequest:
    config: Path
    profile: str | None = None
    seed: int | None = None
    fsw_kind: str | None = None
    port: str | None = None
    command: str | None = None
    out: Path | None = None
    overrides: tuple[str, ...] = ()
    plot: bool = True


@dataclass
class RunResult:
    run_dir: Path
    result: dict[str, Any]
    outcome: SessionOutcome


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


def run(req: RunRequest) -> RunResult:
    scenario = load_scenario(req.config, list(req.overrides))
    fsw = _settings(scenario, req.overrides)
    profile = req.profile or fsw.profile
    seed = scenario.run.seed if req.seed is None else req.seed
    kind = FswKind(req.fsw_kind or fsw.kind)
    run_dir = req.out or run_dir_for(scenario, profile, seed)
    run_dir.mkdir(parents=True, exist_ok=True)
    line = _line(scenario)

    period_us = scenario.run.control_period_us
    vehicle = scenario.vehicle
    cfg_path = write_fsw_toml(
        run_dir / "FSW.toml",
        fsw_toml(
            profile=profile,
            period_us=period_us,
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
    if line is not None:
        line.check_capacity(
            *scenario_load_bytes_per_s(scenario), where=f"{scenario.path}: link.baud"
        )
    endpoint = launch(
        kind,
        run_dir=run_dir,
        fsw_config=cfg_path,
        command=req.command or fsw.command,
        port=req.port or fsw.port,
    )
    capture = CaptureWriter(run_dir / CAPTURE_NAME)
    try:
        session: Session
        link = CapturedLink(endpoint.link, capture, lambda: session.t_us)
        session = Session(
            sim,
            endpoint,
            init,
            SessionSettings(
                period_us=period_us,
                max_sim_time_us=int(scenario.run.max_sim_time_s * 1e6),
                watchdog_s=fsw.watchdog_s,
                boot_timeout_s=fsw.boot_timeout_s,
                line=line,
                resync_quiet_s=_resync_quiet_s(line),
            ),
            link=link,
            dry_mass_kg=vehicle.dry_mass_kg,
        )
        outcome = session.run()
    finally:
        endpoint.close()
        capture.close()

    faults = sim.fault_summary()
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "config": str(req.config),
        "seed": seed,
        "mode": "lockstep",
        "fsw": {"kind": kind.value, "profile": profile, "endpoint": endpoint.description},
        "verdict": outcome.verdict.value,
        "causes": outcome.causes,
        "end_reason": outcome.end_reason,
        "touchdown": None if outcome.touchdown is None else outcome.touchdown._asdict(),
        "sim_time_s": outcome.sim_time_s,
        "wall_time_s": outcome.wall_time_s,
        "realtime_factor": outcome.realtime_factor,
        "boot_wall_s": outcome.boot_wall_s,
        "metrics": outcome.metrics,
        "faults_applied": faults,
        "events": [
            {"t_s": t, "code": e.code, "severity": e.severity, "value": e.value}
            for t, e in outcome.events
        ],
        "link": outcome.link,
        "overrides": list(req.overrides),
    }
    if outcome.harness_error:
        result["harness_error"] = outcome.harness_error
    (run_dir / "result.json").write_text(json.dumps(_jsonable(result), indent=2) + "\n")
    write_telemetry(run_dir / "telemetry.csv", outcome.rows)
    if req.plot:
        plot_descent(
            run_dir / "descent.png",
            outcome.rows,
            title=f"{scenario.name} · {profile} FSW · seed {seed} → {outcome.verdict.value}",
            fault_windows=fault_windows_of(faults),
            milestones=_milestones(outcome),
            dry_mass_kg=vehicle.dry_mass_kg,
            lrf_tilt_rad=scenario.sensors.lrf.mount_tilt_rad,
        )
    if outcome.harness_error:
        raise HarnessError(f"{outcome.end_reason}; what the run had is in {run_dir}/")
    return RunResult(run_dir, result, outcome)


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


def _milestones(o: SessionOutcome) -> list[tuple[float, str]]:
    out = []
    m = o.metrics
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
    plot = ", descent.png" if (r.run_dir / "descent.png").exists() else ""
    lines.append(f"artifacts: {r.run_dir}/ (result.json, telemetry.csv, {CAPTURE_NAME}{plot})")
    return lines
