"""A run's capture as pcapng: one record per frame and one per run of skipped bytes.

``write_pcapng_capture`` converts a finished ``capture.lhcap``. Each direction's bytes are
deframed with ``packets.Deframer`` (the ICD §2 receiver): every frame whose PEC checks --
ASM included, the bytes as they crossed the line -- becomes one record, and every run of
bytes between frames (what the receiver skipped) one more, so every byte on the link is
in exactly one record. A record carries:

* its interface: 0 is H2F (harness to FSW), 1 is F2H, both ``LINKTYPE_USER0``; the
  ``epb_flags`` direction too (H2F outbound, F2H inbound, as the harness sees them);
* the wall-clock time (ns since the Unix epoch) and, in its comment, the sim time, both
  of the capture record that carried its last byte -- when it had wholly crossed:
  ``sim_us=1250000 frame`` or ``sim_us=1250000 skipped``.

The section header names the link type and the dissector (``lunar-hil export wireshark``).
``read_pcapng_capture`` gives a pcapng capture back as ``CaptureRecord``s, so
``lunar-hil decode`` reads both formats alike.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from harness.link.capture import F2H, H2F, CaptureRecord, read_capture
from harness.pcapng.blocks import (
    EPB_INBOUND,
    EPB_OUTBOUND,
    LINKTYPE_USER0,
    Interface,
    PcapngError,
    PcapngWriter,
    read_pcapng,
)
from packets import Deframer

PCAPNG_NAME = "capture.pcapng"
LINK_TYPE = LINKTYPE_USER0
FRAME = "frame"
SKIPPED = "skipped"
#: interface id of each direction (the same numbers as the capture's direction byte)
INTERFACES = {
    H2F: Interface(LINK_TYPE, "H2F", "harness to FSW: sensor frames, SYNC, test control"),
    F2H: Interface(LINK_TYPE, "F2H", "FSW to harness: ENGINE_CMD, FSW_STATUS, events"),
}
_DIRECTION_OF_NAME = {iface.name: d for d, iface in INTERFACES.items()}
EPB_DIRECTION = {H2F: EPB_OUTBOUND, F2H: EPB_INBOUND}
SECTION_COMMENT = (
    f"lunar-hil link capture. Link type LINKTYPE_USER0 ({LINK_TYPE}): lunar-hil ICD v1 on"
    " a byte stream; each record is one frame as the receiver deframed it (ASM, CCSDS"
    " space packet, CRC-16 PEC) or one run of bytes it skipped. Interface 0 is H2F"
    " (harness to FSW), 1 is F2H. The comment of each record holds its sim time in us."
    " Dissect with the Lua dissector of `lunar-hil export wireshark`."
)
_COMMENT = re.compile(r"sim_us=(-?\d+) (frame|skipped)")


class LinkRecord(NamedTuple):
    """One pcapng record before it is written: a frame or a skipped run of one direction."""

    direction: int
    kind: str  # FRAME or SKIPPED
    sim_us: int
    wall_ns: int
    data: bytes
    #: index of the capture record that carried the last byte (orders the two directions)
    order: int


def _cut_direction(records: Sequence[CaptureRecord], direction: int) -> list[LinkRecord]:
    indices = [i for i, r in enumerate(records) if r.direction == direction]
    ends: list[int] = []  # stream offset just past each capture record of this direction
    for i in indices:
        ends.append((ends[-1] if ends else 0) + len(records[i].data))
    stream = b"".join(records[i].data for i in indices)
    # one feed: the deframer's frames do not depend on how the bytes were chunked
    deframer = Deframer(record_spans=True, keep_rejections=0)
    deframer.feed(stream)
    deframer.flush()
    cuts: list[tuple[int, int, str]] = []
    pos = 0
    for span in deframer.spans or ():
        if span.offset > pos:
            cuts.append((pos, span.offset, SKIPPED))
        cuts.append((span.offset, span.offset + span.length, FRAME))
        pos = span.offset + span.length
    if pos < len(stream):
        cuts.append((pos, len(stream), SKIPPED))
    out = []
    for start, end, kind in cuts:
        k = indices[bisect.bisect_left(ends, end)]  # the capture record holding byte end - 1
        rec = records[k]
        out.append(LinkRecord(direction, kind, rec.sim_us, rec.wall_ns, stream[start:end], k))
    return out


def link_records(records: Sequence[CaptureRecord]) -> list[LinkRecord]:
    """Cut each direction's bytes at the deframer's frame boundaries, in capture order."""
    out = _cut_direction(records, H2F) + _cut_direction(records, F2H)
    out.sort(key=lambda r: r.order)  # stable: each direction keeps its stream order
    return out


def write_pcapng_capture(
    lhcap: str | Path, pcapng: str | Path, *, epoch_unix_ns: int
) -> list[LinkRecord]:
    """Convert a finished capture; ``epoch_unix_ns`` is the wall clock when it was opened
    (its records' wall times count from there). Returns the records written. A capture cut
    short (a full disk, a killed run) is converted up to its last intact record."""
    records = list(read_capture(lhcap, strict=False))
    cut = link_records(records)
    with open(pcapng, "wb") as fh:
        writer = PcapngWriter(
            fh,
            [INTERFACES[H2F], INTERFACES[F2H]],
            user_appl="lunar-hil",
            comment=SECTION_COMMENT,
        )
        for r in cut:
            writer.write(
                r.direction,
                epoch_unix_ns + r.wall_ns,
                r.data,
                comment=f"sim_us={r.sim_us} {r.kind}",
                flags=EPB_DIRECTION[r.direction],
            )
    return cut


def read_pcapng_capture(data: bytes, source: str) -> Iterator[CaptureRecord]:
    """A pcapng capture written by ``write_pcapng_capture`` as capture records (wall time
    in ns since the Unix epoch); ``PcapngError`` names the record that does not fit."""
    reader = read_pcapng(data, source)
    for number, packet in enumerate(reader, start=1):
        iface = reader.section.interfaces[packet.interface_id]
        if iface.link_type != LINK_TYPE or iface.name not in _DIRECTION_OF_NAME:
            raise PcapngError(
                f"{source}: record {number} is on interface {packet.interface_id}"
                f" ({iface.name!r}, link type {iface.link_type}); expected a lunar-hil"
                f" capture interface H2F or F2H of link type {LINK_TYPE}"
            )
        match = _COMMENT.fullmatch(packet.comment or "")
        if match is None:
            raise PcapngError(
                f"{source}: record {number} has comment {packet.comment!r}; expected"
                " 'sim_us=<integer> frame' or 'sim_us=<integer> skipped'"
            )
        direction = _DIRECTION_OF_NAME[iface.name]
        yield CaptureRecord(int(match.group(1)), packet.timestamp_ns, direction, packet.data)
