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


def signum_of(interrupt: KeyboardInterrupt) -> int:
    """The signal an interrupt stands for: SIGTERM or SIGHUP (a ``SignalInterrupt``), else
    SIGINT (Ctrl-C)."""
    import signal

    return interrupt.signum if isinstance(interrupt, SignalInterrupt) else int(signal.SIGINT)


def signal_name(interrupt: KeyboardInterrupt) -> str:
    """``signum_of`` as the name result.json and fuzz.json record (``SIGINT``, ...)."""
    import signal

    return signal.Signals(signum_of(interrupt)).name


def exit_status(sig: int | str) -> int:
    """The shell's status for a command a signal stopped: 128 + its number (130 / 143 /
    129 for SIGINT / SIGTERM / SIGHUP); an unknown name counts as Ctrl-C."""
    import signal

    if isinstance(sig, str):
        sig = signal.Signals[sig] if sig in signal.Signals.__members__ else signal.SIGINT
    return 128 + int(sig)
