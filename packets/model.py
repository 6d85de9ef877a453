"""Typed, immutable packet objects, one per APID, with the ICD's field names.

They are ``NamedTuple``s: immutable, typed, and cheap to build (the deframer makes
hundreds of thousands a second). Their field order is the wire order; a test proves
it equal to the construct definitions in ``packets.icd``.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

from packets.icd import Apid


class Sync(NamedTuple):
    """0x010 SYNC (TC, H->F): run one control cycle for tick k and answer it."""

    tick: int
    period_us: int


class Ping(NamedTuple):
    """0x011 PING (TC, H->F)."""

    nonce: int


class StateInit(NamedTuple):
    """0x012 STATE_INIT (TC, H->F): the initial navigation estimate."""

    alt_m: float
    x_m: float
    vx_mps: float
    vz_mps: float
    mass_kg: float
    sigma_alt_m: float
    sigma_v_mps: float


class Imu(NamedTuple):
    """0x100 IMU (TM, H->F): incremental dv and dtheta over one interval, body frame."""

    dv_x: float
    dv_y: float
    dv_z: float
    dth_x: float
    dth_y: float
    dth_z: float
    interval_us: int
    status: int


class Lrf(NamedTuple):
    """0x101 LRF (TM, H->F): one slant-range measurement along the boresight."""

    range_m: float
    status: int
    quality: int
    meas_id: int


class Attitude(NamedTuple):
    """0x102 ATTITUDE (TM, H->F): star-tracker quaternion, body to world, scalar first."""

    q_w: float
    q_x: float
    q_y: float
    q_z: float
    status: int


class Velocimeter(NamedTuple):
    """0x103 VELOCIMETER (TM, H->F): Doppler velocity, world frame."""

    vx_mps: float
    vy_mps: float
    vz_mps: float
    status: int


class Discretes(NamedTuple):
    """0x104 DISCRETES (TM, H->F)."""

    flags: int
    reserved: int = 0


class EngineCmd(NamedTuple):
    """0x200 ENGINE_CMD (TC, F->H): the answer to SYNC(tick), sent last."""

    tick: int
    engine_on: int
    throttle: float
    pitch_cmd_rad: float


class FswStatus(NamedTuple):
    """0x300 FSW_STATUS (TM, F->H)."""

    tick: int
    phase: int
    nav_flags: int
    est_alt_m: float
    est_vz_mps: float
    est_vx_mps: float
    est_pitch_rad: float
    lrf_accepted: int
    lrf_rejected: int
    rx_frames: int
    rx_crc_errors: int
    rx_skipped_bytes: int
    rx_rejected: int


class Pong(NamedTuple):
    """0x301 PONG (TM, F->H)."""

    nonce: int
    rx_frames: int


class Event(NamedTuple):
    """0x302 EVENT (TM, F->H)."""

    code: int
    severity: int
    value: float


Packet: TypeAlias = (
    Sync
    | Ping
    | StateInit
    | Imu
    | Lrf
    | Attitude
    | Velocimeter
    | Discretes
    | EngineCmd
    | FswStatus
    | Pong
    | Event
)

#: the packet class of each APID, and back
CLASS_OF_APID: dict[int, type[Packet]] = {
    Apid.SYNC: Sync,
    Apid.PING: Ping,
    Apid.STATE_INIT: StateInit,
    Apid.IMU: Imu,
    Apid.LRF: Lrf,
    Apid.ATTITUDE: Attitude,
    Apid.VELOCIMETER: Velocimeter,
    Apid.DISCRETES: Discretes,
    Apid.ENGINE_CMD: EngineCmd,
    Apid.FSW_STATUS: FswStatus,
    Apid.PONG: Pong,
    Apid.EVENT: Event,
}
APID_OF_CLASS: dict[type[Packet], Apid] = {c: Apid(a) for a, c in CLASS_OF_APID.items()}


def apid_of(packet: Packet) -> Apid:
    """The APID a packet object is sent under."""
    return APID_OF_CLASS[type(packet)]
