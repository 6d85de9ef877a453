"""What the harness tells the FSW: its build-time constants (FSW.toml) and the ground's
state-vector upload (STATE_INIT) with the scenario's prior navigation error.

Scenario keys (section ``[fsw]``, all optional):
  profile         "naive" | "robust"   default profile (the CLI's --profile wins)
  kind            an FSW kind (harness.launcher.FswKind: "python-stub" | "process" | "device"
                  | "memory" | "c-memory" | "c-host" | "qemu"; default python-stub)
  command         for kind "process": a command line with {port} (and {config})
  port            for kind "device": a serial URL
  clock           for kind "python-stub": "sync" (a cycle per SYNC, default) or "own"
                  (its own timer at its period, ignoring SYNC, as a board: real time)
  alt_error_m, x_error_m, vx_error_mps, vz_error_mps, mass_error_kg
                  prior navigation error added to the truth in STATE_INIT (default 0)
  sigma_alt_m     1-sigma of the uploaded altitude (default 50 m)
  sigma_v_mps     1-sigma of each uploaded velocity (default 2 m/s)
  watchdog_s      wall-clock wait for each ENGINE_CMD (default 5)
  boot_timeout_s  PING until PONG for at most this long (default 15)
  max_missed_commands  consecutive ticks without a valid ENGINE_CMD before the run ends
                  as fsw_protocol (ICD §4; default: 1 s of sim time in ticks)
  [fsw.stub]      extra keys copied into the stub's FSW.toml (gains, gates)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from harness.config.table import ConfigTable
from harness.launcher import FswKind
from harness.plant.state import Truth
from packets import StateInit

PROFILES = ("naive", "robust")
KINDS = tuple(k.value for k in FswKind)
STUB_CLOCKS = ("sync", "own")


@dataclass(frozen=True)
class FswSettings:
    profile: str = "robust"
    kind: str = "python-stub"
    command: str | None = None
    port: str | None = None
    clock: str = "sync"
    alt_error_m: float = 0.0
    x_error_m: float = 0.0
    vx_error_mps: float = 0.0
    vz_error_mps: float = 0.0
    mass_error_kg: float = 0.0
    sigma_alt_m: float = 50.0
    sigma_v_mps: float = 2.0
    watchdog_s: float = 5.0
    boot_timeout_s: float = 15.0
    #: None: 1 s of sim time (the session converts it to ticks)
    max_missed_commands: int | None = None
    stub: Mapping[str, Any] = field(default_factory=dict)


def fsw_settings(table: ConfigTable) -> FswSettings:
    d = FswSettings()
    s = FswSettings(
        profile=table.string("profile", d.profile, choices=PROFILES),
        kind=table.string("kind", d.kind, choices=KINDS),
        command=table.string("command", "") or None,
        port=table.string("port", "") or None,
        clock=table.string("clock", d.clock, choices=STUB_CLOCKS),
        alt_error_m=table.number("alt_error_m", 0.0),
        x_error_m=table.number("x_error_m", 0.0),
        vx_error_mps=table.number("vx_error_mps", 0.0),
        vz_error_mps=table.number("vz_error_mps", 0.0),
        mass_error_kg=table.number("mass_error_kg", 0.0),
        sigma_alt_m=table.number("sigma_alt_m", d.sigma_alt_m, min=0.0),
        sigma_v_mps=table.number("sigma_v_mps", d.sigma_v_mps, min=0.0),
        watchdog_s=table.number("watchdog_s", d.watchdog_s, min=0.01),
        boot_timeout_s=table.number("boot_timeout_s", d.boot_timeout_s, min=0.01),
        max_missed_commands=table.integer("max_missed_commands", 0, min=0) or None,
        stub=dict(table.table("stub").data),
    )
    table.done()
    return s


def state_init(truth: Truth, s: FswSettings) -> StateInit:
    """The uploaded initial estimate: truth plus the scenario's prior error."""
    return StateInit(
        alt_m=truth.alt_m + s.alt_error_m,
        x_m=truth.x_m + s.x_error_m,
        vx_mps=truth.vx_mps + s.vx_error_mps,
        vz_mps=truth.vz_mps + s.vz_error_mps,
        mass_kg=truth.mass_kg + s.mass_error_kg,
        sigma_alt_m=s.sigma_alt_m,
        sigma_v_mps=s.sigma_v_mps,
    )


def dump_toml(doc: Mapping[str, Any]) -> str:
    """TOML text of ``doc`` (tomli-w: keys quoted and strings escaped as TOML needs).

    A NaN or infinite constant is refused (TOML can spell it; no FSW should get it)."""
    _check_finite(doc, "")
    return tomli_w.dumps(doc)


def _check_finite(v: Any, where: str) -> None:
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"cannot write {v!r} to TOML for the FSW (at {where or 'top'})")
    if isinstance(v, Mapping):
        for k, x in v.items():
            _check_finite(x, f"{where}.{k}" if where else str(k))
    elif isinstance(v, list | tuple):
        for i, x in enumerate(v):
            _check_finite(x, f"{where}[{i}]")


def fsw_toml(
    *,
    profile: str,
    period_us: int,
    vehicle: Mapping[str, float],
    mount_tilt_rad: float,
    extra: Mapping[str, Any],
) -> str:
    doc: dict[str, Any] = {"profile": profile, "period_us": period_us}
    doc["vehicle"] = dict(vehicle)
    doc["lrf"] = {"mount_tilt_rad": mount_tilt_rad}
    for k, v in extra.items():
        if isinstance(v, Mapping) and isinstance(doc.get(k), dict):
            doc[k] = {**doc[k], **v}
        else:
            doc[k] = v
    return dump_toml(doc)


def write_fsw_toml(path: Path, text: str) -> Path:
    path.write_text(
        "# written by lunar-hil from the scenario: the FSW's build-time constants\n" + text
    )
    return path
