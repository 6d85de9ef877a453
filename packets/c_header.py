"""The ICD as a C header, generated from the construct definitions: ``icd.h``.

``python -m packets.c_header > fsw_stub/firmware/core/icd.h`` writes it; a test keeps the
committed file equal to this output (as for docs/protocol.md), so the C FSW cannot drift
from ``packets/icd.py``. It holds the frame constants, the APIDs, each APID's sizes,
header word and field offsets, the status/flag bits, and per APID a plain C struct with
big-endian ``unpack``/``pack`` functions and the ICD §2 rule 5 range check (finite f32,
``PacketSpec.limits``, ``PacketSpec.bit_masks``) -- the same predicate as the Python
codec's generated validator.
"""

from __future__ import annotations

import sys
from enum import IntEnum

from construct import Construct, FormatField, Renamed

from packets.icd import (
    ASM,
    ASM_LEN,
    CRC_CHECK_VALUE,
    CUC_FINE_PER_S,
    FRAME_OVERHEAD,
    MAX_FRAME_LEN,
    MAX_PACKET_LEN,
    PEC_LEN,
    PRIMARY_HEADER_LEN,
    SECONDARY_HEADER_LEN,
    SEQ_MODULO,
    SPECS,
    Apid,
    ImuStatus,
    LrfStatus,
    NavFlags,
    PacketSpec,
    Severity,
)

REGENERATE = "python -m packets.c_header > fsw_stub/firmware/core/icd.h"
#: include guard of the generated file (its C names start with ``icd_`` / ``ICD_``)
GUARD = "LUNAR_HIL_ICD_H"

#: struct code -> (C type, bytes, wire type: the accessors are icd_get_<it> / icd_put_<it>)
_C_TYPES: dict[str, tuple[str, int, str]] = {
    "B": ("uint8_t", 1, "u8"),
    "H": ("uint16_t", 2, "u16"),
    "I": ("uint32_t", 4, "u32"),
    "L": ("uint32_t", 4, "u32"),
    "f": ("float", 4, "f32"),
}
_DATA_OFFSET = ASM_LEN + PRIMARY_HEADER_LEN + SECONDARY_HEADER_LEN


def _code(sc: Construct) -> str:
    inner = sc
    while isinstance(inner, Renamed):
        inner = inner.subcon
    if not isinstance(inner, FormatField) or inner.fmtstr[0] != ">":
        raise TypeError(f"field {sc.name!r} is not a big-endian FormatField: {inner!r}")
    code = str(inner.fmtstr[1:])
    if code not in _C_TYPES:
        raise TypeError(f"field {sc.name!r}: struct code {code!r} has no C mapping here")
    return code


def _c_number(x: float, code: str) -> str:
    if code == "f":
        return repr(float(x))
    return f"{int(x)}u"


def _comment(text: str) -> str:
    return text.replace("*/", "* /")


def _fields(spec: PacketSpec) -> list[tuple[str, str, int, str]]:
    """(name, struct code, user-data offset, docs) of each field."""
    out = []
    offset = 0
    for sc in spec.data.subcons:
        code = _code(sc)
        out.append((sc.name, code, offset, str(sc.docs)))
        offset += _C_TYPES[code][1]
    return out


def _valid_terms(spec: PacketSpec) -> list[str]:
    """The C conditions of ICD §2 rule 5, in the order of the Python validator."""
    limits = {name: (lo, hi) for name, lo, hi in spec.limits}
    masks = dict(spec.bit_masks)
    terms: list[str] = []
    for name, code, _, _ in _fields(spec):
        lo_hi = limits.get(name)
        if code == "f":
            if lo_hi is None:
                terms.append(f"icd_f32_finite(v->{name})")
            else:  # comparisons in double, as Python compares the decoded value
                flo, fhi = _c_number(lo_hi[0], code), _c_number(lo_hi[1], code)
                terms.append(f"(double)v->{name} >= {flo} && (double)v->{name} <= {fhi}")
        elif lo_hi is not None:
            lo, hi = int(lo_hi[0]), int(lo_hi[1])
            if lo > 0:
                terms.append(f"v->{name} >= {lo}u")
            if hi < (1 << (8 * _C_TYPES[code][1])) - 1:
                terms.append(f"v->{name} <= {hi}u")
        if name in masks:
            terms.append(f"(v->{name} & ~0x{masks[name]:02X}u) == 0")
    return terms


def _apid_block(spec: PacketSpec) -> list[str]:
    n = spec.name
    low = n.lower()
    word1 = (int(spec.type) << 12) | (1 << 11) | int(spec.apid)
    fields = _fields(spec)
    lines = [
        f"/* --- 0x{spec.apid:03X} {n}: {spec.type.name}, {spec.direction.name} --- */",
        f"/* {_comment(spec.summary)} Time: {_comment(spec.time_meaning)}. */",
        f"#define ICD_{n}_DATA_LEN {spec.data_len}",
        f"#define ICD_{n}_FRAME_LEN {spec.frame_len}",
        f"#define ICD_{n}_LENGTH_FIELD {spec.length_field}",
        f"#define ICD_{n}_WORD1 0x{word1:04X}u",
    ]
    for name, _, offset, _ in fields:
        lines.append(f"#define ICD_{n}_{name.upper()}_OFFSET {offset}")
    for name, lo, hi in spec.limits:
        code = next(c for f, c, _, _ in fields if f == name)
        lines.append(f"#define ICD_{n}_{name.upper()}_MIN {_c_number(lo, code)}")
        lines.append(f"#define ICD_{n}_{name.upper()}_MAX {_c_number(hi, code)}")
    for name, mask in spec.bit_masks:
        lines.append(f"#define ICD_{n}_{name.upper()}_MASK 0x{mask:02X}u")
    lines += ["", "typedef struct {"]
    for name, code, _, docs in fields:
        lines.append(f"    {_C_TYPES[code][0]} {name}; /* {_comment(docs)} */")
    lines += [f"}} icd_{low}_t;", ""]
    lines.append(f"static inline void icd_{low}_unpack(const uint8_t *p, icd_{low}_t *v) {{")
    for name, code, offset, _ in fields:
        lines.append(f"    v->{name} = icd_get_{_C_TYPES[code][2]}(p + {offset});")
    lines += ["}", ""]
    lines.append(f"static inline void icd_{low}_pack(uint8_t *p, const icd_{low}_t *v) {{")
    for name, code, offset, _ in fields:
        lines.append(f"    icd_put_{_C_TYPES[code][2]}(p + {offset}, v->{name});")
    lines += ["}", ""]
    terms = _valid_terms(spec)
    lines.append(f"static inline int icd_{low}_valid(const icd_{low}_t *v) {{")
    if terms:
        lines.append("    return " + "\n        && ".join(terms) + ";")
    else:
        lines += ["    (void)v;", "    return 1;"]
    lines += ["}", ""]
    return lines


def _bits(prefix: str, enum: type[IntEnum]) -> list[str]:
    return [f"#define ICD_{prefix}_{m.name} 0x{int(m):02X}u" for m in enum]


def icd_header() -> str:
    """The whole ``icd.h``, ending in one newline."""
    lines = [
        "/* lunar-hil ICD v1 for C: generated from the construct definitions in packets/icd.py;",
        f" * do not edit. Regenerate with `{REGENERATE}`.",
        " * Every multi-byte field is big-endian; f32 is IEEE-754 binary32. Offsets of",
        f" * fields are in the user data, which starts {_DATA_OFFSET} bytes into a frame. */",
        f"#ifndef {GUARD}",
        f"#define {GUARD}",
        "",
        "#include <stdint.h>",
        "#include <string.h>",
        "",
        f"#define ICD_ASM_0 0x{ASM[0]:02X}u",
        f"#define ICD_ASM_1 0x{ASM[1]:02X}u",
        f"#define ICD_ASM_2 0x{ASM[2]:02X}u",
        f"#define ICD_ASM_3 0x{ASM[3]:02X}u",
        f"#define ICD_ASM_LEN {ASM_LEN}",
        f"#define ICD_PRIMARY_HEADER_LEN {PRIMARY_HEADER_LEN}",
        f"#define ICD_SECONDARY_HEADER_LEN {SECONDARY_HEADER_LEN}",
        f"#define ICD_PEC_LEN {PEC_LEN}",
        f"#define ICD_FRAME_OVERHEAD {FRAME_OVERHEAD}",
        f"#define ICD_DATA_OFFSET {_DATA_OFFSET}",
        f"#define ICD_MAX_PACKET_LEN {MAX_PACKET_LEN}",
        f"#define ICD_MAX_FRAME_LEN {MAX_FRAME_LEN}",
        f"#define ICD_MAX_KNOWN_FRAME_LEN {max(s.frame_len for s in SPECS.values())}",
        f"#define ICD_SEQ_MODULO {SEQ_MODULO}u",
        f"#define ICD_CUC_FINE_PER_S {CUC_FINE_PER_S}u",
        f"#define ICD_CRC_CHECK_VALUE 0x{CRC_CHECK_VALUE:04X}u",
        "#define ICD_SEQ_FLAGS_UNSEGMENTED 3u",
        "",
        "/* APIDs (ICD §3) */",
        *[f"#define ICD_APID_{a.name} 0x{int(a):03X}u" for a in Apid],
        "",
        "/* status and flag bits */",
        *_bits("IMU_STATUS", ImuStatus),
        *_bits("LRF_STATUS", LrfStatus),
        *_bits("NAV_FLAGS", NavFlags),
        *_bits("SEVERITY", Severity),
        "",
        "static inline uint8_t icd_get_u8(const uint8_t *p) { return p[0]; }",
        "static inline uint16_t icd_get_u16(const uint8_t *p) {",
        "    return (uint16_t)((p[0] << 8) | p[1]);",
        "}",
        "static inline uint32_t icd_get_u32(const uint8_t *p) {",
        "    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16)",
        "        | ((uint32_t)p[2] << 8) | p[3];",
        "}",
        "static inline float icd_get_f32(const uint8_t *p) {",
        "    uint32_t u = icd_get_u32(p);",
        "    float f;",
        "    memcpy(&f, &u, 4);",
        "    return f;",
        "}",
        "static inline void icd_put_u8(uint8_t *p, uint8_t v) { p[0] = v; }",
        "static inline void icd_put_u16(uint8_t *p, uint16_t v) {",
        "    p[0] = (uint8_t)(v >> 8);",
        "    p[1] = (uint8_t)v;",
        "}",
        "static inline void icd_put_u32(uint8_t *p, uint32_t v) {",
        "    p[0] = (uint8_t)(v >> 24);",
        "    p[1] = (uint8_t)(v >> 16);",
        "    p[2] = (uint8_t)(v >> 8);",
        "    p[3] = (uint8_t)v;",
        "}",
        "static inline void icd_put_f32(uint8_t *p, float f) {",
        "    uint32_t u;",
        "    memcpy(&u, &f, 4);",
        "    icd_put_u32(p, u);",
        "}",
        "/* a finite binary32: exponent not all ones (NaN and +-inf fail) */",
        "static inline int icd_f32_finite(float f) {",
        "    uint32_t u;",
        "    memcpy(&u, &f, 4);",
        "    return ((u >> 23) & 0xFFu) != 0xFFu;",
        "}",
        "",
    ]
    for spec in SPECS.values():
        lines += _apid_block(spec)
    lines += [
        "/* Everything the deframer needs about a known APID: its header word and sizes. */",
        "typedef struct {",
        "    uint16_t apid;",
        "    uint16_t word1; /* version 0, type, secondary header flag 1, APID */",
        "    uint16_t length_field;",
        "    uint16_t frame_len;",
        "} icd_spec_t;",
        "",
        f"#define ICD_N_SPECS {len(SPECS)}",
        "static const icd_spec_t ICD_SPECS[ICD_N_SPECS] = {",
    ]
    for spec in SPECS.values():
        word1 = (int(spec.type) << 12) | (1 << 11) | int(spec.apid)
        lines.append(
            f"    {{ICD_APID_{spec.apid.name}, 0x{word1:04X}u, {spec.length_field},"
            f" {spec.frame_len}}},"
        )
    lines += [
        "};",
        "",
        "/* The spec of a known APID, or NULL. */",
        "static inline const icd_spec_t *icd_spec_of(uint16_t apid) {",
        "    switch (apid) {",
    ]
    for i, spec in enumerate(SPECS.values()):
        lines.append(f"    case ICD_APID_{spec.apid.name}: return &ICD_SPECS[{i}];")
    lines += [
        "    default: return 0;",
        "    }",
        "}",
        "",
        "/* ICD §2 rule 5 on the user data of a known APID: 1 when every field is in range. */",
        "static inline int icd_data_valid(uint16_t apid, const uint8_t *data) {",
        "    switch (apid) {",
    ]
    for spec in SPECS.values():
        low = spec.name.lower()
        lines += [
            f"    case ICD_APID_{spec.apid.name}: {{",
            f"        icd_{low}_t v;",
            f"        icd_{low}_unpack(data, &v);",
            f"        return icd_{low}_valid(&v);",
            "    }",
        ]
    lines += [
        "    default: return 0;",
        "    }",
        "}",
        "",
        f"#endif /* {GUARD} */",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    sys.stdout.write(icd_header())
    return 0


if __name__ == "__main__":
    sys.exit(main())
