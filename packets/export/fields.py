"""The ICD flattened into typed fields: what every generated export (XTCE, Wireshark) reads.

One walk over the construct definitions gives each field its exported name, bit position,
encoding, unit, valid range, flag bits and enumeration; the exporters only render it, so
the two exports cannot disagree on a layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

from construct import BitsInteger, Construct, FormatField, Renamed, Struct

from packets.icd import (
    PEC_LEN,
    PRIMARY_HEADER_LEN,
    SECONDARY_HEADER_LEN,
    SPECS,
    PacketSpec,
    PrimaryHeader,
    SecondaryHeader,
)

#: the largest finite IEEE-754 binary32: the valid range of an f32 without ICD limits
F32_MAX = 3.4028234663852886e38

Kind = Literal["uint", "int", "float"]
#: struct format code -> (kind, size in bits)
_CODES: dict[str, tuple[Kind, int]] = {
    "B": ("uint", 8),
    "H": ("uint", 16),
    "L": ("uint", 32),
    "I": ("uint", 32),
    "Q": ("uint", 64),
    "b": ("int", 8),
    "h": ("int", 16),
    "l": ("int", 32),
    "i": ("int", 32),
    "q": ("int", 64),
    "f": ("float", 32),
    "d": ("float", 64),
}
#: units of the header fields (the construct definitions carry them in their docs)
_HEADER_UNITS = {"coarse": "s", "fine": "2^-16 s"}
#: the CUC fine field's unit as a factor of seconds
CUC_FINE_S = 2.0**-16


@dataclass(frozen=True)
class Field:
    """One field of the wire format, as the exports describe it."""

    #: exported name, unique in the whole dictionary and saying its packet: ``LRF_range_m``
    qualified: str
    #: the ICD (construct) field name: ``range_m``
    name: str
    #: the packet or header it belongs to: ``LRF``, ``CCSDS`` (primary header), ``CUC``
    owner: str
    kind: Kind
    size_bits: int
    #: bit offset from the first bit of the space packet (the primary header, after the ASM)
    bit_offset: int
    description: str
    unit: str | None = None
    #: inclusive valid range, or None when every encodable value is valid
    valid_range: tuple[float, float] | None = None
    #: the enum of the bits of a bit-set field; only these bits may be set
    flags: type[IntEnum] | None = None
    #: the enum of an enumerated field; only its values are valid
    enum: type[IntEnum] | None = None

    @property
    def byte_offset(self) -> int:
        return self.bit_offset // 8

    @property
    def type_name(self) -> str:
        """The ICD type name: ``u8``, ``i16``, ``f32``, or ``3 bits`` for a header bit field."""
        if self.size_bits % 8 or self.owner == "CCSDS":
            return f"{self.size_bits} bits"
        return {"uint": "u", "int": "i", "float": "f"}[self.kind] + str(self.size_bits)

    @property
    def mask(self) -> int | None:
        """The bits a flags field may have set."""
        if self.flags is None:
            return None
        mask = 0
        for bit in self.flags:
            mask |= int(bit)
        return mask


@dataclass(frozen=True)
class PacketLayout:
    """One APID's user data as exported fields, with the spec it comes from."""

    spec: PacketSpec
    fields: tuple[Field, ...]

    @property
    def name(self) -> str:
        return self.spec.name


def _inner(sc: Construct) -> Construct:
    while isinstance(sc, Renamed):  # name and docs each wrap the field once
        sc = sc.subcon
    return sc


def _bit_struct_fields(struct: Construct, owner: str) -> tuple[Field, ...]:
    if not isinstance(struct, Struct):  # a BitStruct is a Struct inside a bit transform
        struct = struct.subcon
    out = []
    offset = 0
    for sc in struct.subcons:
        inner = _inner(sc)
        if not isinstance(inner, BitsInteger) or inner.signed or inner.swapped:
            raise TypeError(f"{owner}.{sc.name}: not an unsigned big-endian bit field: {inner!r}")
        qualified = f"{owner}_{sc.name}"
        out.append(Field(qualified, sc.name, owner, "uint", inner.length, offset, sc.docs))
        offset += inner.length
    return tuple(out)


def _byte_fields(
    struct: Struct, owner: str, first_bit: int, spec: PacketSpec | None
) -> tuple[Field, ...]:
    limits = {n: (lo, hi) for n, lo, hi in spec.limits} if spec else {}
    flags = dict(spec.flags) if spec else {}
    enums = dict(spec.enums) if spec else {}
    units = dict(spec.units) if spec else _HEADER_UNITS
    out = []
    offset = first_bit
    for sc in struct.subcons:
        inner = _inner(sc)
        if not isinstance(inner, FormatField) or inner.fmtstr[0] != ">":
            raise TypeError(f"{owner}.{sc.name}: not a big-endian FormatField: {inner!r}")
        kind, bits = _CODES[inner.fmtstr[1:]]
        valid: tuple[float, float] | None = limits.get(sc.name)
        if valid is None and kind == "float":
            valid = (-F32_MAX, F32_MAX) if bits == 32 else None
        out.append(
            Field(
                f"{owner}_{sc.name}",
                sc.name,
                owner,
                kind,
                bits,
                offset,
                sc.docs,
                unit=units.get(sc.name),
                valid_range=valid,
                flags=flags.get(sc.name),
                enum=enums.get(sc.name),
            )
        )
        offset += bits
    return tuple(out)


#: the primary header's bit fields, ``CCSDS_apid`` ...
PRIMARY_FIELDS = _bit_struct_fields(PrimaryHeader, "CCSDS")
#: the CUC secondary header, ``CUC_coarse`` and ``CUC_fine``
SECONDARY_FIELDS = _byte_fields(SecondaryHeader, "CUC", PRIMARY_HEADER_LEN * 8, None)
USER_DATA_BIT = (PRIMARY_HEADER_LEN + SECONDARY_HEADER_LEN) * 8


def layout_of(spec: PacketSpec) -> PacketLayout:
    return PacketLayout(spec, _byte_fields(spec.data, spec.name, USER_DATA_BIT, spec))


#: every APID of the ICD, in APID order
LAYOUTS: tuple[PacketLayout, ...] = tuple(layout_of(SPECS[a]) for a in sorted(SPECS))


def pec_field(layout: PacketLayout) -> Field:
    """The packet's trailing CRC-16 (PEC), after its user data."""
    offset = USER_DATA_BIT + layout.spec.data_len * 8
    return Field(
        f"{layout.name}_PEC",
        "PEC",
        layout.name,
        "uint",
        PEC_LEN * 8,
        offset,
        "CRC-16/CCITT-FALSE over the primary header, the secondary header and the user data",
    )


def number(x: float) -> str:
    """A limit as text: integers without a point, floats in their shortest exact form."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**63 else repr(float(x))


def idle_pec_field() -> Field:
    """The idle packet's PEC; its offset depends on the fill, so it has none fixed (-1)."""
    return Field(
        "IDLE_PEC",
        "PEC",
        "IDLE",
        "uint",
        PEC_LEN * 8,
        -1,
        "CRC-16/CCITT-FALSE over the primary header and the fill",
    )
