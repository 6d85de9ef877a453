"""The ICD as an XTCE 1.2 ``SpaceSystem``, generated from the construct definitions.

Ground systems (Yamcs, COSMOS, space_packet_parser) import XTCE. The dictionary has one
abstract ``CCSDSPacket`` container (primary header and CUC time), one container per APID
restricted on the header values the ICD fixes for it (version, type, secondary header flag,
APID, sequence flags, data length), every field as a parameter named ``<PACKET>_<field>``
with its encoding, unit, description, valid range, enumeration or flag bits, and the PEC as
a CRC-16 parameter. Telecommands are containers too, in ``TelemetryMetaData``, so one
decoder reads a capture of both directions. The output is deterministic (no date stamp):
the same ICD gives the same bytes, and a test keeps the committed copy equal to it.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from packets.export.fields import (
    CUC_FINE_S,
    LAYOUTS,
    PRIMARY_FIELDS,
    SECONDARY_FIELDS,
    Field,
    PacketLayout,
    idle_pec_field,
    number,
    pec_field,
)
from packets.icd import ASM, CRC_CHECK_VALUE, PEC_LEN, Apid, Direction, PacketType

XTCE_NS = "http://www.omg.org/spec/XTCE/20180204"
SPACE_SYSTEM = "LunarHIL"
ROOT_CONTAINER = "CCSDSPacket"
TIMED_CONTAINER = "TimedPacket"
IDLE_CONTAINER = "IDLE"
REGENERATE = "lunar-hil export xtce -o docs/lunar_hil.xtce.xml"
#: the PEC's CRC-16/CCITT-FALSE (ICD §1; ``packets.crc16``): no reflection either way
CRC_POLY = 0x1021
CRC_INIT = 0xFFFF
CRC_FINAL_XOR = 0x0000

#: what the construct definitions and the ICD say that XTCE cannot: in the export's header
#: comment and in docs/protocol.md
NOT_EXPRESSED: tuple[str, ...] = (
    f"The ASM ({ASM.hex().upper()}) in front of every packet is framing, not part of the"
    " space packet: strip those 4 bytes before decoding (space_packet_parser:"
    " skip_header_bytes=4).",
    f"The PEC is declared as a CRC-16 (poly 0x{CRC_POLY:04X}, init 0x{CRC_INIT:04X}, no"
    " reflection, no final XOR,"
    f" check value 0x{CRC_CHECK_VALUE:04X}) on the PEC parameter of each packet (LRF_PEC,"
    " ...); that it covers the primary header, the secondary header and the user data"
    " (not the ASM) is said in prose only, and most XTCE tools do not check it.",
    "The receiver rules of ICD §2 (the CRC-gated hunt for the ASM, rejecting a whole"
    " packet when any field is out of range, counting skipped bytes and sequence gaps)"
    " are stream behaviour: XTCE marks an out-of-range value invalid, not its packet.",
    "A finite f32 (no NaN, no infinity) is written as the ValidRange [-3.4028234663852886e+38,"
    " 3.4028234663852886e+38]; whether a tool flags a NaN against it depends on the tool.",
    "A bit-set field may carry only its defined bits: written as the ValidRange [0, mask]"
    " (every ICD mask is a run of low bits); each bit is named in the description and as"
    " AncillaryData bitN, not as a parameter of its own.",
    "The CUC time counts from the scenario epoch (t = 0 at scenario start), not a calendar"
    " epoch: it is two integer parameters, CUC_coarse (s) and CUC_fine (2^-16 s), not an"
    " absolute time.",
    "Sequence counts are per sender and per APID and wrap 16383 -> 0; the link direction"
    " (harness to FSW or FSW to harness) of each APID is in its description only.",
    "An APID outside the ICD (forward compatibility) is counted and ignored by a receiver;"
    " the dictionary has no container for it, so a decoder stops at the abstract CCSDSPacket.",
)


_KIND = {PacketType.TC: "telecommand", PacketType.TM: "telemetry"}
_DIRECTION = {Direction.H2F: "harness to FSW", Direction.F2H: "FSW to harness"}


def _q(tag: str) -> str:
    return f"{{{XTCE_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), attrib)
    if text is not None:
        el.text = text
    return el


def _bits_text(f: Field) -> str:
    assert f.flags is not None
    bits = ", ".join(f"bit{int(b).bit_length() - 1} {b.name}" for b in f.flags)
    return f"{f.description}. Bits: {bits}; other bits 0."


def _parameter_type(parent: ET.Element, f: Field, pec: bool = False) -> None:
    attrib = {"name": f"{f.qualified}_Type", "shortDescription": f.description}
    size = str(f.size_bits)
    if f.enum is not None:
        el = _sub(parent, "EnumeratedParameterType", **attrib)
    elif f.kind == "float":
        el = _sub(parent, "FloatParameterType", **attrib, sizeInBits=size)
    else:
        signed = "true" if f.kind == "int" else "false"
        el = _sub(parent, "IntegerParameterType", **attrib, signed=signed, sizeInBits=size)
    if f.flags is not None:
        _sub(el, "LongDescription", _bits_text(f))
        ancillary = _sub(el, "AncillaryDataSet")
        for b in f.flags:
            _sub(ancillary, "AncillaryData", b.name, name=f"bit{int(b).bit_length() - 1}")
    if f.unit is not None:
        units = _sub(el, "UnitSet")
        if f.unit == "2^-16 s":  # the CUC fine field
            _sub(units, "Unit", "s", factor=repr(CUC_FINE_S), description="2^-16 s")
        else:
            _sub(units, "Unit", f.unit)
    if f.kind == "float":
        _sub(el, "FloatDataEncoding", sizeInBits=size, encoding="IEEE754_1985")
    else:
        encoding = _sub(
            el,
            "IntegerDataEncoding",
            sizeInBits=size,
            encoding="twosComplement" if f.kind == "int" else "unsigned",
        )
        if pec:
            edc = _sub(encoding, "ErrorDetectCorrect")
            crc = _sub(edc, "CRC", width=size, reference="start", bitsFromReference="0")
            _sub(crc, "Polynomial", f"{CRC_POLY:04X}")
            _sub(crc, "InitRemainder", f"{CRC_INIT:04X}")
            _sub(crc, "FinalXOR", f"{CRC_FINAL_XOR:04X}")
    if f.enum is not None:
        enumerations = _sub(el, "EnumerationList")
        for member in f.enum:
            _sub(enumerations, "Enumeration", value=str(int(member)), label=member.name)
        return
    valid = f.valid_range
    if f.mask is not None:
        if f.mask & (f.mask + 1):
            raise ValueError(f"{f.qualified}: bit mask 0x{f.mask:X} is not a run of low bits")
        valid = (0, f.mask) if valid is None else (max(valid[0], 0), min(valid[1], f.mask))
    if valid is not None:
        _sub(el, "ValidRange", minInclusive=number(valid[0]), maxInclusive=number(valid[1]))


def _header_values(layout: PacketLayout) -> dict[str, int]:
    """The primary header as the ICD fixes it for one APID (ICD §2 rule 1)."""
    spec = layout.spec
    return {
        "CCSDS_version": 0,
        "CCSDS_type": int(spec.type),
        "CCSDS_apid": int(spec.apid),
        "CCSDS_seq_flags": 3,
        "CCSDS_data_length": spec.length_field,
    }


def _container(parent: ET.Element, layout: PacketLayout) -> None:
    spec = layout.spec
    el = _sub(
        parent,
        "SequenceContainer",
        name=spec.name,
        shortDescription=f"APID 0x{spec.apid:03X} {spec.name}: {spec.summary}",
    )
    _sub(
        el,
        "LongDescription",
        f"{spec.type.name} ({_KIND[spec.type]}), {spec.direction.name}"
        f" ({_DIRECTION[spec.direction]}); {spec.data_len} bytes of user data;"
        f" time: {spec.time_meaning}.",
    )
    entries = _sub(el, "EntryList")
    for f in (*layout.fields, pec_field(layout)):
        _sub(entries, "ParameterRefEntry", parameterRef=f.qualified)
    _restrict(el, TIMED_CONTAINER, _header_values(layout))


def _restrict(container: ET.Element, base_name: str, values: dict[str, int]) -> None:
    base = _sub(container, "BaseContainer", containerRef=base_name)
    comparisons = _sub(_sub(base, "RestrictionCriteria"), "ComparisonList")
    for name, value in values.items():
        _sub(comparisons, "Comparison", parameterRef=name, value=str(value))


def _idle_container(containers: ET.Element, types: ET.Element, params: ET.Element) -> None:
    """APID 0x7FF: no secondary header, fill sized by the data length field, then the PEC."""
    fill = _sub(
        types,
        "BinaryParameterType",
        name="IDLE_fill_Type",
        shortDescription="idle fill, at least one byte",
    )
    size = _sub(_sub(fill, "BinaryDataEncoding"), "SizeInBits")
    dynamic = _sub(size, "DynamicValue")
    _sub(dynamic, "ParameterInstanceRef", parameterRef="CCSDS_data_length")
    # fill bytes = data length + 1 - PEC bytes, in bits
    _sub(dynamic, "LinearAdjustment", slope="8", intercept=str(8 * (1 - PEC_LEN)))
    _sub(params, "Parameter", name="IDLE_fill", parameterTypeRef="IDLE_fill_Type")
    el = _sub(
        containers,
        "SequenceContainer",
        name=IDLE_CONTAINER,
        shortDescription=f"APID 0x{Apid.IDLE:03X} idle packet: fill, ignored by receivers",
    )
    entries = _sub(el, "EntryList")
    _sub(entries, "ParameterRefEntry", parameterRef="IDLE_fill")
    _sub(entries, "ParameterRefEntry", parameterRef="IDLE_PEC")
    _restrict(
        el,
        ROOT_CONTAINER,
        {"CCSDS_version": 0, "CCSDS_sec_hdr_flag": 0, "CCSDS_apid": int(Apid.IDLE)},
    )


def header_comment() -> str:
    lines = [
        f" lunar-hil ICD v1 packet dictionary, XTCE 1.2 ({XTCE_NS}).",
        " Generated from the construct definitions in packets/icd.py; do not edit.",
        f" Regenerate with `{REGENERATE}`.",
        "",
        " Not expressed in XTCE (the ICD says it; a receiver must do it itself):",
    ]
    for item in NOT_EXPRESSED:
        lines += textwrap.wrap(item, 92, initial_indent="  * ", subsequent_indent="    ")
    text = "\n".join(lines) + "\n"
    if "--" in text:  # not allowed inside an XML comment
        raise ValueError("the XTCE header comment may not contain '--'")
    return text


def xtce_document() -> str:
    """The whole XTCE document, UTF-8 text ending in one newline."""
    ET.register_namespace("xtce", XTCE_NS)
    root = ET.Element(_q("SpaceSystem"), {"name": SPACE_SYSTEM})
    _sub(
        root,
        "LongDescription",
        "The lunar-hil wire contract between the harness (plant, sensors, test control) and"
        " the flight software: CCSDS space packets with a CUC secondary header and a CRC-16"
        " PEC, each sent behind a 4-byte ASM.",
    )
    _sub(root, "Header", version="ICD v1", validationStatus="Working")
    tm = _sub(root, "TelemetryMetaData")
    types = _sub(tm, "ParameterTypeSet")
    params = _sub(tm, "ParameterSet")
    containers = _sub(tm, "ContainerSet")

    def parameter(f: Field, pec: bool = False) -> None:
        _parameter_type(types, f, pec)
        _sub(params, "Parameter", name=f.qualified, parameterTypeRef=f"{f.qualified}_Type")

    def abstract(name: str, description: str, fields: tuple[Field, ...]) -> ET.Element:
        el = _sub(containers, "SequenceContainer", name=name, abstract="true")
        el.set("shortDescription", description)
        entries = _sub(el, "EntryList")
        for f in fields:
            parameter(f)
            _sub(entries, "ParameterRefEntry", parameterRef=f.qualified)
        return el

    abstract(ROOT_CONTAINER, "CCSDS space packet primary header", PRIMARY_FIELDS)
    timed = abstract(TIMED_CONTAINER, "CUC secondary header: the time", SECONDARY_FIELDS)
    _restrict(timed, ROOT_CONTAINER, {"CCSDS_sec_hdr_flag": 1})
    for layout in LAYOUTS:
        for f in layout.fields:
            parameter(f)
        parameter(pec_field(layout), pec=True)
        _container(containers, layout)
    parameter(idle_pec_field(), pec=True)
    _idle_container(containers, types, params)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!--\n{header_comment()}-->\n{body}\n'
