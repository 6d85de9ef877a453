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
    """Say plainly which checks could not run for want of a system tool, and how to fix it."""
    from tests.system_tools import NOT_RUN

    if not NOT_RUN:
        return
    terminalreporter.section("checks not run (a system tool is missing)")
    for tool, package, nodeid in NOT_RUN:
        terminalreporter.line(f"{nodeid or '(a test)'}: needs {tool} (apt-get install {package})")
