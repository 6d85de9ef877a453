"""A small pcapng writer and reader: the three block types a link capture needs.

Section Header (SHB), Interface Description (IDB) and Enhanced Packet (EPB) blocks with
their options, per the pcapng specification (draft-ietf-opsawg-pcapng). Written here
rather than taken from python-pcapng (2.1.1, 2022, untyped) because the harness reads
pcapng at run time (``lunar-hil decode``) and the format needs ~150 lines; python-pcapng
and tshark read what this writes in the tests, as independent readers.

The writer emits little-endian sections with nanosecond timestamps (``if_tsresol`` 9).
The reader takes either byte order and any ``if_tsresol``, skips block types it does not
know (a file re-saved by Wireshark may add statistics or name-resolution blocks), and
raises ``PcapngError`` naming the byte offset of a bad or truncated block.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from harness.errors import HarnessError

BLOCK_SHB = 0x0A0D0D0A
BLOCK_IDB = 0x00000001
BLOCK_EPB = 0x00000006
BYTE_ORDER_MAGIC = 0x1A2B3C4D
#: LINKTYPE_USER0: the first of the link types reserved for private use (147..162)
LINKTYPE_USER0 = 147

OPT_END = 0
OPT_COMMENT = 1
SHB_HARDWARE = 2
SHB_OS = 3
SHB_USERAPPL = 4
IF_NAME = 2
IF_DESCRIPTION = 3
IF_TSRESOL = 9
EPB_FLAGS = 2
#: epb_flags bits 0-1: the direction of a packet
EPB_INBOUND = 0b01
EPB_OUTBOUND = 0b10

_NS_RESOLUTION = 9
#: an EPB up to its packet data: type, length, interface, timestamp high and low, lengths
_EPB_HEAD = struct.Struct("<IIIIIII")
_OPTION = struct.Struct("<HH")
_FLAGS = struct.Struct("<HHI")
_U32 = struct.Struct("<I")
_END_OF_OPTIONS = _OPTION.pack(OPT_END, 0)
_PAD = (b"", b"\0", b"\0\0", b"\0\0\0")


class PcapngError(HarnessError):
    """A file that is not pcapng, or a bad or truncated block in one."""


@dataclass(frozen=True)
class Interface:
    """One IDB: a link type and its name and description."""

    link_type: int
    name: str
    description: str = ""


class Packet(NamedTuple):
    """One EPB as read back: the interface, the timestamp in ns since the Unix epoch."""

    interface_id: int
    timestamp_ns: int
    data: bytes
    comment: str | None
    flags: int | None


@dataclass
class Section:
    """What the SHB and IDBs of a file say."""

    user_appl: str | None = None
    comment: str | None = None
    interfaces: list[Interface] = field(default_factory=list)


def _pad4(n: int) -> int:
    return (4 - n % 4) % 4


def _options(items: Sequence[tuple[int, bytes]]) -> bytes:
    if not items:
        return b""
    out = bytearray()
    for code, value in items:
        out += struct.pack("<HH", code, len(value)) + value + b"\0" * _pad4(len(value))
    out += struct.pack("<HH", OPT_END, 0)
    return bytes(out)


def _block(block_type: int, body: bytes) -> bytes:
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


class PcapngWriter:
    """Writes one section: an SHB, one IDB per interface, then EPBs in call order."""

    def __init__(
        self,
        fh: BinaryIO,
        interfaces: Sequence[Interface],
        *,
        user_appl: str,
        comment: str = "",
    ) -> None:
        self._fh = fh
        self._n_interfaces = len(interfaces)
        shb_opts = [(SHB_USERAPPL, user_appl.encode())]
        if comment:
            shb_opts.insert(0, (OPT_COMMENT, comment.encode()))
        # byte-order magic, version 1.0, section length -1 (not given)
        shb = struct.pack("<IHHq", BYTE_ORDER_MAGIC, 1, 0, -1) + _options(shb_opts)
        fh.write(_block(BLOCK_SHB, shb))
        for iface in interfaces:
            opts = [(IF_NAME, iface.name.encode())]
            if iface.description:
                opts.append((IF_DESCRIPTION, iface.description.encode()))
            opts.append((IF_TSRESOL, bytes([_NS_RESOLUTION])))
            idb = struct.pack("<HHI", iface.link_type, 0, 0) + _options(opts)
            fh.write(_block(BLOCK_IDB, idb))

    def write(
        self,
        interface_id: int,
        timestamp_ns: int,
        data: bytes,
        *,
        comment: str | None = None,
        flags: int | None = None,
    ) -> None:
        if not 0 <= interface_id < self._n_interfaces:
            raise ValueError(f"interface {interface_id} not in 0..{self._n_interfaces - 1}")
        # the hot path of a capture conversion: one pack for the fixed fields, options inline
        opts = b""
        if comment:
            text = comment.encode()
            opts = _OPTION.pack(OPT_COMMENT, len(text)) + text + _PAD[_pad4(len(text))]
        if flags is not None:
            opts += _FLAGS.pack(EPB_FLAGS, 4, flags)
        if opts:
            opts += _END_OF_OPTIONS
        n = len(data)
        total = _EPB_HEAD.size + n + _pad4(n) + len(opts) + 4
        head = _EPB_HEAD.pack(
            BLOCK_EPB,
            total,
            interface_id,
            (timestamp_ns >> 32) & 0xFFFFFFFF,
            timestamp_ns & 0xFFFFFFFF,
            n,
            n,
        )
        self._fh.write(b"".join((head, data, _PAD[_pad4(n)], opts, _U32.pack(total))))


#: the first 12 bytes of a pcapng file: the SHB type (a palindrome), its length, the
#: byte-order magic in the section's byte order
SIGNATURE_LEN = 12


def is_pcapng(head: bytes) -> bool:
    """Whether ``head`` (at least ``SIGNATURE_LEN`` bytes) starts a pcapng file."""
    if len(head) < SIGNATURE_LEN or struct.unpack_from("<I", head)[0] != BLOCK_SHB:
        return False
    return head[8:12] in (struct.pack("<I", BYTE_ORDER_MAGIC), struct.pack(">I", BYTE_ORDER_MAGIC))


class _Options(dict[int, list[bytes]]):
    def text(self, code: int) -> str | None:
        values = self.get(code)
        return values[0].decode("utf-8", "replace") if values else None


class PcapngReader(Iterator[Packet]):
    """EPBs of a pcapng file held in memory, in file order; ``section`` fills as it reads.

    Every SHB starts a new section (its interfaces replace the previous ones).
    """

    def __init__(self, data: bytes, source: str) -> None:
        if not is_pcapng(data):
            raise PcapngError(f"{source}: not a pcapng file (first block {data[:4].hex()})")
        self.source = source
        self.section = Section()
        self._data = data
        self._offset = 0
        self._endian = "<"
        self._tick_ns: list[tuple[int, int]] = []  # per interface: (multiplier, divisor)

    def __iter__(self) -> PcapngReader:
        return self

    def _fail(self, reason: str) -> PcapngError:
        return PcapngError(f"{self.source}: {reason} at byte offset {self._offset}")

    def __next__(self) -> Packet:
        while True:
            packet = self._next_block()
            if packet is not None:
                return packet

    def _next_block(self) -> Packet | None:
        data, off = self._data, self._offset
        if off >= len(data):
            raise StopIteration
        if off + 12 > len(data):
            raise self._fail(f"truncated block header ({len(data) - off} bytes left)")
        if struct.unpack_from("<I", data, off)[0] == BLOCK_SHB:
            magic = data[off + 8 : off + 12]
            if magic == struct.pack("<I", BYTE_ORDER_MAGIC):
                self._endian = "<"
            elif magic == struct.pack(">I", BYTE_ORDER_MAGIC):
                self._endian = ">"
            else:
                raise self._fail(f"bad byte-order magic {magic.hex()}")
        e = self._endian
        block_type, total = struct.unpack_from(e + "II", data, off)
        if total < 12 or total % 4 or off + total > len(data):
            raise self._fail(f"bad or truncated block (type 0x{block_type:08X}, length {total})")
        if struct.unpack_from(e + "I", data, off + total - 4)[0] != total:
            raise self._fail("block lengths at its start and end differ")
        body = data[off + 8 : off + total - 4]
        self._offset = off + total
        if block_type == BLOCK_SHB:
            opts = self._parse_options(body, 16)
            self.section = Section(opts.text(SHB_USERAPPL), opts.text(OPT_COMMENT))
            self._tick_ns = []
        elif block_type == BLOCK_IDB:
            link_type = struct.unpack_from(e + "H", body)[0]
            opts = self._parse_options(body, 8)
            self.section.interfaces.append(
                Interface(link_type, opts.text(IF_NAME) or "", opts.text(IF_DESCRIPTION) or "")
            )
            self._tick_ns.append(_tick(opts.get(IF_TSRESOL, [bytes([6])])[0][0]))
        elif block_type == BLOCK_EPB:
            return self._packet(body)
        return None

    def _packet(self, body: bytes) -> Packet:
        e = self._endian
        iface, ts_hi, ts_lo, captured, _ = struct.unpack_from(e + "IIIII", body)
        if iface >= len(self._tick_ns):
            raise self._fail(f"packet on interface {iface}, which no IDB describes")
        if 20 + captured > len(body):
            raise self._fail(f"packet of {captured} bytes overruns its block")
        mul, div = self._tick_ns[iface]
        opts = self._parse_options(body, 20 + captured + _pad4(captured))
        flags = opts.get(EPB_FLAGS)
        return Packet(
            iface,
            ((ts_hi << 32) | ts_lo) * mul // div,
            body[20 : 20 + captured],
            opts.text(OPT_COMMENT),
            struct.unpack(e + "I", flags[0])[0] if flags else None,
        )

    def _parse_options(self, body: bytes, start: int) -> _Options:
        opts = _Options()
        pos = start
        while pos + 4 <= len(body):
            code, n = struct.unpack_from(self._endian + "HH", body, pos)
            if code == OPT_END:
                break
            if pos + 4 + n > len(body):
                raise self._fail(f"option {code} of {n} bytes overruns its block")
            opts.setdefault(code, []).append(body[pos + 4 : pos + 4 + n])
            pos += 4 + n + _pad4(n)
        return opts


def _tick(tsresol: int) -> tuple[int, int]:
    """(multiplier, divisor) turning timestamp units into ns for an ``if_tsresol`` byte."""
    if tsresol & 0x80:  # a power of two
        return 10**9, 1 << (tsresol & 0x7F)
    exp = tsresol
    return (10 ** (9 - exp), 1) if exp <= 9 else (1, 10 ** (exp - 9))


def read_pcapng(data: bytes, source: str) -> PcapngReader:
    return PcapngReader(data, source)
