"""The packets package's exceptions: one root, subclasses that carry the values."""

from __future__ import annotations


class PacketError(Exception):
    """Root of every error raised by ``packets``."""


class FieldRangeError(PacketError, ValueError):
    """A field value outside its ICD range (NaN/Inf f32, out-of-range, unknown enum bits)."""

    def __init__(self, packet: str, field: str, value: object, expected: str) -> None:
        self.packet = packet
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{packet}.{field} = {value!r}: expected {expected}")


class UnknownPacketError(PacketError, KeyError):
    """A packet name, class or APID that the ICD does not define."""

    def __init__(self, what: object) -> None:
        self.what = what
        super().__init__(f"not a packet of ICD v1: {what!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class FrameError(PacketError, ValueError):
    """Bytes that are not exactly one valid frame; carries them in hex."""

    def __init__(self, reason: str, data: bytes) -> None:
        self.reason = reason
        self.data = bytes(data)
        shown = self.data[:64].hex(" ") + (" ..." if len(self.data) > 64 else "")
        super().__init__(f"{reason} (bytes: {shown})")
