"""Differential: the C core (double) and the Python stub fed the same random sessions --
any valid H2F packets, any values, time moving on by random steps, SYNCs among them,
bytes in random chunks -- answer byte for byte the same. Where the scenarios are
plausible flights, these are not: huge uploaded altitudes, absurd IMU intervals,
rotating quaternions, contact kilometres up, values that overflow an f32 (the stub's
exception path, EVENT 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fsw_stub.core import FlightSoftware, load_config
from packets import (
    Apid,
    Deframer,
    EngineCmd,
    Framer,
    Imu,
    Ping,
    StateInit,
    Sync,
)
from packets.strategies import chunked, packets_of

pytestmark = pytest.mark.usefixtures("c_library")
EXAMPLE = Path(__file__).resolve().parents[3] / "fsw_stub" / "FSW.example.toml"
H2F = [Apid.PING, Apid.STATE_INIT, Apid.IMU, Apid.LRF, Apid.ATTITUDE, Apid.VELOCIMETER,
       Apid.DISCRETES]  # fmt: skip
#: a flight-like start so the sessions reach the GNC, not only BOOT
PLAUSIBLE_START = [StateInit(3000.0, 0.0, 5.0, -55.0, 600.0, 50.0, 2.0)]


def _session_item() -> st.SearchStrategy[tuple[object, int]]:
    """(packet, microseconds the clock moves on before it): sensors, commands, ticks."""
    step = st.sampled_from([0, 1, 10_000, 50_000, 200_000, 1_000_000, 5_000_000])
    packet = st.one_of(
        [packets_of(a) for a in H2F]
        + [st.builds(Sync, st.integers(0, 2**32 - 1), st.just(50_000))] * 3
    )
    return st.tuples(packet, step)


def _feed(
    items: list[tuple[object, int]], profile: str, cuts: list[int], tmp: Path
) -> tuple[list[bytes], list[bytes]]:
    from fsw_stub.firmware.lib import CFlightSoftware

    cfg = tmp / f"FSW-{profile}.toml"
    cfg.write_text(EXAMPLE.read_text().replace('profile = "robust"', f'profile = "{profile}"'))
    py, c = FlightSoftware(load_config(cfg)), CFlightSoftware(cfg)
    framer = Framer()
    t_us = 0
    stream = framer.encode(Ping(1), 0)
    for packet, dt in [(p, 0) for p in PLAUSIBLE_START] + items:
        t_us += dt
        stream += framer.encode(packet, (t_us * 65536 + 500_000) // 1_000_000)  # type: ignore[arg-type]
    chunks = chunked(stream, cuts)
    return [py.receive(x) for x in chunks], [c.receive(x) for x in chunks]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_session_item(), min_size=1, max_size=60),
    st.sampled_from(["naive", "robust"]),
    st.lists(st.integers(0, 5000), max_size=12),
)
@example(  # an altitude too large for an f32 once propagated: the stub's exception path
    [(StateInit(3.4e38, 0.0, 0.0, 3.0e38, 1.0, 1.0, 1.0), 0),
     (Imu(1e30, 0.0, 0.0, 0.0, 0.0, 0.0, 500_000, 1), 100_000),
     (Sync(1, 50_000), 0)],
    "robust",
    [],
)  # fmt: skip
def test_c_core_answers_random_sessions_as_the_stub_does(
    tmp_path_factory: pytest.TempPathFactory,
    items: list[tuple[object, int]],
    profile: str,
    cuts: list[int],
) -> None:
    py, c = _feed(items, profile, cuts, tmp_path_factory.getbasetemp())
    for i, (a, b) in enumerate(zip(py, c, strict=True)):
        assert a == b, (i, Deframer().feed(a), Deframer().feed(b))


def test_an_f32_overflow_takes_the_stubs_exception_path(tmp_path: Path) -> None:
    """An altitude estimate beyond an f32: the stub's status cannot be encoded, so its
    exception path answers the SYNC with ENGINE_CMD(off) alone; so does the C core."""
    items: list[tuple[object, int]] = [
        (StateInit(3.4e38, 0.0, 0.0, 3.0e38, 1.0, 1.0, 1.0), 0),
        (Imu(3e38, 0.0, 0.0, 0.0, 0.0, 0.0, 500_000, 1), 100_000),
        (Sync(1, 50_000), 0),
    ]
    py, c = _feed(items, "robust", [], tmp_path)
    assert py == c
    frames = Deframer().feed(b"".join(c))
    assert [f.apid for f in frames] == [Apid.PONG, Apid.ENGINE_CMD]
    assert frames[-1].packet == EngineCmd(1, 0, 0.0, 0.0)
