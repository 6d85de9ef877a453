"""Memory-kind factories that fly the Python stub and the C core side by side on the same
bytes: the flight is the Python stub's, and every answer of the C core is kept beside the
stub's for comparison (``TWINS`` holds the pairs of the last flights)."""

from __future__ import annotations

from pathlib import Path

from fsw_stub.core import FlightSoftware, load_config
from fsw_stub.firmware.lib import CFlightSoftware


class Twin:
    """``receive`` answers with the Python stub; the C core gets the same bytes."""

    def __init__(self, config: Path, *, real32: bool) -> None:
        self.python = FlightSoftware(load_config(config))
        self.c = CFlightSoftware(config, real32=real32)
        self.answers: list[tuple[bytes, bytes]] = []

    def receive(self, data: bytes) -> bytes:
        py = self.python.receive(data)
        self.answers.append((py, self.c.receive(data)))
        return py


TWINS: list[Twin] = []


def twin_double(config: Path) -> Twin:
    TWINS.append(Twin(config, real32=False))
    return TWINS[-1]


def twin_f32(config: Path) -> Twin:
    TWINS.append(Twin(config, real32=True))
    return TWINS[-1]
