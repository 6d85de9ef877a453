"""Machine-readable benchmark figures: every benchmark reports through here.

A benchmark module's ``main(figures: Figures)`` measures and calls ``figures.add(...)``
for each figure; ``python -m benchmarks`` prints them, writes them as JSON with
``--json PATH`` and exits 1 when any figure misses its budget (2 for a usage error).
Quote medians; a figure with no budget is informative only.
"""

from __future__ import annotations

import json
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float
    unit: str
    #: the budget, in ``unit``; None when the figure is informative only
    budget: float | None = None
    #: True when larger is better (a rate); False for a time or a size
    higher_is_better: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        if self.budget is None:
            return True
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget

    def line(self) -> str:
        if self.budget is None:
            tail = ""
        else:
            rel = ">=" if self.higher_is_better else "<="
            tail = f"  (budget {rel} {self.budget:,.6g}: {'OK' if self.ok else 'BELOW BUDGET'})"
        return f"  {self.name}: {self.value:,.6g} {self.unit}{tail}"


class Figures:
    """The figures of one ``python -m benchmarks`` call."""

    def __init__(self) -> None:
        self.items: list[Figure] = []
        self.bench = ""

    def add(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        budget: float | None = None,
        higher_is_better: bool = True,
        **extra: Any,
    ) -> Figure:
        fig = Figure(self.bench, name, float(value), unit, budget, higher_is_better, extra)
        self.items.append(fig)
        print(fig.line(), flush=True)
        return fig

    def add_median(
        self, name: str, values: list[float], unit: str, *, budget: float | None = None
    ) -> Figure:
        """The median of repeated measurements (a rate), with their min and max."""
        return self.add(
            f"{name}, median",
            statistics.median(values),
            unit,
            budget=budget,
            min=min(values),
            max=max(values),
        )

    @property
    def missed(self) -> list[Figure]:
        return [f for f in self.items if not f.ok]

    def write_json(self, path: Path) -> None:
        doc = {
            "measured_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "node": platform.node()},
            "figures": [asdict(f) | {"ok": f.ok} for f in self.items],
        }
        path.write_text(json.dumps(doc, indent=2) + "\n")
