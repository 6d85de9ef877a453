"""The protocol reference in Markdown, generated from the construct definitions.

``lunar-hil protocol`` prints it and ``docs/protocol.md`` is its committed output; a test
keeps the two equal, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from construct import BitsInteger, Construct, FormatField, Renamed, Struct

from packets.export.wireshark import REGENERATE as LUA_REGENERATE
from packets.export.xtce import NOT_EXPRESSED
from packets.export.xtce import REGENERATE as XTCE_REGENERATE
from packets.icd import (
    ASM,
    ASM_LEN,
    CRC_CHECK_VALUE,
    FRAME_OVERHEAD,
    MAX_PACKET_LEN,
    PEC_LEN,
    PRIMARY_HEADER_LEN,
    SECONDARY_HEADER_LEN,
    SPECS,
    Apid,
    Direction,
    PacketSpec,
    PrimaryHeader,
    SecondaryHeader,
)

#: ICD type names of the struct codes a construct FormatField may use
WIRE_TYPES: dict[str, str] = {
    "B": "u8",
    "H": "u16",
    "L": "u32",
    "I": "u32",
    "Q": "u64",
    "b": "i8",
    "h": "i16",
    "l": "i32",
    "i": "i32",
    "q": "i64",
    "f": "f32",
    "d": "f64",
}
_DIRECTION = {Direction.H2F: "H→F (harness to FSW)", Direction.F2H: "F→H (FSW to harness)"}
_DATA_OFFSET = ASM_LEN + PRIMARY_HEADER_LEN + SECONDARY_HEADER_LEN

REGENERATE = "lunar-hil protocol > docs/protocol.md"


def _inner(sc: Construct) -> Construct:
    while isinstance(sc, Renamed):  # name and docs each wrap the field once
        sc = sc.subcon
    return sc


def wire_type(sc: Construct) -> str:
    """The ICD type name (u8, u32, f32, ...) of one field of a construct Struct."""
    inner = _inner(sc)
    if isinstance(inner, FormatField):
        return WIRE_TYPES[inner.fmtstr[1:]]
    if isinstance(inner, BitsInteger):
        return f"{inner.length} bits"
    raise TypeError(f"no wire type for {sc!r}")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _header_table(title: str, struct: Construct, unit: str) -> list[str]:
    if not isinstance(struct, Struct):  # a BitStruct is a Struct inside a bit transform
        struct = struct.subcon
    lines = [f"### {title}", "", f"| {unit} | type | field | meaning |", "|---|---|---|---|"]
    offset = 0
    for sc in struct.subcons:
        inner = _inner(sc)
        size = inner.length if isinstance(inner, BitsInteger) else inner.sizeof()
        lines.append(f"| {offset} | {wire_type(sc)} | `{sc.name}` | {_cell(sc.docs)} |")
        offset += size
    return [*lines, ""]


def _number(x: float) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _limits(spec: PacketSpec, name: str, wtype: str) -> str:
    parts = []
    if wtype.startswith("f"):
        parts.append("finite")
    for n, lo, hi in spec.limits:
        if n == name:
            parts.append(f"[{_number(lo)}, {_number(hi)}]")
    for n, mask in spec.bit_masks:
        if n == name:
            parts.append(f"only bits 0x{mask:02X}")
    return ", ".join(parts) or "any"


def _apid_section(spec: PacketSpec) -> list[str]:
    lines = [
        f"## 0x{spec.apid:03X} {spec.name}",
        "",
        _cell(spec.summary),
        "",
        f"* type: {spec.type.name}, direction: {_DIRECTION[spec.direction]}",
        f"* user data: {spec.data_len} bytes; frame: {spec.frame_len} bytes;"
        f" primary-header data length field: {spec.length_field}",
        f"* time (CUC): {_cell(spec.time_meaning)}",
        "",
        "| offset | frame offset | type | field | meaning | valid values |",
        "|---|---|---|---|---|---|",
    ]
    offset = 0
    for sc in spec.data.subcons:
        wtype = wire_type(sc)
        lines.append(
            f"| {offset} | {_DATA_OFFSET + offset} | {wtype} | `{sc.name}` | {_cell(sc.docs)}"
            f" | {_limits(spec, sc.name, wtype)} |"
        )
        offset += _inner(sc).sizeof()
    return [*lines, ""]


def _exports_section() -> list[str]:
    lines = [
        "## Exports",
        "",
        f"* XTCE 1.2: `docs/lunar_hil.xtce.xml` (`{XTCE_REGENERATE}`), for Yamcs, COSMOS and"
        " space_packet_parser. Parameters are named `<PACKET>_<field>` (`LRF_range_m`);"
        " the headers are `CCSDS_*` and `CUC_*`.",
        f"* Wireshark: `docs/lunar_hil.lua` (`{LUA_REGENERATE}`), a Lua dissector for a"
        " run's `capture.pcapng`; fields are `lunarhil.<packet>.<field>` (`lunarhil.lrf.range_m`).",
        "",
        "What the construct definitions say that XTCE cannot express:",
        "",
    ]
    return [*lines, *(f"* {_cell(item)}" for item in NOT_EXPRESSED), ""]


def protocol_reference() -> str:
    """The whole protocol reference, Markdown, ending in one newline."""
    lines = [
        "# lunar-hil protocol reference (ICD v1)",
        "",
        "<!-- Generated from the construct definitions in packets/icd.py; do not edit."
        f" Regenerate with `{REGENERATE}`. -->",
        "",
        "Every multi-byte field is big-endian; `f32` is IEEE-754 binary32. A field value"
        " outside its valid values makes the receiver reject the whole packet (ICD §2).",
        "",
        "## Frame",
        "",
        "| part | bytes | content |",
        "|---|---|---|",
        f"| ASM | {ASM_LEN} | `{ASM.hex().upper()}` |",
        f"| primary header | {PRIMARY_HEADER_LEN} | CCSDS space packet primary header |",
        f"| secondary header | {SECONDARY_HEADER_LEN} | CUC time, 4 coarse + 2 fine octets |",
        "| user data | n | per APID, below |",
        f"| PEC | {PEC_LEN} | CRC-16/CCITT-FALSE over both headers and the user data"
        f" (check value 0x{CRC_CHECK_VALUE:04X}) |",
        "",
        f"A frame is n + {FRAME_OVERHEAD} bytes. Unknown APIDs may carry up to"
        f" {MAX_PACKET_LEN} bytes of space packet; APID 0x{Apid.IDLE:03X} is idle fill.",
        "",
        *_header_table("Primary header (bits, from the first bit)", PrimaryHeader, "bit"),
        *_header_table("Secondary header (bytes)", SecondaryHeader, "offset"),
        "## APIDs",
        "",
        "| APID | name | type | direction | user data bytes | frame bytes |",
        "|---|---|---|---|---|---|",
    ]
    for spec in SPECS.values():
        lines.append(
            f"| 0x{spec.apid:03X} | {spec.name} | {spec.type.name} | {spec.direction.name}"
            f" | {spec.data_len} | {spec.frame_len} |"
        )
    lines.append("")
    for spec in SPECS.values():
        lines += _apid_section(spec)
    lines += _exports_section()
    return "\n".join(lines).rstrip("\n") + "\n"
