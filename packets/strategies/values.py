"""Valid values and packets of ICD v1, derived from ``packets.icd``.

Field types come from the construct definitions, ranges from ``PacketSpec.limits`` and
``bit_masks``, so a valid packet here is exactly what ICD §2 rule 5 accepts (f32 values
are drawn as binary32 numbers, so they survive the wire unchanged).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from packets.codec import MAX_CUC, codec_for
from packets.icd import SPECS, PacketSpec
from packets.model import Packet

#: integer ranges of the struct codes a construct FormatField may use
_INT_RANGES: dict[str, tuple[int, int]] = {
    "B": (0, 0xFF),
    "H": (0, 0xFFFF),
    "I": (0, 0xFFFF_FFFF),
    "L": (0, 0xFFFF_FFFF),
    "Q": (0, 2**64 - 1),
    "b": (-(2**7), 2**7 - 1),
    "h": (-(2**15), 2**15 - 1),
    "i": (-(2**31), 2**31 - 1),
    "l": (-(2**31), 2**31 - 1),
    "q": (-(2**63), 2**63 - 1),
}


# --- values and packets ------------------------------------------------------------


def f32s(
    min_value: float | None = None, max_value: float | None = None
) -> st.SearchStrategy[float]:
    """Finite IEEE-754 binary32 numbers (as Python floats), optionally bounded."""
    return st.floats(
        min_value=min_value,
        max_value=max_value,
        width=32,
        allow_nan=False,
        allow_infinity=False,
    )


def _field_strategy(spec: PacketSpec, index: int, code: str) -> st.SearchStrategy[Any]:
    name = spec.field_names[index]
    limits = {n: (lo, hi) for n, lo, hi in spec.limits}
    masks = dict(spec.bit_masks)
    if code in "fd":
        lo, hi = limits.get(name, (None, None))
        return f32s(lo, hi) if code == "f" else st.floats(lo, hi, allow_nan=False)
    lo_i, hi_i = _INT_RANGES[code]
    if name in limits:
        lo_i, hi_i = max(lo_i, int(limits[name][0])), min(hi_i, int(limits[name][1]))
    values: st.SearchStrategy[int] = st.integers(lo_i, hi_i)
    if name in masks:
        mask = masks[name]
        values = values.map(lambda v: v & mask)
    return values


def packets_of(apid_or_class: int | str | type[Packet]) -> st.SearchStrategy[Packet]:
    """Valid packets of one APID (given as APID, ICD name or packet class)."""
    codec = codec_for(apid_or_class)
    fmt = codec.data.format[1:]
    fields = [_field_strategy(codec.spec, i, c) for i, c in enumerate(fmt)]
    cls: Callable[..., Packet] = codec.cls
    return st.builds(cls, *fields)


def any_packet() -> st.SearchStrategy[Packet]:
    """Valid packets of any APID of ICD v1."""
    return st.one_of([packets_of(apid) for apid in SPECS])


def cucs(max_value: int = MAX_CUC) -> st.SearchStrategy[int]:
    """CUC times (coarse << 16 | fine)."""
    return st.integers(0, max_value)


def unknown_apids() -> st.SearchStrategy[int]:
    """APIDs that ICD v1 does not define (idle excluded)."""
    return st.integers(0, 0x7FE).filter(lambda a: a not in SPECS)
