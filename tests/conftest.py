"""Hypothesis profiles: `ci` (derandomized, no deadline) by default; `campaign` for long runs."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "campaign",
    deadline=None,
    max_examples=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Say plainly which checks could not run for want of a system tool, and how to fix it.

    Read from the skip reports, so that it works the same when the tests ran in xdist
    workers (``make test`` runs ``-n auto``)."""
    from tests.system_tools import MISSING

    lines = []
    for rep in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(rep, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        if MISSING in reason:
            lines.append(f"{rep.nodeid}: {reason.removeprefix('Skipped: ')}")
    if lines:
        terminalreporter.section("checks not run (a system tool is missing)")
        for line in sorted(set(lines)):
            terminalreporter.line(line)


#: what the suite must not leave in the checkout: a test's run writes under tmp_path
LITTER = ("runs",)
_litter_before: set[str] = set()


def pytest_sessionstart(session):  # type: ignore[no-untyped-def]
    root = session.config.rootpath
    _litter_before.update(name for name in LITTER if (root / name).exists())


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    """Fail the run when the tests left a ``runs/`` in the checkout (a run that wrote to
    the default directory: 19 hunt runs a suite once piled up 38 GB there)."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller checks once, at the end
    root = session.config.rootpath
    left = [name for name in LITTER if (root / name).exists() and name not in _litter_before]
    if left:
        session.config.pluginmanager.get_plugin("terminalreporter").write_sep(
            "!",
            f"the tests left {', '.join(left)} in {root}: a run wrote to its default"
            " directory instead of tmp_path",
            red=True,
        )
        session.exitstatus = 1
