"""The generated dissector under tshark on records chosen to cover it: one packet of every
APID (fields equal to our decoder's), flag bits, and the expert info for a value out of
range, a bad PEC, a header that does not fit its APID, an unknown APID and skipped bytes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from harness.commands.decode import frame_object
from harness.pcapng.blocks import LINKTYPE_USER0, Interface, PcapngWriter
from packets import (
    Attitude,
    Discretes,
    EngineCmd,
    Event,
    Framer,
    FswStatus,
    Imu,
    Lrf,
    Packet,
    Ping,
    Pong,
    StateInit,
    Sync,
    Velocimeter,
    decode,
    encode,
)
from packets.codec import idle_frame
from packets.export.wireshark import dissector_source
from packets.strategies import bad_crc, wrong_apid, wrong_version
from tests.exports.tshark import lunarhil_experts, mismatches, tshark_fields

H2F_PACKETS: list[Packet] = [
    Sync(7, 50_000),
    Ping(0xDEADBEEF),
    StateInit(3000.0, -12.5, 1.25, -60.0, 1050.0, 50.0, 2.0),
    Imu(0.0162, -1e-6, 3.5e-7, 1e-9, -2.5e-4, 0.0, 10_000, 3),
    Lrf(2985.25, 0x05, 200, 65535),
    Attitude(0.70710677, 0.0, -0.70710677, 0.0, 1),
    Velocimeter(1.5, -2.25, -60.0, 1),
    Discretes(1, 0),
]
F2H_PACKETS: list[Packet] = [
    EngineCmd(7, 1, 0.625, -0.0625),
    FswStatus(7, 3, 0x19, 2999.5, -59.75, 1.5, 0.02, 65535, 3, 4_000_000_000, 1, 2, 3),
    Pong(0xDEADBEEF, 42),
    Event(513, 2, -1.5),
]


def write_records(path: Path, records: list[tuple[int, bytes]]) -> None:
    with path.open("wb") as fh:
        w = PcapngWriter(
            fh,
            [Interface(LINKTYPE_USER0, "H2F"), Interface(LINKTYPE_USER0, "F2H")],
            user_appl="lunar-hil tests",
        )
        for i, (direction, data) in enumerate(records):
            w.write(direction, 10**18 + i, data, comment=f"sim_us={i} frame")


@pytest.fixture(scope="module")
def lua(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lua") / "lunar_hil.lua"
    path.write_text(dissector_source(), encoding="utf-8")
    return path


def test_tshark_shows_every_field_of_every_apid_as_our_decoder(lua: Path, tmp_path: Path) -> None:
    h2f, f2h = Framer(), Framer()
    records = [(0, h2f.encode(p, 0x0001_8000 + i)) for i, p in enumerate(H2F_PACKETS)]
    records += [(1, f2h.encode(p, 0x0002_0000 + i)) for i, p in enumerate(F2H_PACKETS)]
    write_records(tmp_path / "all.pcapng", records)
    rows = tshark_fields(tmp_path / "all.pcapng", lua)
    assert len(rows) == len(records) == 12
    for row, (direction, raw) in zip(rows, records, strict=True):
        obj = frame_object(decode(raw)) | {"dir": ("H2F", "F2H")[direction]}
        assert mismatches(row, obj) == [], obj
        assert row["lunarhil.pec_ok"] == "1"
        assert lunarhil_experts(row) == []


def test_tshark_shows_the_flag_bits_by_name(lua: Path, tmp_path: Path) -> None:
    write_records(tmp_path / "lrf.pcapng", [(0, encode(Lrf(1.0, 0x05, 0, 0)))])
    bits = ["valid", "no_return", "acquiring", "self_test_fault"]
    names = [f"lunarhil.lrf.status.{b}" for b in bits]
    (row,) = tshark_fields(tmp_path / "lrf.pcapng", lua, names)
    assert [row[n] for n in names] == ["1", "0", "1", "0"]


BAD = [
    (0, encode(Lrf(-5.0, 1, 0, 0), check=False), "range_m outside [0, 10000000]"),
    (1, encode(EngineCmd(1, 1, 1.5, 0.0), check=False), "throttle outside [0, 1]"),
    (1, encode(EngineCmd(1, 2, 0.5, 0.0), check=False), "engine_on outside [0, 1]"),
    (0, encode(Imu(math.nan, 0, 0, 0, 0, 0, 1, 1), check=False), "dv_x not a finite f32"),
    (0, encode(Lrf(1.0, 0x81, 0, 0), check=False), "status bits outside 0x0F set"),
    (1, encode(Event(1, 7, 0.0), check=False), "severity outside [0, 2]"),
    (0, encode(Sync(1, 0), check=False), "period_us outside [1, 4294967295]"),
    (0, bad_crc(encode(Sync(1, 50_000))), "PEC does not check"),
    (0, wrong_apid(encode(Ping(1)), 0x555), "APID 0x555 is not in ICD v1"),
    (
        0,
        wrong_version(encode(Ping(1)), 1),
        "PING: version, type, flags or length differ from the ICD",
    ),
    (0, b"\x00\x1a\xcf", "3 bytes skipped by the receiver"),
    (0, idle_frame(b"\x00\x00"), None),
]


def test_tshark_marks_what_a_receiver_would_reject_as_expert_info(
    lua: Path, tmp_path: Path
) -> None:
    write_records(tmp_path / "bad.pcapng", [(d, raw) for d, raw, _ in BAD])
    rows = tshark_fields(tmp_path / "bad.pcapng", lua)
    assert len(rows) == len(BAD)
    for row, (_, raw, message) in zip(rows, BAD, strict=True):
        assert lunarhil_experts(row) == ([message] if message else []), raw.hex()
    pec_ok = [row["lunarhil.pec_ok"] for row in rows]
    assert pec_ok[7] == "0" and pec_ok[6] == "1"
    assert rows[10]["lunarhil.skipped"].replace(":", "") == "001acf"
    assert rows[11]["lunarhil.name"] == "IDLE"
