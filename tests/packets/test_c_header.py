"""The committed C header fsw_stub/firmware/core/icd.h is exactly the generator's output,
so the C FSW cannot drift from the construct definitions (like docs/protocol.md)."""

from __future__ import annotations

import re
from pathlib import Path

from packets.c_header import REGENERATE, icd_header
from packets.icd import SPECS

ICD_H = Path(__file__).resolve().parents[2] / "fsw_stub" / "firmware" / "core" / "icd.h"


def test_committed_icd_h_is_the_generator_output() -> None:
    assert ICD_H.read_text(encoding="utf-8") == icd_header(), (
        f"fsw_stub/firmware/core/icd.h is out of date with packets/icd.py; regenerate: {REGENERATE}"
    )


def test_header_sizes_and_offsets_follow_the_construct_definitions() -> None:
    text = icd_header()
    for spec in SPECS.values():
        assert f"#define ICD_{spec.name}_FRAME_LEN {spec.frame_len}\n" in text
        assert f"#define ICD_{spec.name}_LENGTH_FIELD {spec.length_field}\n" in text
        offset = 0
        for sc in spec.data.subcons:
            assert f"#define ICD_{spec.name}_{sc.name.upper()}_OFFSET {offset}\n" in text
            offset += sc.sizeof()
        assert offset == spec.data_len
        for name, mask in spec.bit_masks:
            assert re.search(rf"\(v->{name} & ~0x{mask:02X}u\) == 0", text)
