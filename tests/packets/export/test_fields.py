"""The ICD tables the exports read: flag bits, enumerations and units beside the construct
definitions, checked against the ICD text and against the fields' own names."""

from __future__ import annotations

import pytest

from packets.export.fields import LAYOUTS, PRIMARY_FIELDS, SECONDARY_FIELDS
from packets.icd import SPECS, Apid

#: "bitN ..." masks as docs/icd.md §3 writes them
ICD_MASKS = {
    Apid.IMU: {"status": 0x03},
    Apid.LRF: {"status": 0x0F},
    Apid.ATTITUDE: {"status": 0x01},
    Apid.VELOCIMETER: {"status": 0x01},
    Apid.DISCRETES: {"flags": 0x01},
    Apid.FSW_STATUS: {"nav_flags": 0x1F},
}
#: a field name's suffix and the unit it promises
SUFFIX_UNITS = {"_m": "m", "_mps": "m/s", "_rad": "rad", "_us": "us", "_kg": "kg"}


def test_the_bit_masks_derived_from_the_flag_enums_are_the_icds() -> None:
    got = {apid: dict(spec.bit_masks) for apid, spec in SPECS.items() if spec.bit_masks}
    assert got == ICD_MASKS


@pytest.mark.parametrize("apid", sorted(SPECS), ids=lambda a: SPECS[a].name)
def test_tables_name_real_fields_and_units_agree_with_field_names(apid: int) -> None:
    spec = SPECS[apid]
    names = set(spec.field_names)
    units = dict(spec.units)
    assert set(units) <= names
    assert {n for n, _ in spec.flags} <= names and {n for n, _ in spec.enums} <= names
    for name in spec.field_names:
        for suffix, unit in SUFFIX_UNITS.items():
            if name.endswith(suffix):
                assert units.get(name) == unit, (spec.name, name)


@pytest.mark.parametrize("apid", [a for a in SPECS if SPECS[a].enums], ids=lambda a: SPECS[a].name)
def test_an_enumeration_is_exactly_its_fields_valid_range(apid: int) -> None:
    spec = SPECS[apid]
    limits = {n: (lo, hi) for n, lo, hi in spec.limits}
    for name, enum in spec.enums:
        lo, hi = limits[name]
        assert sorted(int(m) for m in enum) == list(range(int(lo), int(hi) + 1))


def test_the_flattened_layout_tiles_each_packet_without_gaps() -> None:
    bit = 0
    for f in (*PRIMARY_FIELDS, *SECONDARY_FIELDS):
        assert f.bit_offset == bit
        bit += f.size_bits
    for layout in LAYOUTS:
        pos = bit
        for f in layout.fields:
            assert f.bit_offset == pos
            pos += f.size_bits
        assert pos - bit == layout.spec.data_len * 8
    names = [f.qualified for layout in LAYOUTS for f in layout.fields]
    assert len(names) == len(set(names))
