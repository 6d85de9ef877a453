"""The campaign's progress bar (rich): done / total, ETA and live verdict counts.

Drawn on stderr when it is a terminal (or when forced); otherwise silent, so logs and
tests see only the headline the command prints at the end.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from harness.campaign.store import RunRecord


class Progress:
    def __init__(self, enabled: bool | None = None, label: str = "campaign") -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.label = label
        self.counts: Counter[str] = Counter()
        self._bar: Any = None
        self._task: Any = None

    def start(self, total: int | None, done: int) -> None:
        """``total`` None: open-ended (a hunt on a time budget)."""
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[verdicts]}"),
            console=Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total, completed=done, verdicts="")

    def seed(self, counts: dict[str, int]) -> None:
        self.counts.update(counts)
        self.refresh()

    def advance(self, rec: RunRecord) -> None:
        self.counts[rec.verdict if rec.status == "done" and rec.verdict else rec.status] += 1
        if self._bar is not None:
            self._bar.advance(self._task)

    def refresh(self) -> None:
        if self._bar is not None:
            text = "  ".join(f"{k} {n}" for k, n in sorted(self.counts.items()))
            self._bar.update(self._task, verdicts=text)

    def note(self, text: str) -> None:
        """A line above the bar (a hunt's failure as it is found); silent without a bar."""
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)

    def stop(self) -> None:
        if self._bar is not None:
            self.refresh()
            self._bar.stop()
            self._bar = None
