"""ICD v1 as construct definitions: the single source of truth for every byte on the link.

Each APID's user data is one construct ``Struct`` whose subcons carry the ICD field name,
the wire type and the ICD's meaning (as construct docs). Everything else -- the typed
packet classes' field order, the fast ``struct`` codec, value-range checks, the generated
protocol reference -- is derived from or tested against these definitions.

One thing, ~490 lines: the whole ICD in one file, every packet's definition beside the
others, as the ICD document has them.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeAlias

from construct import (
    BitsInteger,
    BitStruct,
    Bytes,
    Checksum,
    Const,
    Construct,
    Float32b,
    Int8ub,
    Int16ub,
    Int32ub,
    RawCopy,
    Struct,
    Switch,
    this,
)

#: CCSDS attached sync marker in front of every packet.
ASM = b"\x1a\xcf\xfc\x1d"
ASM_LEN = 4
PRIMARY_HEADER_LEN = 6
SECONDARY_HEADER_LEN = 6
PEC_LEN = 2
#: bytes of a frame that are not user data: ASM + headers + PEC
FRAME_OVERHEAD = ASM_LEN + PRIMARY_HEADER_LEN + SECONDARY_HEADER_LEN + PEC_LEN
#: maximum total *packet* length (primary header to PEC inclusive), ICD §2 rule 1
MAX_PACKET_LEN = 1024
MAX_FRAME_LEN = ASM_LEN + MAX_PACKET_LEN
SEQ_MODULO = 1 << 14
#: CUC fine time units per second (2^16)
CUC_FINE_PER_S = 1 << 16
#: CRC-16/CCITT-FALSE: polynomial, initial value, final XOR (no reflection either way) and
#: check value crc(b"123456789"); ``crc16`` computes it
CRC_POLY = 0x1021
CRC_INIT = 0xFFFF
CRC_FINAL_XOR = 0x0000
CRC_CHECK_VALUE = 0x29B1


def crc16(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR)."""
    return binascii.crc_hqx(data, 0xFFFF)


class Apid(IntEnum):
    """Application process identifiers (ICD §3)."""

    SYNC = 0x010
    PING = 0x011
    STATE_INIT = 0x012
    IMU = 0x100
    LRF = 0x101
    ATTITUDE = 0x102
    VELOCIMETER = 0x103
    DISCRETES = 0x104
    ENGINE_CMD = 0x200
    FSW_STATUS = 0x300
    PONG = 0x301
    EVENT = 0x302
    IDLE = 0x7FF


class PacketType(IntEnum):
    """Primary-header packet type bit."""

    TM = 0
    TC = 1


class Direction(IntEnum):
    """Who sends an APID: harness to FSW or FSW to harness."""

    H2F = 0
    F2H = 1


class LrfStatus(IntEnum):
    """LRF status bits (ICD 0x101)."""

    VALID = 0x01
    NO_RETURN = 0x02
    ACQUIRING = 0x04
    SELF_TEST_FAULT = 0x08


class ImuStatus(IntEnum):
    """IMU status bits (ICD 0x100)."""

    VALID = 0x01
    SATURATED = 0x02


class AttitudeStatus(IntEnum):
    """ATTITUDE status bits (ICD 0x102)."""

    VALID = 0x01


class VelocimeterStatus(IntEnum):
    """VELOCIMETER status bits (ICD 0x103)."""

    VALID = 0x01


class DiscretesFlags(IntEnum):
    """DISCRETES flags bits (ICD 0x104)."""

    CONTACT = 0x01


class NavFlags(IntEnum):
    """FSW_STATUS nav_flags bits (ICD 0x300)."""

    LRF_ACCEPTED = 0x01
    LRF_REJECTED = 0x02
    LRF_FAILED = 0x04
    LRF_STALE = 0x08
    FALLBACK = 0x10


class EngineState(IntEnum):
    """ENGINE_CMD engine_on values (ICD 0x200)."""

    OFF = 0
    ON = 1


class Severity(IntEnum):
    """EVENT severity values (ICD 0x302)."""

    INFO = 0
    WARNING = 1
    ERROR = 2


# --- primary and secondary headers -------------------------------------------------

PrimaryHeader = BitStruct(
    "version" / BitsInteger(3) * "packet version number, 0",
    "type" / BitsInteger(1) * "0 = TM, 1 = TC",
    "sec_hdr_flag" / BitsInteger(1) * "1 (0 only for idle packets)",
    "apid" / BitsInteger(11) * "application process identifier",
    "seq_flags" / BitsInteger(2) * "3 (unsegmented)",
    "seq_count" / BitsInteger(14) * "per sender, per APID, wraps 16383 -> 0",
    "data_length" / BitsInteger(16) * "(octets in secondary header + user data + PEC) - 1",
)

SecondaryHeader = Struct(
    "coarse" / Int32ub * "whole seconds since the scenario epoch",
    "fine" / Int16ub * "fraction of a second in units of 2^-16 s",
)


# --- user data per APID ---------------------------------------------------------

SyncData = Struct(
    "tick" / Int32ub * "control tick index k, from 0",
    "period_us" / Int32ub * "control period in us",
)
PingData = Struct("nonce" / Int32ub * "echoed in PONG")
StateInitData = Struct(
    "alt_m" / Float32b * "estimated altitude above the local terrain datum under the vehicle, m",
    "x_m" / Float32b * "estimated downrange position, m",
    "vx_mps" / Float32b * "estimated horizontal velocity (+downrange), m/s",
    "vz_mps" / Float32b * "estimated vertical velocity (+up), m/s",
    "mass_kg" / Float32b * "estimated current mass, kg",
    "sigma_alt_m" / Float32b * "1-sigma uncertainty of alt_m",
    "sigma_v_mps" / Float32b * "1-sigma uncertainty of each velocity",
)
ImuData = Struct(
    "dv_x" / Float32b * "integrated specific force over the interval, body X, m/s",
    "dv_y" / Float32b * "integrated specific force over the interval, body Y, m/s",
    "dv_z" / Float32b * "integrated specific force over the interval, body Z, m/s",
    "dth_x" / Float32b * "integrated angular rate over the interval, body X, rad",
    "dth_y" / Float32b * "integrated angular rate over the interval, body Y, rad",
    "dth_z" / Float32b * "integrated angular rate over the interval, body Z, rad",
    "interval_us" / Int32ub * "integration interval, us",
    "status" / Int8ub * "bit0 valid, bit1 saturated; other bits 0",
)
LrfData = Struct(
    "range_m" / Float32b * "slant range along the boresight, m (0 when not valid)",
    "status"
    / Int8ub
    * "bit0 valid, bit1 no_return, bit2 acquiring, bit3 self-test fault; other bits 0",
    "quality" / Int8ub * "return signal strength, 0-255",
    "meas_id" / Int16ub * "measurement counter, +1 per measurement (wraps)",
)
AttitudeData = Struct(
    "q_w" / Float32b * "unit quaternion scalar part (body to world)",
    "q_x" / Float32b * "unit quaternion x",
    "q_y" / Float32b * "unit quaternion y",
    "q_z" / Float32b * "unit quaternion z",
    "status" / Int8ub * "bit0 valid; other bits 0",
)
VelocimeterData = Struct(
    "vx_mps" / Float32b * "velocity in the world frame, x, m/s",
    "vy_mps" / Float32b * "velocity in the world frame, y, m/s",
    "vz_mps" / Float32b * "velocity in the world frame, z, m/s",
    "status" / Int8ub * "bit0 valid; other bits 0",
)
DiscretesData = Struct(
    "flags" / Int8ub * "bit0 contact probe touched the surface; other bits 0",
    "reserved" / Int8ub * "0",
)
EngineCmdData = Struct(
    "tick" / Int32ub * "the SYNC tick this answers",
    "engine_on" / Int8ub * "0 off, 1 on",
    "throttle" / Float32b * "fraction of maximum thrust, [0, 1]",
    "pitch_cmd_rad"
    / Float32b
    * "commanded thrust-axis tilt from local vertical, rad, + toward +downrange",
)
FswStatusData = Struct(
    "tick" / Int32ub * "tick answered",
    "phase" / Int8ub * "FSW-defined phase number",
    "nav_flags"
    / Int8ub
    * "bit0 LRF accepted this tick, bit1 rejected, bit2 declared failed (latched),"
    " bit3 stale, bit4 fallback navigation active",
    "est_alt_m" / Float32b * "estimated altitude above terrain, m",
    "est_vz_mps" / Float32b * "estimated vertical velocity, m/s",
    "est_vx_mps" / Float32b * "estimated horizontal velocity, m/s",
    "est_pitch_rad" / Float32b * "estimated thrust-axis tilt, rad",
    "lrf_accepted" / Int16ub * "LRF measurements accepted, total (saturates)",
    "lrf_rejected" / Int16ub * "LRF measurements rejected, total (saturates)",
    "rx_frames" / Int32ub * "frames accepted, total",
    "rx_crc_errors" / Int32ub * "frames rejected for a bad PEC",
    "rx_skipped_bytes" / Int32ub * "bytes skipped while hunting",
    "rx_rejected" / Int32ub * "frames rejected for any other reason (length, range, enum)",
)
PongData = Struct(
    "nonce" / Int32ub * "from the PING",
    "rx_frames" / Int32ub * "as in FSW_STATUS",
)
EventData = Struct(
    "code" / Int16ub * "event code, documented by the FSW",
    "severity" / Int8ub * "0 info, 1 warning, 2 error",
    "value" / Float32b * "event-specific value",
)


#: an enum class of flag bits or of enumerated values (a field named ``type`` shadows ``type``)
EnumClass: TypeAlias = type[IntEnum]


@dataclass(frozen=True)
class PacketSpec:
    """Everything the ICD says about one APID, beside its construct definition."""

    apid: Apid
    name: str
    type: PacketType
    direction: Direction
    data: Struct
    summary: str
    time_meaning: str
    #: inclusive numeric limits beyond "f32 is finite" (ICD §2 rule 5)
    limits: tuple[tuple[str, float, float], ...] = ()
    #: fields that are bit sets, each with the enum of its bits: only these bits may be set
    flags: tuple[tuple[str, EnumClass], ...] = ()
    #: fields whose values are an enumeration (the enum's values are the valid ones)
    enums: tuple[tuple[str, EnumClass], ...] = ()
    #: physical units of the fields that have one (SI symbols, ASCII: ``us`` for microseconds)
    units: tuple[tuple[str, str], ...] = ()

    @property
    def bit_masks(self) -> tuple[tuple[str, int], ...]:
        """Each bit-set field with the mask of the bits that may be set."""
        return tuple((name, _mask_of(bits)) for name, bits in self.flags)

    @property
    def data_len(self) -> int:
        return int(self.data.sizeof())

    @property
    def frame_len(self) -> int:
        return self.data_len + FRAME_OVERHEAD

    @property
    def length_field(self) -> int:
        """The primary header's data length value for this APID."""
        return SECONDARY_HEADER_LEN + self.data_len + PEC_LEN - 1

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(sc.name for sc in self.data.subcons)


def _mask_of(bits: EnumClass) -> int:
    mask = 0
    for bit in bits:
        mask |= int(bit)
    return mask


SPECS: dict[int, PacketSpec] = {
    s.apid: s
    for s in (
        PacketSpec(
            Apid.SYNC,
            "SYNC",
            PacketType.TC,
            Direction.H2F,
            SyncData,
            "Every sensor frame due by t_k has been sent; run one control cycle for tick k"
            " and answer it.",
            "t_k, the tick's sim time",
            limits=(("period_us", 1, 2**32 - 1),),
            units=(("period_us", "us"),),
        ),
        PacketSpec(
            Apid.PING,
            "PING",
            PacketType.TC,
            Direction.H2F,
            PingData,
            "Liveness probe; answered by PONG.",
            "send time",
        ),
        PacketSpec(
            Apid.STATE_INIT,
            "STATE_INIT",
            PacketType.TC,
            Direction.H2F,
            StateInitData,
            "The ground's state-vector upload before the descent: the FSW's initial"
            " navigation estimate.",
            "epoch of the state vector",
            limits=(("mass_kg", 0.0, 1e7), ("sigma_alt_m", 0.0, 1e7), ("sigma_v_mps", 0.0, 1e5)),
            units=(
                ("alt_m", "m"),
                ("x_m", "m"),
                ("vx_mps", "m/s"),
                ("vz_mps", "m/s"),
                ("mass_kg", "kg"),
                ("sigma_alt_m", "m"),
                ("sigma_v_mps", "m/s"),
            ),
        ),
        PacketSpec(
            Apid.IMU,
            "IMU",
            PacketType.TM,
            Direction.H2F,
            ImuData,
            "Incremental IMU output over one interval, body frame.",
            "end of the integration interval",
            flags=(("status", ImuStatus),),
            units=(
                ("dv_x", "m/s"),
                ("dv_y", "m/s"),
                ("dv_z", "m/s"),
                ("dth_x", "rad"),
                ("dth_y", "rad"),
                ("dth_z", "rad"),
                ("interval_us", "us"),
            ),
        ),
        PacketSpec(
            Apid.LRF,
            "LRF",
            PacketType.TM,
            Direction.H2F,
            LrfData,
            "Laser rangefinder, one measurement along its boresight.",
            "acquisition time as the sensor stamps it",
            limits=(("range_m", 0.0, 1e7),),
            flags=(("status", LrfStatus),),
            units=(("range_m", "m"),),
        ),
        PacketSpec(
            Apid.ATTITUDE,
            "ATTITUDE",
            PacketType.TM,
            Direction.H2F,
            AttitudeData,
            "Star tracker attitude solution, unit quaternion, body to world.",
            "acquisition time",
            limits=(("q_w", -1.0, 1.0), ("q_x", -1.0, 1.0), ("q_y", -1.0, 1.0), ("q_z", -1.0, 1.0)),
            flags=(("status", AttitudeStatus),),
        ),
        PacketSpec(
            Apid.VELOCIMETER,
            "VELOCIMETER",
            PacketType.TM,
            Direction.H2F,
            VelocimeterData,
            "Doppler velocimeter solution (optional sensor).",
            "acquisition time",
            flags=(("status", VelocimeterStatus),),
            units=(("vx_mps", "m/s"), ("vy_mps", "m/s"), ("vz_mps", "m/s")),
        ),
        PacketSpec(
            Apid.DISCRETES,
            "DISCRETES",
            PacketType.TM,
            Direction.H2F,
            DiscretesData,
            "Discrete inputs.",
            "sample time",
            limits=(("reserved", 0, 0),),
            flags=(("flags", DiscretesFlags),),
        ),
        PacketSpec(
            Apid.ENGINE_CMD,
            "ENGINE_CMD",
            PacketType.TC,
            Direction.F2H,
            EngineCmdData,
            "The FSW's engine command for one tick; sent last in its answer.",
            "t_k of the tick answered",
            limits=(("engine_on", 0, 1), ("throttle", 0.0, 1.0)),
            enums=(("engine_on", EngineState),),
            units=(("pitch_cmd_rad", "rad"),),
        ),
        PacketSpec(
            Apid.FSW_STATUS,
            "FSW_STATUS",
            PacketType.TM,
            Direction.F2H,
            FswStatusData,
            "The FSW's navigation state and link counters for one tick.",
            "t_k of the tick answered",
            flags=(("nav_flags", NavFlags),),
            units=(
                ("est_alt_m", "m"),
                ("est_vz_mps", "m/s"),
                ("est_vx_mps", "m/s"),
                ("est_pitch_rad", "rad"),
            ),
        ),
        PacketSpec(
            Apid.PONG,
            "PONG",
            PacketType.TM,
            Direction.F2H,
            PongData,
            "Answer to PING.",
            "send time",
        ),
        PacketSpec(
            Apid.EVENT,
            "EVENT",
            PacketType.TM,
            Direction.F2H,
            EventData,
            "An FSW event (phase change, LRF acquired/rejected/latched, ...).",
            "event time",
            limits=(("severity", 0, 2),),
            enums=(("severity", Severity),),
        ),
    )
}


def _user_data() -> Construct:
    """User data by APID; an unknown APID's data are raw bytes sized by the length field."""
    return Switch(
        this.primary.apid,
        {apid: spec.data for apid, spec in SPECS.items()},
        default=Bytes(this.primary.data_length + 1 - SECONDARY_HEADER_LEN - PEC_LEN),
    )


#: The space packet without its PEC: primary header, CUC time, user data.
SpacePacket = Struct(
    "primary" / PrimaryHeader,
    "secondary" / SecondaryHeader,
    "data" / _user_data(),
)

#: One frame on the byte stream -- ASM, space packet, PEC -- as construct parses and
#: builds it. The reference codec that the fast path in ``packets.codec`` must match.
FrameStruct = Struct(
    "asm" / Const(ASM),
    "packet" / RawCopy(SpacePacket),
    "pec" / Checksum(Int16ub, crc16, this.packet.data),
)
