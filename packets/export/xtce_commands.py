"""The telecommand APIDs as XTCE ``MetaCommand``s, so a ground system can send them.

Each MetaCommand lays out the whole space packet: the primary header as fixed values (the
ICD fixes everything but the sequence count), the sequence count and the CUC time as
arguments, every user-data field as an argument with its type and valid range, and the
PEC as two reserved bytes that the sender fills in (a ground system's command
post-processor; XTCE has no way to compute it). The ASM goes in front, as for every
packet on the link.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from packets.export.fields import LAYOUTS, PRIMARY_FIELDS, SECONDARY_FIELDS
from packets.export.xtce_types import DIRECTION_TEXT, data_type, sub
from packets.icd import PEC_LEN, PacketType

#: the header fields a sender chooses: everything else in the header is fixed by the ICD
_HEADER_ARGUMENTS = ("CCSDS_seq_count", "CUC_coarse", "CUC_fine")


def command_metadata(parent: ET.Element) -> None:
    """``CommandMetaData`` with one MetaCommand per TC APID of the ICD."""
    arg_types = sub(parent, "ArgumentTypeSet")
    commands = sub(parent, "MetaCommandSet")
    header = {f.qualified: f for f in (*PRIMARY_FIELDS, *SECONDARY_FIELDS)}
    for name in _HEADER_ARGUMENTS:
        data_type(arg_types, header[name], "Argument", f"{name}_ArgType")
    for layout in LAYOUTS:
        spec = layout.spec
        if spec.type != PacketType.TC:
            continue
        for f in layout.fields:
            data_type(arg_types, f, "Argument", f"{f.qualified}_ArgType")
        command = sub(
            commands,
            "MetaCommand",
            name=spec.name,
            shortDescription=f"APID 0x{spec.apid:03X} {spec.name}: {spec.summary}",
        )
        sub(
            command,
            "LongDescription",
            f"{spec.direction.name} ({DIRECTION_TEXT[spec.direction]}); time: {spec.time_meaning}."
            " The PEC (last two bytes) is left zero here: the sender computes it.",
        )
        arguments = sub(command, "ArgumentList")
        for name in _HEADER_ARGUMENTS:
            sub(arguments, "Argument", name=name, argumentTypeRef=f"{name}_ArgType")
        for f in layout.fields:
            sub(arguments, "Argument", name=f.name, argumentTypeRef=f"{f.qualified}_ArgType")
        container = sub(command, "CommandContainer", name=f"{spec.name}_Command")
        entries = sub(container, "EntryList")
        fixed = {
            "CCSDS_version": 0,
            "CCSDS_type": int(spec.type),
            "CCSDS_sec_hdr_flag": 1,
            "CCSDS_apid": int(spec.apid),
            "CCSDS_seq_flags": 3,
            "CCSDS_data_length": spec.length_field,
        }
        for f in (*PRIMARY_FIELDS, *SECONDARY_FIELDS):
            if f.qualified in _HEADER_ARGUMENTS:
                sub(entries, "ArgumentRefEntry", argumentRef=f.qualified)
            else:
                width = (f.size_bits + 7) // 8
                sub(
                    entries,
                    "FixedValueEntry",
                    name=f.qualified,
                    binaryValue=fixed[f.qualified].to_bytes(width, "big").hex().upper(),
                    sizeInBits=str(f.size_bits),
                )
        for f in layout.fields:
            sub(entries, "ArgumentRefEntry", argumentRef=f.name)
        sub(entries, "FixedValueEntry", name="PEC", binaryValue="0000", sizeInBits=str(8 * PEC_LEN))
