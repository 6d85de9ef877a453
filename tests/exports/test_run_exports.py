"""A real run's capture through the independent readers: its pcapng read by python-pcapng,
framed and decoded by space_packet_parser on the exported XTCE, and dissected by tshark with
the generated Lua dissector -- every field of every packet, both directions, equal to what
``lunar-hil decode`` prints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pcapng as pcapng_oracle
import pytest
import space_packet_parser as spp
from space_packet_parser.generators import ccsds_generator

from harness.runner import RunRequest, run
from packets import SPECS
from tests.exports.tshark import lunarhil_experts, mismatches, tshark_fields
from tests.harness.commands._cli import lunar_hil

ROOT = Path(__file__).resolve().parents[2]
#: a short nominal descent: about 600 frames over both directions
SIM_TIME_S = 3


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "nominal"
    run(
        RunRequest(
            config=ROOT / "hil_configs" / "nominal.toml",
            fsw_kind="memory",
            out=out,
            overrides=(f"run.max_sim_time_s={SIM_TIME_S}",),
            plot=False,
        )
    )
    return out


def decoded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], path: Path
) -> list[dict[str, Any]]:
    assert lunar_hil(monkeypatch, "decode", str(path)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_run_writes_a_pcapng_that_decodes_as_its_capture(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from_pcapng = decoded(monkeypatch, capsys, run_dir / "capture.pcapng")
    assert from_pcapng == decoded(monkeypatch, capsys, run_dir / "capture.lhcap")
    names = {(o["dir"], o["name"]) for o in from_pcapng}
    assert {("H2F", "SYNC"), ("H2F", "LRF"), ("H2F", "IMU"), ("F2H", "ENGINE_CMD")} <= names
    assert len(from_pcapng) > 500


def _streams_by_python_pcapng(path: Path) -> Iterator[tuple[str, bytes, str]]:
    """(interface name, record bytes, comment) of every record, read by python-pcapng."""
    names: list[str] = []
    with path.open("rb") as fh:
        for block in pcapng_oracle.FileScanner(fh):
            if isinstance(block, pcapng_oracle.blocks.InterfaceDescription):
                names.append(block.options["if_name"])
            elif isinstance(block, pcapng_oracle.blocks.EnhancedPacket):
                yield names[block.interface_id], block.packet_data, block.options["opt_comment"]


@pytest.mark.filterwarnings("ignore:Field type should not be:DeprecationWarning")
def test_space_packet_parser_decodes_every_packet_of_the_run_as_decode_does(
    run_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    xtce = tmp_path / "lunar_hil.xtce.xml"
    assert lunar_hil(monkeypatch, "export", "xtce", "-o", str(xtce)) == 0
    definition = spp.load_xtce(xtce)
    records = list(_streams_by_python_pcapng(run_dir / "capture.pcapng"))
    assert all(comment.endswith(" frame") for _, _, comment in records)  # nothing skipped
    expected = decoded(monkeypatch, capsys, run_dir / "capture.pcapng")
    for direction in ("H2F", "F2H"):
        stream = b"".join(data for name, data, _ in records if name == direction)
        # space_packet_parser frames the stream by the CCSDS length, past each 4-byte ASM
        parsed = [definition.parse_bytes(p) for p in ccsds_generator(stream, skip_header_bytes=4)]
        objs = [o for o in expected if o["dir"] == direction]
        assert len(parsed) == len(objs)
        for got, obj in zip(parsed, objs, strict=True):
            spec = SPECS[obj["apid"]]
            assert got["CCSDS_apid"] == obj["apid"]
            assert got["CCSDS_seq_count"] == obj["seq"]
            assert ((got["CUC_coarse"] << 16) | got["CUC_fine"]) / 65536 == obj["time_s"]
            for name, value in obj["fields"].items():
                param = got[f"{spec.name}_{name}"]
                assert getattr(param, "raw_value", param) == value, (obj, name)


def test_tshark_with_the_generated_dissector_shows_every_packet_as_decode_does(
    run_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lua = tmp_path / "lunar_hil.lua"
    assert lunar_hil(monkeypatch, "export", "wireshark", "-o", str(lua)) == 0
    rows = tshark_fields(run_dir / "capture.pcapng", lua)
    expected = decoded(monkeypatch, capsys, run_dir / "capture.pcapng")
    assert len(rows) == len(expected)  # no skipped bytes in a nominal run: one frame a record
    for row, obj in zip(rows, expected, strict=True):
        assert mismatches(row, obj) == [], obj
        assert row["lunarhil.pec_ok"] == "1"
        assert lunarhil_experts(row) == []
    assert {r["frame.interface_name"] for r in rows} == {"H2F", "F2H"}
