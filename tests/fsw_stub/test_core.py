"""The byte interface: lockstep answers (ICD §4), PING/PONG, engine off before STATE_INIT."""

from __future__ import annotations

from fsw_stub.core import FlightSoftware
from fsw_stub.telemetry import EventCode, Phase
from packets import (
    Apid,
    Deframer,
    Discretes,
    Framer,
    Imu,
    Ping,
    StateInit,
    Sync,
    cuc_from_us,
    encode,
)

from .conftest import config

INIT = StateInit(3000.0, 0.0, 5.0, -55.0, 600.0, 50.0, 2.0)


def frames(data: bytes) -> list:
    return Deframer().feed(data)


def sync(fr: Framer, k: int) -> bytes:
    return fr.encode(Sync(k, 50_000), cuc_from_us(k * 50_000))


def test_ping_is_answered_at_once_with_the_frame_count() -> None:
    fsw = FlightSoftware(config())
    out = frames(fsw.receive(encode(Ping(0xDEADBEEF), cuc=5)))
    assert [f.apid for f in out] == [Apid.PONG]
    assert out[0].packet.nonce == 0xDEADBEEF and out[0].packet.rx_frames == 1


def test_before_state_init_sync_is_answered_with_engine_off() -> None:
    fsw = FlightSoftware(config())
    fr = Framer()
    for k in range(3):
        out = frames(fsw.receive(sync(fr, k)))
        assert out[-1].apid == Apid.ENGINE_CMD
        cmd = out[-1].packet
        assert (cmd.tick, cmd.engine_on, cmd.throttle) == (k, 0, 0.0)
        status = [f for f in out if f.apid == Apid.FSW_STATUS]
        assert len(status) == 1 and status[0].packet.phase == Phase.BOOT


def test_exactly_one_engine_cmd_per_sync_and_it_is_last() -> None:
    fsw = FlightSoftware(config("naive"))
    fr = Framer()
    fsw.receive(fr.encode(INIT, 0))
    for k in range(1, 40):
        t = k * 50_000
        data = b"".join(
            fr.encode(Imu(0.0, 0.0, 0.0, 0, 0, 0, 10_000, 1), cuc_from_us(t - 40_000 + i * 10_000))
            for i in range(5)
        )
        data += fr.encode(Discretes(0), cuc_from_us(t)) + sync(fr, k)
        out = frames(fsw.receive(data))
        kinds = [f.apid for f in out]
        assert kinds.count(Apid.ENGINE_CMD) == 1 and kinds[-1] == Apid.ENGINE_CMD
        assert kinds.count(Apid.FSW_STATUS) == 1 and kinds[-2] == Apid.FSW_STATUS
        assert set(kinds[:-2]) <= {Apid.EVENT}
        assert out[-1].packet.tick == k and out[-1].cuc == cuc_from_us(t)
        assert out[-1].packet.engine_on == 1
        assert 0.15 <= out[-1].packet.throttle <= 1.0


def test_events_report_state_init_and_phase_change() -> None:
    fsw = FlightSoftware(config())
    fr = Framer()
    out = frames(fsw.receive(fr.encode(INIT, 0) + sync(fr, 0)))
    codes = [f.packet.code for f in out if f.apid == Apid.EVENT]
    assert EventCode.STATE_INIT in codes and EventCode.PHASE_CHANGE in codes
    assert out[-2].packet.phase == Phase.DESCENT


def test_byte_by_byte_feeding_gives_the_same_answer() -> None:
    fr = Framer()
    stream = fr.encode(INIT, 0) + encode(Ping(1), cuc=0) + sync(fr, 0) + sync(fr, 1)
    whole = FlightSoftware(config()).receive(stream)
    fsw = FlightSoftware(config())
    trickled = b"".join(fsw.receive(stream[i : i + 1]) for i in range(len(stream)))
    assert trickled == whole


def test_bad_frames_are_counted_and_the_last_state_kept() -> None:
    fsw = FlightSoftware(config())
    fr = Framer()
    fsw.receive(fr.encode(INIT, 0))
    good = sync(fr, 0)
    bad_crc = good[:-1] + bytes([good[-1] ^ 1])
    nan_imu = fr.encode(Imu(float("nan"), 0, 0, 0, 0, 0, 10_000, 1), 0, check=False)
    out = frames(fsw.receive(b"\x00junk" + bad_crc + nan_imu + sync(fr, 1)))
    st = out[-2].packet
    assert st.rx_crc_errors == 1 and st.rx_rejected == 1 and st.rx_skipped_bytes >= 5
    assert st.est_alt_m == INIT.alt_m  # nothing was integrated from the bad frames
