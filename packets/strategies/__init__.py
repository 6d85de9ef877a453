"""Hypothesis strategies for the ICD: valid packets, frames and streams, and named damage.

Public API for anyone who tests an ICD implementation -- the deframer's own tests, the
FSW stub's, a link fuzzer's. Every value is derived from ``packets.icd``: field types
from the construct definitions, ranges from ``PacketSpec.limits`` and ``bit_masks``,
so a valid packet here is exactly what ICD §2 rule 5 accepts (f32 values are drawn as
binary32 numbers, so they survive the wire unchanged).

The mutations are plain functions on a frame's bytes, defined in the hypothesis-free
``packets.mutations`` and re-exported here (``bitflip``, ``byteset``, ``length_lie``,
``truncate``, ``bad_crc``, ``wrong_apid``, ``wrong_version``, ``seq_gap``) plus
``false_sync`` and ``garbage`` between frames and ``chunked`` to split a stream;
``damage(frame)`` draws one of the corrupting ones by name, and ``damaged_streams()``
builds a stream where some frames are damaged and says which frames went through intact.

Modules: ``values`` (fields, packets), ``streams`` (frames, streams, garbage, chunking),
``damage`` (named damage, damaged streams and what a receiver can be held to recover).
"""

from packets.mutations import (
    bad_crc,
    bitflip,
    byteset,
    delete_bytes,
    false_sync,
    insert_bytes,
    length_lie,
    seq_gap,
    truncate,
    wrong_apid,
    wrong_version,
)
from packets.strategies.damage import (
    CORRUPTIONS,
    Damage,
    DamagedStream,
    _recoverable,  # noqa: F401 (the deframer tests use the oracle)
    damage,
    damaged_streams,
)
from packets.strategies.streams import (
    EncodedFrame,
    Stream,
    chunked,
    chunkings,
    encoded_frames,
    garbage,
    streams,
)
from packets.strategies.values import any_packet, cucs, f32s, packets_of, unknown_apids

__all__ = [
    "CORRUPTIONS",
    "Damage",
    "DamagedStream",
    "EncodedFrame",
    "Stream",
    "any_packet",
    "bad_crc",
    "bitflip",
    "byteset",
    "chunked",
    "chunkings",
    "cucs",
    "damage",
    "damaged_streams",
    "delete_bytes",
    "encoded_frames",
    "f32s",
    "false_sync",
    "garbage",
    "insert_bytes",
    "length_lie",
    "packets_of",
    "seq_gap",
    "streams",
    "truncate",
    "unknown_apids",
    "wrong_apid",
    "wrong_version",
]
