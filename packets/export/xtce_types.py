"""XTCE building blocks shared by the telemetry and the command halves of the export:
element helpers and one data type (parameter or argument) per ICD field."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from packets.export.fields import CUC_FINE_S, Field, number
from packets.icd import CRC_FINAL_XOR, CRC_INIT, CRC_POLY, Direction, PacketType

XTCE_NS = "http://www.omg.org/spec/XTCE/20180204"
KIND_TEXT = {PacketType.TC: "telecommand", PacketType.TM: "telemetry"}
DIRECTION_TEXT = {Direction.H2F: "harness to FSW", Direction.F2H: "FSW to harness"}


def q(tag: str) -> str:
    return f"{{{XTCE_NS}}}{tag}"


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, q(tag), attrib)
    if text is not None:
        el.text = text
    return el


def _bits_text(f: Field) -> str:
    assert f.flags is not None
    bits = ", ".join(f"bit{int(b).bit_length() - 1} {b.name}" for b in f.flags)
    return f"{f.description}. Bits: {bits}; other bits 0."


def data_type(parent: ET.Element, f: Field, role: str, name: str, pec: bool = False) -> None:
    """A ``<kind>ParameterType`` (``role`` "Parameter") or ``<kind>ArgumentType`` ("Argument")
    for one field: encoding, unit, flag bits, enumeration and valid range."""
    attrib = {"name": name, "shortDescription": f.description}
    size = str(f.size_bits)
    if f.enum is not None:
        el = sub(parent, f"Enumerated{role}Type", **attrib)
    elif f.kind == "float":
        el = sub(parent, f"Float{role}Type", **attrib, sizeInBits=size)
    else:
        signed = "true" if f.kind == "int" else "false"
        el = sub(parent, f"Integer{role}Type", **attrib, signed=signed, sizeInBits=size)
    if f.flags is not None:
        sub(el, "LongDescription", _bits_text(f))
        ancillary = sub(el, "AncillaryDataSet")
        for b in f.flags:
            sub(ancillary, "AncillaryData", b.name, name=f"bit{int(b).bit_length() - 1}")
    if f.unit is not None:
        units = sub(el, "UnitSet")
        if f.unit == "2^-16 s":  # the CUC fine field
            sub(units, "Unit", "s", factor=repr(CUC_FINE_S), description="2^-16 s")
        else:
            sub(units, "Unit", f.unit)
    if f.kind == "float":
        sub(el, "FloatDataEncoding", sizeInBits=size, encoding="IEEE754_1985")
    else:
        encoding = sub(
            el,
            "IntegerDataEncoding",
            sizeInBits=size,
            encoding="twosComplement" if f.kind == "int" else "unsigned",
        )
        if pec:
            edc = sub(encoding, "ErrorDetectCorrect")
            crc = sub(edc, "CRC", width=size, reference="start", bitsFromReference="0")
            sub(crc, "Polynomial", f"{CRC_POLY:04X}")
            sub(crc, "InitRemainder", f"{CRC_INIT:04X}")
            sub(crc, "FinalXOR", f"{CRC_FINAL_XOR:04X}")
    if f.enum is not None:
        enumerations = sub(el, "EnumerationList")
        for member in f.enum:
            sub(enumerations, "Enumeration", value=str(int(member)), label=member.name)
        return
    valid = f.valid_range
    if f.mask is not None:
        if f.mask & (f.mask + 1):
            raise ValueError(f"{f.qualified}: bit mask 0x{f.mask:X} is not a run of low bits")
        valid = (0, f.mask) if valid is None else (max(valid[0], 0), min(valid[1], f.mask))
    if valid is not None:
        # a parameter type has one ValidRange; an argument type a set of them
        holder = el if role == "Parameter" else sub(el, "ValidRangeSet")
        sub(holder, "ValidRange", minInclusive=number(valid[0]), maxInclusive=number(valid[1]))
