"""pytest plugin: the same HIL tests against the in-process stub, a pty, or a bench board.

Installed with lunar-hil (entry point ``pytest11``). A test asks for the ``hil`` fixture
and states what the landing must do; the command line chooses which FSW it flies::

    def test_m2_is_survived(hil):
        result = hil.run("hakuto_r_m2", profile="robust")   # a shipped scenario, or a path
        assert result.verdict == "soft", result.end_reason

    pytest                                        # the stub in-process (memory link)
    pytest --hil-fsw python-stub                  # the stub as a subprocess on a pty
    pytest --hil-fsw device --hil-port /dev/ttyUSB0   # a dev board on the bench
    pytest --hil-fsw process --hil-command "./fsw --port {port}"

Every run's artifacts go to the test's tmp_path (or ``--hil-out DIR``, one directory per
test named by its node id), and the verdict, the end reason and the run directory are
printed when a test fails. The harness is imported only when a test uses the fixture, so
an unrelated pytest run does not pay for the plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

#: the FSW kinds (harness.launcher.FswKind), spelt here so the plugin imports nothing heavy
FSW_KINDS = ("python-stub", "process", "device", "memory", "c-memory", "c-host", "qemu")


@dataclass(frozen=True)
class HilResult:
    """What a test asserts on: the verdict and the whole result.json."""

    verdict: str
    end_reason: str
    causes: list[str]
    result: dict[str, Any]
    run_dir: Path

    @property
    def touchdown(self) -> dict[str, float] | None:
        touchdown: dict[str, float] | None = self.result["touchdown"]
        return touchdown

    @property
    def metrics(self) -> dict[str, Any]:
        metrics: dict[str, Any] = self.result["metrics"]
        return metrics


class Hil:
    """Runs scenarios against the FSW chosen on the command line."""

    def __init__(
        self, fsw: str, port: str | None, command: str | None, out: Path, request: Any
    ) -> None:
        self.fsw = fsw
        self.port = port
        self.command = command
        self.out = out
        self.runs: list[HilResult] = []
        self._request = request

    def run(
        self,
        config: str | Path,
        *,
        profile: str | None = None,
        seed: int | None = None,
        overrides: tuple[str, ...] | list[str] = (),
        plot: bool = False,
    ) -> HilResult:
        from harness import runner  # imported when a test flies, not when pytest starts
        from harness.scenarios import find_scenario

        config = Path(config)
        if not config.is_absolute() and (Path(self._request.config.rootpath) / config).exists():
            config = Path(self._request.config.rootpath) / config
        config = find_scenario(config)
        out = self.out / f"{config.stem}-{profile or 'default'}-{len(self.runs)}"
        r = runner.run(
            runner.RunRequest(
                config=config,
                profile=profile,
                seed=seed,
                fsw_kind=self.fsw,
                port=self.port,
                command=self.command,
                out=out,
                overrides=tuple(overrides),
                plot=plot,
                force=True,  # the same test re-run replaces its own directory
            )
        )
        if r.result["verdict"] == "aborted" and r.result.get("interrupted_by") == "SIGINT":
            # the run kept its artifacts; now the Ctrl-C stops pytest, as anywhere else
            raise KeyboardInterrupt(f"{r.result['end_reason']} (artifacts in {out})")
        res = HilResult(
            r.result["verdict"], r.result["end_reason"], list(r.result["causes"]), r.result, out
        )
        self.runs.append(res)
        return res


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lunar-hil", "lunar-hil: which flight software the hil fixture flies")
    group.addoption(
        "--hil-fsw",
        default="memory",
        choices=FSW_KINDS,
        help="FSW kind for the hil fixture (default: memory, the stub in-process)",
    )
    group.addoption("--hil-port", default=None, help="serial URL for --hil-fsw device")
    group.addoption("--hil-command", default=None, help="command line with {port} for process")
    group.addoption("--hil-out", default=None, help="keep run directories under DIR")


@pytest.fixture
def hil(request: pytest.FixtureRequest, tmp_path: Path) -> Hil:
    opt = request.config.getoption
    out = Path(opt("--hil-out")) / _safe(request.node.nodeid) if opt("--hil-out") else tmp_path
    return Hil(opt("--hil-fsw"), opt("--hil-port"), opt("--hil-command"), out, request)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On a failed HIL test, say what each run ended as and where its artifacts are."""
    outcome = yield
    report = outcome.get_result()
    fixture = getattr(item, "funcargs", {}).get("hil")
    if report.when == "call" and report.failed and isinstance(fixture, Hil) and fixture.runs:
        lines = [f"{r.verdict}: {r.end_reason} -> {r.run_dir}" for r in fixture.runs]
        report.sections.append(("lunar-hil runs", "\n".join(lines)))


def _safe(nodeid: str) -> str:
    """A node id as one directory name: ``tests/a.py::test_x[1]`` -> ``tests_a.py__test_x_1_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", nodeid)
