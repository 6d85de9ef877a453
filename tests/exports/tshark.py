"""Run Debian's tshark with the generated dissector and read its ``-T fields`` output, and
compare what it shows of a packet with what ``lunar-hil decode`` printed for it."""

from __future__ import annotations

import math
import struct
import subprocess
from pathlib import Path
from typing import Any

from packets import SPECS
from packets.export.fields import LAYOUTS
from packets.export.wireshark import abbrev
from tests.system_tools import require_tool

HEADER_FIELDS = [
    "frame.interface_name",
    "lunarhil.name",
    "lunarhil.apid",
    "lunarhil.type",
    "lunarhil.seq_count",
    "lunarhil.cuc.coarse",
    "lunarhil.cuc.fine",
    "lunarhil.pec_ok",
    "lunarhil.skipped",
    "_ws.expert.message",
]
#: every field of every APID, by packet name: (ICD field name, tshark field name)
PACKET_FIELDS = {
    layout.name: [(f.name, abbrev(layout, f)) for f in layout.fields] for layout in LAYOUTS
}
ALL_FIELDS = HEADER_FIELDS + [ab for fields in PACKET_FIELDS.values() for _, ab in fields]


def tshark_fields(pcapng: Path, lua: Path, fields: list[str] = ALL_FIELDS) -> list[dict[str, str]]:
    """One dict per record: field name -> tshark's text ('' when the record has none)."""
    exe = require_tool("tshark", "tshark")
    cmd = [exe, "-n", "-r", str(pcapng), "-X", f"lua_script:{lua}", "-T", "fields"]
    cmd += ["-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for name in fields:
        cmd += ["-e", name]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    problems = [
        line
        for line in proc.stderr.splitlines()
        if line.strip() and "Running as user" not in line and "could be dangerous" not in line
    ]
    assert not problems, "tshark (or the Lua dissector) complained:\n" + "\n".join(problems)
    return [dict(zip(fields, line.split("\t"), strict=True)) for line in proc.stdout.splitlines()]


def f32(x: float) -> float:
    """The binary32 value nearest to ``x`` (NaN and infinities kept)."""
    return float(struct.unpack(">f", struct.pack(">f", x))[0])


def same_value(shown: str, value: Any) -> bool:
    if isinstance(value, float):
        got = float(shown)
        if math.isnan(value):
            return math.isnan(got)
        return f32(got) == value
    return bool(int(shown, 0) == value)


def lunarhil_experts(row: dict[str, str]) -> list[str]:
    """The dissector's expert messages of a record (the packet comment is one too: dropped)."""
    return [m for m in row["_ws.expert.message"].split("|") if m and not m.startswith("sim_us=")]


def mismatches(row: dict[str, str], obj: dict[str, Any]) -> list[str]:
    """Where tshark's view of a record differs from decode's object for the same packet."""
    out = []
    spec = SPECS[obj["apid"]]
    expect = {
        "frame.interface_name": obj["dir"],
        "lunarhil.name": obj["name"],
        "lunarhil.apid": obj["apid"],
        "lunarhil.type": int(spec.type),
        "lunarhil.seq_count": obj["seq"],
    }
    for key, value in expect.items():
        ok = row[key] == value if isinstance(value, str) else same_value(row[key], value)
        if not ok:
            out.append(f"{key}: tshark {row[key]!r}, decode {value!r}")
    cuc = (int(row["lunarhil.cuc.coarse"]) << 16) | int(row["lunarhil.cuc.fine"])
    if cuc / 65536 != obj["time_s"]:
        out.append(f"time: tshark {cuc / 65536!r}, decode {obj['time_s']!r}")
    for name, ab in PACKET_FIELDS[obj["name"]]:
        value = obj["fields"][name]
        if not same_value(row[ab], value):
            out.append(f"{obj['name']}.{name}: tshark {row[ab]!r}, decode {value!r}")
    return out
