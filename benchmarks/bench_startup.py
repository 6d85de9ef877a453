"""Start-up costs a user feels: ``lunar-hil --help``, and what the pytest plugin adds to
an unrelated pytest run.

Budgets (issue 9): ``lunar-hil --help`` <= 0.3 s wall; a one-test pytest run with the
lunar-hil plugin installed within 0.2 s of the same run with it disabled
(``-p no:lunar_hil``). Medians over fresh subprocesses, alternating the two pytest runs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.figures import Figures

REPS = 9
LUNAR_HIL = Path(sys.executable).with_name("lunar-hil")


def _wall(argv: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=cwd, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - t0


def main(figures: Figures) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "test_plain.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        helps = [_wall([str(LUNAR_HIL), "--help"], d) for _ in range(REPS)]
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_plain.py"]
        with_plugin, without = [], []
        for _ in range(REPS):
            with_plugin.append(_wall(pytest, d))
            without.append(_wall([*pytest, "-p", "no:lunar_hil"], d))
    figures.add(
        "lunar-hil --help, median", statistics.median(helps), "s", budget=0.3,
        higher_is_better=False, min=min(helps),
    )  # fmt: skip
    extra = statistics.median(with_plugin) - statistics.median(without)
    figures.add(
        "pytest one test: plugin's extra start-up, median", extra, "s", budget=0.2,
        higher_is_better=False, with_plugin_s=statistics.median(with_plugin),
        without_s=statistics.median(without),
    )  # fmt: skip
