"""The harness's exceptions: one root; user-facing ones name the file and key or the bytes."""

from __future__ import annotations


class HarnessError(Exception):
    """Root of every error the harness raises on purpose. The CLI turns it into exit 2."""


class ConfigError(HarnessError, ValueError):
    """A scenario/config value that is missing or wrong: names file, key path, expected, found."""

    def __init__(self, file: str, key: str, expected: str, found: object) -> None:
        self.file = file
        self.key = key
        self.expected = expected
        self.found = found
        super().__init__(f"{file}: {key}: expected {expected}, found {found!r}")


class InputError(HarnessError, ValueError):
    """Bad user input to a command (a line of JSON, a CSV row): names where and what."""


class SignalInterrupt(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled like Ctrl-C: a run ends ``aborted`` with its files."""

    def __init__(self, signum: int) -> None:
        import signal

        super().__init__(signal.Signals(signum).name)
        self.signum = signum
