"""telemetry.csv: one row per control tick, truth beside the FSW's view. No wall-clock
values, so the file is identical for identical runs."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

from harness.session import TickRow

COLUMNS = (
    "t_s", "x_m", "z_m", "alt_m", "vx_mps", "vz_mps", "tilt_deg", "tilt_rate_dps",
    "mass_kg", "thrust_n", "cmd_engine_on", "cmd_throttle", "cmd_pitch_deg",
    "fsw_phase", "fsw_nav_flags", "fsw_est_alt_m", "fsw_est_vz_mps", "fsw_est_vx_mps",
    "fsw_est_pitch_deg", "fsw_lrf_accepted", "fsw_lrf_rejected",
    "lrf_sent_range_m", "lrf_sent_status",
)  # fmt: skip


def _f(x: float) -> str:
    return repr(round(x, 6))


def telemetry_rows(rows: Sequence[TickRow]) -> list[list[str]]:
    out = []
    deg = math.degrees
    for r in rows:
        t = r.truth
        st = r.status
        lrf = r.lrf_sent
        out.append(
            [
                f"{r.t_us / 1e6:.3f}", _f(t.x_m), _f(t.z_m), _f(t.alt_m), _f(t.vx_mps),
                _f(t.vz_mps), _f(deg(t.tilt_rad)), _f(deg(t.tilt_rate_radps)), _f(t.mass_kg),
                _f(t.thrust_n), str(int(r.engine_on)), _f(r.throttle), _f(deg(r.pitch_cmd_rad)),
                "" if st is None else str(st.phase),
                "" if st is None else str(st.nav_flags),
                "" if st is None else _f(st.est_alt_m),
                "" if st is None else _f(st.est_vz_mps),
                "" if st is None else _f(st.est_vx_mps),
                "" if st is None else _f(deg(st.est_pitch_rad)),
                "" if st is None else str(st.lrf_accepted),
                "" if st is None else str(st.lrf_rejected),
                "" if lrf is None else _f(lrf.range_m),
                "" if lrf is None else str(lrf.status),
            ]
        )  # fmt: skip
    return out


def write_telemetry(path: Path, rows: Sequence[TickRow]) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(telemetry_rows(rows))
