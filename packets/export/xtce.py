"""The ICD as an XTCE 1.2 ``SpaceSystem``, generated from the construct definitions.

Ground systems (Yamcs, COSMOS, space_packet_parser) import XTCE. The dictionary has an
abstract ``CCSDSPacket`` container (primary header; ``TimedPacket`` below it adds the CUC
time; ``IDLE`` has none), one container per APID
restricted on the header values the ICD fixes for it (version, type, secondary header flag,
APID, sequence flags, data length), every field as a parameter named ``<PACKET>_<field>``
with its encoding, unit, description, valid range, enumeration or flag bits, and the PEC as
a CRC-16 parameter. Telecommands are containers too, in ``TelemetryMetaData``, so one
decoder reads a capture of both directions, and ``MetaCommand``s besides
(``packets.export.xtce_commands``), so a ground system can send them. The output is
deterministic (no date stamp): the same ICD gives the same bytes, and a test keeps the
committed copy equal to it.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from packets.export.fields import (
    LAYOUTS,
    PRIMARY_FIELDS,
    SECONDARY_FIELDS,
    Field,
    PacketLayout,
    idle_pec_field,
    pec_field,
)
from packets.export.xtce_commands import command_metadata
from packets.export.xtce_types import (
    DIRECTION_TEXT,
    KIND_TEXT,
    XTCE_NS,
    data_type,
    q,
)
from packets.export.xtce_types import sub as _sub
from packets.icd import ASM, CRC_CHECK_VALUE, CRC_INIT, CRC_POLY, PEC_LEN, Apid

SPACE_SYSTEM = "LunarHIL"
ROOT_CONTAINER = "CCSDSPacket"
TIMED_CONTAINER = "TimedPacket"
IDLE_CONTAINER = "IDLE"
REGENERATE = "lunar-hil export xtce -o docs/lunar_hil.xtce.xml"

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
    " (not the ASM) is said in prose only, and most XTCE tools do not check it. A"
    " MetaCommand cannot compute it: it reserves the two bytes as zero for the sender (a"
    " command post-processor) to fill in.",
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
        f"{spec.type.name} ({KIND_TEXT[spec.type]}), {spec.direction.name}"
        f" ({DIRECTION_TEXT[spec.direction]}); {spec.data_len} bytes of user data;"
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
    root = ET.Element(q("SpaceSystem"), {"name": SPACE_SYSTEM})
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
        data_type(types, f, "Parameter", f"{f.qualified}_Type", pec)
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
    command_metadata(_sub(root, "CommandMetaData"))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!--\n{header_comment()}-->\n{body}\n'
