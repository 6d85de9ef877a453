"""Run observers: fed one ``TickRow`` per tick by the loop (python-can's ``Listener``).

The telemetry writer lives with the telemetry format (``report.telemetry``); here is the
in-memory recorder that plots, milestones and tests read.
"""

from __future__ import annotations

from harness.outcome import TickRow


class RowRecorder:
    """Keeps every row in memory (a terminal descent is ~2,500 rows)."""

    def __init__(self) -> None:
        self.rows: list[TickRow] = []

    def on_tick(self, row: TickRow) -> None:
        self.rows.append(row)
