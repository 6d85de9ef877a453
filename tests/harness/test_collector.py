"""The run loop makes no reference cycles, so pausing the cyclic collector while it flies
(``harness.collector``) loses nothing and spares the loop every collection pause.

Each flight below keeps the collector paused from just before the loop to just after it
(as ``Session.run`` does) and then collects the youngest generation, which holds every
object the loop allocated that is still tracked: nothing there may be unreachable. The
scenarios cover sensor faults, link faults (babble, damaged frames, a held line), a
crash over a crater rim, in memory (the stub's cycle in-process too) and over a pty.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from harness import collector, runner, session

CONFIGS = Path(__file__).resolve().parents[2] / "hil_configs"


@pytest.mark.parametrize(
    ("scenario", "kind"),
    [
        ("nominal.toml", "memory"),
        ("nominal.toml", "python-stub"),
        ("lrf_latency.toml", "memory"),
        ("babbling_lrf.toml", "memory"),
        ("hakuto_r_m1.toml", "memory"),
    ],
)
def test_the_loop_leaves_no_cyclic_garbage(
    scenario: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found: list[int] = []
    collections: list[int] = []
    paused = collector.collector_paused

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    @contextmanager
    def watched() -> Iterator[None]:
        gc.collect()  # what came before the loop is not the loop's
        with paused():
            gc.callbacks.append(on_gc)
            try:
                yield
            finally:
                gc.callbacks.remove(on_gc)
                found.append(gc.collect(0))  # everything the loop allocated is in gen 0

    monkeypatch.setattr(session, "collector_paused", watched)
    r = runner.run(
        runner.RunRequest(
            config=CONFIGS / scenario,
            profile="robust",
            fsw_kind=kind,
            out=tmp_path / "r",
            plot=False,
        )
    )
    assert r.result["metrics"]["ticks"] > 100
    assert found == [0], f"{scenario} over {kind}: the loop left cyclic garbage"
    assert collections == [], "an automatic collection ran while the loop flew"
