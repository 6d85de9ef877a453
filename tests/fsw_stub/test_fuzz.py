"""Fuzzing the byte interface: mutated streams never raise, PING is always answered
afterwards, and the counters account for what was rejected."""

from __future__ import annotations

import numpy as np
import pytest

from fsw_stub.core import FlightSoftware
from packets import Apid, Deframer, Ping, cuc_from_us, encode
from packets.mutations import CORRUPTIONS, corrupt

from .conftest import config
from .icd_plant import IcdPlant, PlantOptions

_CORRUPTIONS = sorted(CORRUPTIONS)


@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_mutated_flight_stream_never_raises_and_pongs(profile: str) -> None:
    rng = np.random.default_rng(11)

    def pick(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi + 1))

    plant = IcdPlant(PlantOptions(seed=5))
    fsw = FlightSoftware(config(profile))
    fsw.receive(plant.boot_bytes())
    rx = Deframer()
    mutated = sent = 0
    for k in range(400):  # ~ 400 ticks x ~10 frames = thousands of frames
        data = plant.advance_to(k * 50_000) + plant.discretes_and_sync(k, 50_000)
        pieces = []
        d = Deframer()
        for f in d.feed(data):
            sent += 1
            raw = plant.framer.encode(f.packet, f.cuc)
            if rng.random() < 0.3:
                raw = corrupt(_CORRUPTIONS[pick(0, len(_CORRUPTIONS) - 1)], raw, pick)
                mutated += 1
            pieces.append(raw)
        stream = b"".join(pieces)
        cuts = sorted(int(c) for c in rng.integers(0, len(stream) + 1, 3))
        out = b""
        for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True):
            out += fsw.receive(stream[a:b])
        out += fsw.receive(plant.framer.encode(Ping(k), cuc_from_us(k * 50_000)))
        answers = rx.feed(out)
        pongs = [f.packet.nonce for f in answers if f.apid == Apid.PONG]
        assert pongs[-1:] == [k]  # answered, even straight after garbage
        cmds = [f for f in answers if f.apid == Apid.ENGINE_CMD]
        for c in cmds:
            assert 0.0 <= c.packet.throttle <= 1.0
        if cmds:
            plant.command(
                cmds[-1].packet.engine_on, cmds[-1].packet.throttle, cmds[-1].packet.pitch_cmd_rad
            )
        if plant.touchdown is not None:
            break
    st = fsw.deframer.stats
    assert sent > 3000 and mutated > 900
    assert fsw.internal_faults == 0
    lost = st.crc_errors + st.rejected
    assert lost > 0 and st.skipped_bytes > 0
    # every byte fed is in an accepted frame, counted as skipped, or still pending
    assert st.bytes_in_frames + st.skipped_bytes + fsw.deframer.pending == fsw.deframer.bytes_fed


def test_named_mutations_from_packets_strategies() -> None:
    """packets.strategies' damaged streams: the stub recovers exactly the intact frames."""
    strategies = pytest.importorskip("packets.strategies")
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategies.damaged_streams(max_frames=40))
    def check(ds: object) -> None:
        fsw = FlightSoftware(config())
        fsw.receive(ds.data)  # type: ignore[attr-defined]
        fsw.receive(b"\x00" * 1100)  # resolve any pending candidate
        assert fsw.deframer.stats.frames == len(ds.intact)  # type: ignore[attr-defined]
        pong = Deframer().feed(fsw.receive(encode(Ping(77), cuc=0)))
        assert [f.packet.nonce for f in pong if f.apid == Apid.PONG] == [77]
        assert fsw.internal_faults == 0

    check()
