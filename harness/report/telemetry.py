"""telemetry.csv: one row per control tick, truth beside the FSW's view. No wall-clock
values, so the file is identical for identical runs.

``TelemetryWriter`` is a run observer: it takes each row as it comes and formats them
when it is closed (the runner closes it however the run ends, so a run that dies keeps
what it flew), keeping the SHA-256 of the file's bytes -- with ``path=None`` only the
digest, for a campaign run that keeps no files. Formatting is ~20 µs a row: done in
the tick loop it would cost the loop a tenth of its speed for an artifact. The fields
never need CSV quoting (numbers and empty strings), so a row is its fields joined by
commas, exactly what ``csv.writer`` would write (a test checks it).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from harness.outcome import TickRow

COLUMNS = (
    "t_s", "x_m", "z_m", "alt_m", "vx_mps", "vz_mps", "tilt_deg", "tilt_rate_dps",
    "mass_kg", "thrust_n", "cmd_engine_on", "cmd_throttle", "cmd_pitch_deg",
    "fsw_phase", "fsw_nav_flags", "fsw_est_alt_m", "fsw_est_vz_mps", "fsw_est_vx_mps",
    "fsw_est_pitch_deg", "fsw_lrf_accepted", "fsw_lrf_rejected",
    "lrf_sent_range_m", "lrf_sent_status",
)  # fmt: skip
_EMPTY_STATUS = ["", "", "", "", "", "", "", ""]


def _f(x: float) -> str:
    return repr(round(x, 6))


def telemetry_row(r: TickRow) -> list[str]:
    deg = math.degrees
    t = r.truth
    st = r.status
    lrf = r.lrf_sent
    out = [
        f"{r.t_us / 1e6:.3f}", _f(t.x_m), _f(t.z_m), _f(t.alt_m), _f(t.vx_mps),
        _f(t.vz_mps), _f(deg(t.tilt_rad)), _f(deg(t.tilt_rate_radps)), _f(t.mass_kg),
        _f(t.thrust_n), str(int(r.engine_on)), _f(r.throttle), _f(deg(r.pitch_cmd_rad)),
    ]  # fmt: skip
    if st is None:
        out += _EMPTY_STATUS
    else:
        out += [
            str(st.phase), str(st.nav_flags), _f(st.est_alt_m), _f(st.est_vz_mps),
            _f(st.est_vx_mps), _f(deg(st.est_pitch_rad)), str(st.lrf_accepted),
            str(st.lrf_rejected),
        ]  # fmt: skip
    if lrf is None:
        out += ["", ""]
    else:
        out += [_f(lrf.range_m), str(lrf.status)]
    return out


class TelemetryWriter:
    """telemetry.csv (or only its digest), fed one tick at a time, written on ``close``."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._rows: list[TickRow] = []
        self._sha: str | None = None
        self._data = b""

    def on_tick(self, row: TickRow) -> None:
        self._rows.append(row)

    @property
    def rows(self) -> int:
        return len(self._rows)

    @property
    def sha256(self) -> str:
        if self._sha is None:
            raise RuntimeError("TelemetryWriter.sha256 before close()")
        return self._sha

    def _bytes(self) -> bytes:
        head = ",".join(COLUMNS) + "\n"
        return (head + "".join(",".join(telemetry_row(r)) + "\n" for r in self._rows)).encode()

    def close(self) -> None:
        """Format the rows (and write them, when the writer has a path)."""
        if self._sha is not None:
            return
        self._data = self._bytes()
        self._sha = hashlib.sha256(self._data).hexdigest()
        if self.path is not None:
            self.path.write_bytes(self._data)

    def write(self, path: Path) -> None:
        """Write the file (after ``close``); an OSError is the caller's to keep."""
        self.close()
        path.write_bytes(self._data)
