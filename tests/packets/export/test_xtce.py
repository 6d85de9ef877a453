"""The XTCE export: valid against the OMG XTCE 1.2 schema, equal to the committed copy, and
read by space_packet_parser (an independent XTCE decoder) to the values our codec decodes."""

from __future__ import annotations

import math
import struct
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import space_packet_parser as spp
import xmlschema
from hypothesis import given

from packets import SPECS, Frame, codec_for
from packets.codec import idle_frame
from packets.export.xtce import REGENERATE, XTCE_NS, xtce_document
from packets.strategies import encoded_frames
from tests.system_tools import require_shared

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "lunar_hil.xtce.xml"
#: the OMG schema, from the project's shared data beside the repository (not copied into
#: the repository: its licence terms are not stated there) ...
XSD = ROOT.parent / "shared" / "data" / "SpaceSystemV1.2.xsd"
#: ... or, where that is not laid out, the same OMG file as space_packet_parser ships it
BUNDLED_XSD = Path(spp.__file__).parent / "xtce" / "schemas" / "SpaceSystem.xsd"
NS = {"x": XTCE_NS}
#: struct code -> (XTCE integer encoding or float, size in bits)
ENCODING = {"B": ("unsigned", 8), "H": ("unsigned", 16), "I": ("unsigned", 32)}
ENCODING |= {"L": ("unsigned", 32), "f": ("IEEE754_1985", 32)}


def _lines(path: Path) -> list[str]:
    return [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]


@cache
def schema() -> xmlschema.XMLSchema:
    path = XSD if XSD.is_file() else BUNDLED_XSD
    if not path.is_file():
        pytest.fail(
            f"the XTCE 1.2 schema is expected at {XSD} (shared/data beside the repository, as"
            f" CI lays it out) or {BUNDLED_XSD}; without it the export cannot be validated"
        )
    return xmlschema.XMLSchema(str(path))


def test_the_bundled_schema_is_the_shared_one() -> None:
    """The fallback is the same OMG document (they differ in trailing blanks only)."""
    require_shared(XSD)
    assert _lines(BUNDLED_XSD) == _lines(XSD)


@cache
def tree() -> ET.Element:
    return ET.fromstring(xtce_document().encode())


@cache
def definition() -> spp.XtcePacketDefinition:
    return spp.load_xtce(COMMITTED)


def test_the_export_validates_against_the_xtce_1_2_schema() -> None:
    errors = list(schema().iter_errors(xtce_document()))
    assert errors == [], errors[0].reason if errors else ""


def test_a_document_the_schema_rejects_is_caught() -> None:
    """The validation has teeth: a type with an unknown encoding attribute value fails."""
    bad = xtce_document().replace('encoding="unsigned"', 'encoding="bigEndianish"', 1)
    assert not schema().is_valid(bad)


def test_the_committed_copy_is_the_generated_export() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == xtce_document(), (
        f"docs/lunar_hil.xtce.xml is out of date with packets/icd.py; regenerate it: {REGENERATE}"
    )


def _parameter_types() -> dict[str, ET.Element]:
    types = tree().find("x:TelemetryMetaData/x:ParameterTypeSet", NS)
    assert types is not None
    params = tree().findall("x:TelemetryMetaData/x:ParameterSet/x:Parameter", NS)
    by_type = {t.get("name"): t for t in types}
    return {p.get("name", ""): by_type[p.get("parameterTypeRef")] for p in params}


def test_parameter_names_are_unique_and_name_their_packet() -> None:
    params = tree().findall("x:TelemetryMetaData/x:ParameterSet/x:Parameter", NS)
    names = [p.get("name", "") for p in params]
    assert len(names) == len(set(names))
    packets = {s.name for s in SPECS.values()} | {"CCSDS", "CUC", "IDLE"}
    for name in names:
        assert any(name.startswith(p + "_") for p in packets), name
    for spec in SPECS.values():
        for field in (*spec.field_names, "PEC"):
            assert f"{spec.name}_{field}" in names


@pytest.mark.parametrize("apid", sorted(SPECS), ids=lambda a: SPECS[a].name)
def test_every_field_has_the_encoding_unit_and_range_of_the_icd(apid: int) -> None:
    spec, types = SPECS[apid], _parameter_types()
    codes = codec_for(apid).data.format[1:]
    limits = {n: (lo, hi) for n, lo, hi in spec.limits}
    units, flags, enums = dict(spec.units), dict(spec.flags), dict(spec.enums)
    for name, code in zip(spec.field_names, codes, strict=True):
        t = types[f"{spec.name}_{name}"]
        encoding, bits = ENCODING[code]
        enc = t.find("x:FloatDataEncoding" if code == "f" else "x:IntegerDataEncoding", NS)
        assert enc is not None and enc.get("sizeInBits") == str(bits)
        assert enc.get("encoding") == encoding
        unit = t.find("x:UnitSet/x:Unit", NS)
        assert (unit.text if unit is not None else None) == units.get(name)
        if name in enums:
            listed = {
                (e.get("label"), int(e.get("value", "-1")))
                for e in t.iter(f"{{{XTCE_NS}}}Enumeration")
            }
            assert listed == {(m.name, int(m)) for m in enums[name]}
            continue
        valid = t.find("x:ValidRange", NS)
        if name in limits:
            assert valid is not None
            lo, hi = (
                float(valid.get("minInclusive", "nan")),
                float(valid.get("maxInclusive", "nan")),
            )
            assert (lo, hi) == limits[name]
        elif name in flags:
            assert valid is not None and valid.get("minInclusive") == "0"
            mask = sum(int(b) for b in flags[name])
            assert int(valid.get("maxInclusive", "-1")) == mask
            assert [a.text for a in t.iter(f"{{{XTCE_NS}}}AncillaryData")] == [
                b.name for b in flags[name]
            ]
        elif code == "f":  # finite: the binary32 range
            assert valid is not None
            assert (
                float(valid.get("maxInclusive", "nan"))
                == struct.unpack(">f", b"\x7f\x7f\xff\xff")[0]
            )


def _check_against_spp(frame: Frame, raw: bytes) -> None:
    got = definition().parse_bytes(raw[4:])  # the dictionary starts after the ASM
    spec = SPECS[frame.apid]
    assert got["CCSDS_apid"] == frame.apid
    assert got["CCSDS_type"] == spec.type
    assert got["CCSDS_seq_count"] == frame.seq
    assert (got["CUC_coarse"] << 16) | got["CUC_fine"] == frame.cuc
    for name, value in frame.packet._asdict().items():
        param = got[f"{spec.name}_{name}"]
        raw_value = getattr(param, "raw_value", param)
        if isinstance(value, float):
            assert raw_value == value or (math.isnan(value) and math.isnan(raw_value))
        else:
            assert raw_value == value
    assert got[f"{spec.name}_PEC"] == int.from_bytes(raw[-2:], "big")
    assert len(got) == 9 + len(spec.field_names) + 1  # headers, fields, PEC: nothing else


@given(encoded_frames())
def test_space_packet_parser_decodes_any_frame_as_our_codec_does(
    frame: tuple[Frame, bytes],
) -> None:
    _check_against_spp(*frame)


def test_space_packet_parser_reads_an_idle_packet_by_its_length() -> None:
    got = definition().parse_bytes(idle_frame(b"\x55" * 5)[4:])
    assert got["IDLE_fill"] == b"\x55" * 5
    assert got["CCSDS_sec_hdr_flag"] == 0


def test_space_packet_parser_finds_the_document_structurally_sound() -> None:
    """Its own checks beyond the schema: references resolve, names are unique, ..."""
    result = spp.validate_xtce(
        COMMITTED, level="structure", print_results=False, raise_on_error=False
    )
    assert result.valid, result


def _crc_declared(data: bytes, crc: ET.Element) -> int:
    """A plain MSB-first CRC from the parameters the dictionary declares (no reflection)."""
    assert crc.get("reflectData", "false") == "false" == crc.get("reflectRemainder", "false")
    width = int(crc.get("width", "0"))
    poly = int(crc.findtext("x:Polynomial", "", NS), 16)
    reg = int(crc.findtext("x:InitRemainder", "0", NS), 16)
    top, mask = 1 << (width - 1), (1 << width) - 1
    for byte in data:
        reg ^= byte << (width - 8)
        for _ in range(8):
            reg = ((reg << 1) ^ poly) & mask if reg & top else (reg << 1) & mask
    return reg ^ int(crc.findtext("x:FinalXOR", "0", NS), 16)


@given(encoded_frames())
def test_the_declared_crc_is_the_pec_every_frame_carries(frame: tuple[Frame, bytes]) -> None:
    decoded, raw = frame
    pec_type = _parameter_types()[f"{SPECS[decoded.apid].name}_PEC"]
    crc = pec_type.find("x:IntegerDataEncoding/x:ErrorDetectCorrect/x:CRC", NS)
    assert crc is not None
    assert _crc_declared(raw[4:-2], crc) == int.from_bytes(raw[-2:], "big")
    assert _crc_declared(b"123456789", crc) == 0x29B1  # the ICD's check value
