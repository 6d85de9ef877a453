"""Types of the compiled hot loops (packets/_wire.c)."""

from collections.abc import Iterator
from typing import Any

def frame_each(
    lanes: dict[type, list[Any]], items: Iterator[Any], check: bool, asm: bytes, out: list[bytes]
) -> Any | None: ...
def frame(
    lanes: dict[type, list[Any]], packet: Any, cuc: int, check: bool, asm: bytes
) -> bytes | None: ...
def scan(
    buf: bytes | bytearray,
    pos: int,
    lanes: dict[int, list[Any]],
    by_apid: dict[int, int],
    gaps: dict[int, int],
    spans: list[Any] | None,
    base: int,
    out: list[Any],
    frame_type: type,
    span_type: type,
    asm: bytes,
) -> tuple[int, int, int, int, int, tuple[int, int, int, tuple[Any, ...]] | None]: ...
