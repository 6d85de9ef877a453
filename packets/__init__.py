"""The lunar-hil wire contract (ICD v1): construct definitions, framing, codec, deframer.

``packets`` imports nothing else of lunar-hil; the harness, the FSW stub and any other
implementation of the ICD share it.
"""

from packets.codec import (
    Frame,
    Framer,
    codec_for,
    cuc_from_us,
    cuc_to_s,
    cuc_to_us,
    decode,
    encode,
    idle_frame,
)
from packets.deframer import Deframer, DeframerStats, Rejection
from packets.errors import FieldRangeError, FrameError, PacketError, UnknownPacketError
from packets.icd import (
    ASM,
    SPECS,
    Apid,
    ImuStatus,
    LrfStatus,
    NavFlags,
    PacketType,
    Severity,
    crc16,
)
from packets.model import (
    Attitude,
    Discretes,
    EngineCmd,
    Event,
    FswStatus,
    Imu,
    Lrf,
    Packet,
    Ping,
    Pong,
    StateInit,
    Sync,
    Velocimeter,
    apid_of,
)

__all__ = [
    "ASM",
    "SPECS",
    "Apid",
    "Attitude",
    "Deframer",
    "DeframerStats",
    "Discretes",
    "EngineCmd",
    "Event",
    "FieldRangeError",
    "Frame",
    "FrameError",
    "Framer",
    "FswStatus",
    "Imu",
    "ImuStatus",
    "Lrf",
    "LrfStatus",
    "NavFlags",
    "Packet",
    "PacketError",
    "PacketType",
    "Ping",
    "Pong",
    "Rejection",
    "Severity",
    "StateInit",
    "Sync",
    "UnknownPacketError",
    "Velocimeter",
    "apid_of",
    "codec_for",
    "crc16",
    "cuc_from_us",
    "cuc_to_s",
    "cuc_to_us",
    "decode",
    "encode",
    "idle_frame",
]
