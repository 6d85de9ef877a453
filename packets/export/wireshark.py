"""A Wireshark dissector in Lua, generated from the construct definitions.

It dissects the records of a lunar-hil pcapng capture (link type ``LINKTYPE_USER0``): a
frame record into ASM, primary header, CUC time, every field of its APID (named, with its
unit, flag bits and enumeration labels) and the PEC, which it checks; a record that is not
a frame is shown as skipped bytes. Range violations, a bad PEC, an unknown APID and skipped
bytes are expert info. Floats are shown as doubles holding the exact binary32 value, so
``tshark -T fields`` prints enough digits to give the f32 back.

The Lua is checked with Debian 12's tshark (Wireshark 4.0, Lua 5.2); its bit operations go
through Wireshark's ``bit`` module, not Lua 5.3 operators. The output is deterministic, and a
test keeps the committed copy equal to it. The module is a little over 300 lines because
the fixed part of the dissector (the CRC and the frame-level code) is a template here, so
the generated file needs nothing beside it.
"""

from __future__ import annotations

from packets.export.fields import F32_MAX, LAYOUTS, PRIMARY_FIELDS, Field, PacketLayout, number
from packets.icd import (
    ASM,
    ASM_LEN,
    CRC_INIT,
    CRC_POLY,
    PEC_LEN,
    PRIMARY_HEADER_LEN,
    SECONDARY_HEADER_LEN,
    Apid,
)

PROTO = "lunarhil"
REGENERATE = "lunar-hil export wireshark -o docs/lunar_hil.lua"
_HEADER_END = ASM_LEN + PRIMARY_HEADER_LEN
_DATA_START = _HEADER_END + SECONDARY_HEADER_LEN
_UINT = {8: "uint8", 16: "uint16", 32: "uint32", 64: "uint64"}
_INT = {8: "int8", 16: "int16", 32: "int32", 64: "int64"}


def _lua_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def abbrev(layout: PacketLayout, f: Field) -> str:
    """The display-filter name of a field: ``lunarhil.lrf.range_m``."""
    return f"{PROTO}.{layout.name.lower()}.{f.name}"


def _var(f: Field) -> str:
    return f"f_{f.qualified}"


def _label(f: Field) -> str:
    return f"{f.name} [{f.unit}]" if f.unit else f.name


def _field_decls(layout: PacketLayout) -> list[str]:
    lines = []
    for f in layout.fields:
        ab, desc = abbrev(layout, f), _lua_str(f.description)
        if f.kind == "float":
            lines.append(
                f"local {_var(f)} = ProtoField.double({_lua_str(ab)}, {_lua_str(_label(f))},"
                f" {desc})"
            )
            continue
        ftype = (_INT if f.kind == "int" else _UINT)[f.size_bits]
        values = "nil"
        if f.enum is not None:
            values = "{" + ", ".join(f"[{int(m)}] = {_lua_str(m.name)}" for m in f.enum) + "}"
        base = "base.HEX" if f.flags is not None else "base.DEC"
        lines.append(
            f"local {_var(f)} = ProtoField.{ftype}({_lua_str(ab)}, {_lua_str(_label(f))},"
            f" {base}, {values}, nil, {desc})"
        )
        for bit in f.flags or ():
            bit_ab = _lua_str(f"{ab}.{bit.name.lower()}")
            lines.append(
                f"local {_var(f)}_{bit.name} = ProtoField.bool({bit_ab}, {_lua_str(bit.name)},"
                f" {f.size_bits}, nil, 0x{int(bit):X})"
            )
    return lines


def _field_vars(layout: PacketLayout) -> list[str]:
    out = []
    for f in layout.fields:
        out.append(_var(f))
        out += [f"{_var(f)}_{bit.name}" for bit in f.flags or ()]
    return out


def _checks(f: Field) -> list[tuple[str, str]]:
    """(Lua condition on ``v`` that is true when the value is invalid, what is wrong)."""
    out: list[tuple[str, str]] = []
    if f.kind == "float":
        out.append(("v ~= v or v == math.huge or v == -math.huge", "not a finite f32"))
    lo_hi = f.valid_range
    if lo_hi is not None and not (f.kind == "float" and lo_hi[1] >= F32_MAX):
        lo, hi = number(lo_hi[0]), number(lo_hi[1])
        out.append((f"v < {lo} or v > {hi}", f"outside [{lo}, {hi}]"))
    if f.mask is not None:
        outside = ~f.mask & ((1 << f.size_bits) - 1)
        out.append((f"bit.band(v, 0x{outside:X}) ~= 0", f"bits outside 0x{f.mask:02X} set"))
    if f.enum is not None and f.valid_range is None:
        allowed = " and ".join(f"v ~= {int(m)}" for m in f.enum)
        out.append((allowed, "not one of its enumeration values"))
    return out


def _dissect_fn(layout: PacketLayout) -> list[str]:
    spec = layout.spec
    lines = [
        f"-- 0x{spec.apid:03X} {spec.name}: {spec.summary}",
        f"local function dissect_{spec.name}(tvb, tree)",
        "  local v, item",
    ]
    for f in layout.fields:
        size = f.size_bits // 8
        rng = f"tvb({ASM_LEN + f.byte_offset}, {size})"
        checks = _checks(f)
        if f.kind == "float":
            lines.append(f"  v = {rng}:float()")
            lines.append(f"  item = tree:add({_var(f)}, {rng}, v)")
        elif checks or f.flags:
            lines.append(f"  v = {rng}:{'int' if f.kind == 'int' else 'uint'}()")
            lines.append(f"  item = tree:add({_var(f)}, {rng})")
        else:
            lines.append(f"  tree:add({_var(f)}, {rng})")
        for bit in f.flags or ():
            lines.append(f"  item:add({_var(f)}_{bit.name}, {rng})")
        for i, (cond, text) in enumerate(checks):
            keyword = "if" if i == 0 else "elseif"
            lines.append(f"  {keyword} {cond} then")
            lines.append(
                f"    item:add_proto_expert_info(e_range, {_lua_str(f.name + ' ' + text)})"
            )
        if checks:
            lines.append("  end")
    lines.append("end")
    return lines


def _table_entry(layout: PacketLayout) -> str:
    s = layout.spec
    return (
        f"  [0x{s.apid:03X}] = {{name = {_lua_str(s.name)}, type = {int(s.type)},"
        f" length = {s.length_field}, dissect = dissect_{s.name}}},"
    )


def _header_field_decls() -> list[str]:
    """The primary header's fields, each a masked uint16 of the header word it sits in."""
    out = []
    for f in PRIMARY_FIELDS:
        if f.name == "data_length":  # a whole word: declared without a mask
            continue
        mask = ((1 << f.size_bits) - 1) << (16 - (f.bit_offset % 16) - f.size_bits)
        base = "base.HEX" if f.name == "apid" else "base.DEC"
        values = {"apid": "apid_names", "type": '{[0] = "TM", [1] = "TC"}'}.get(f.name, "nil")
        out.append(
            f"local f_{f.name} = ProtoField.uint16({_lua_str(PROTO + '.' + f.name)},"
            f" {_lua_str(f.name)}, {base}, {values}, 0x{mask:04X}, {_lua_str(f.description)})"
        )
    return out


def dissector_source() -> str:
    """The whole Lua dissector, ending in one newline."""
    names = ", ".join(f"[0x{p.spec.apid:03X}] = {_lua_str(p.name)}" for p in LAYOUTS)
    names += f', [0x{Apid.IDLE:03X}] = "IDLE"'
    all_vars = [v for p in LAYOUTS for v in _field_vars(p)]
    lines = [
        "-- lunar-hil ICD v1 dissector for Wireshark, generated from the construct definitions",
        f"-- in packets/icd.py; do not edit. Regenerate with `{REGENERATE}`.",
        "-- Use: wireshark -X lua_script:lunar_hil.lua capture.pcapng (or copy it into the",
        "-- personal Lua plugins folder). It dissects link type LINKTYPE_USER0 (147): one record",
        "-- per frame (ASM, CCSDS space packet, CRC-16 PEC) or per run of skipped bytes.",
        "",
        f'local proto = Proto({_lua_str(PROTO)}, "lunar-hil ICD v1")',
        f"local ASM = {_lua_str(ASM.hex().upper())}",
        f"local apid_names = {{{names}}}",
        "",
        f'local f_asm = ProtoField.bytes("{PROTO}.asm", "ASM")',
        f'local f_name = ProtoField.string("{PROTO}.name", "packet")',
        *_header_field_decls(),
        f'local f_data_length = ProtoField.uint16("{PROTO}.data_length", "data_length",'
        ' base.DEC, nil, nil, "(octets in secondary header + user data + PEC) - 1")',
        f'local f_coarse = ProtoField.uint32("{PROTO}.cuc.coarse", "coarse [s]")',
        f'local f_fine = ProtoField.uint16("{PROTO}.cuc.fine", "fine [2^-16 s]")',
        f'local f_time = ProtoField.double("{PROTO}.time_s", "time [s]",'
        ' "CUC time: coarse + fine / 65536")',
        f'local f_data = ProtoField.bytes("{PROTO}.data", "user data")',
        f'local f_pec = ProtoField.uint16("{PROTO}.pec", "PEC", base.HEX)',
        f'local f_pec_ok = ProtoField.bool("{PROTO}.pec_ok", "PEC good")',
        f'local f_skipped = ProtoField.bytes("{PROTO}.skipped", "skipped bytes")',
        "",
    ]
    for layout in LAYOUTS:
        lines += _field_decls(layout)
    lines += [
        "",
        "proto.fields = {",
        "  f_asm, f_name, f_version, f_type, f_sec_hdr_flag, f_apid, f_seq_flags, f_seq_count,",
        "  f_data_length, f_coarse, f_fine, f_time, f_data, f_pec, f_pec_ok, f_skipped,",
    ]
    for i in range(0, len(all_vars), 4):
        lines.append("  " + ", ".join(all_vars[i : i + 4]) + ",")
    lines += [
        "}",
        "",
        f'local e_range = ProtoExpert.new("{PROTO}.range", "value outside its ICD range",'
        " expert.group.PROTOCOL, expert.severity.WARN)",
        f'local e_pec = ProtoExpert.new("{PROTO}.bad_pec", "bad PEC (CRC-16/CCITT-FALSE)",'
        " expert.group.CHECKSUM, expert.severity.ERROR)",
        f'local e_header = ProtoExpert.new("{PROTO}.header", "header does not match the ICD",'
        " expert.group.MALFORMED, expert.severity.ERROR)",
        f'local e_unknown = ProtoExpert.new("{PROTO}.unknown_apid", "APID not in ICD v1",'
        " expert.group.UNDECODED, expert.severity.NOTE)",
        f'local e_skipped = ProtoExpert.new("{PROTO}.skipped_bytes",'
        ' "bytes the receiver skipped while hunting for a frame",'
        " expert.group.SEQUENCE, expert.severity.WARN)",
        "proto.experts = {e_range, e_pec, e_header, e_unknown, e_skipped}",
        "",
        f"-- CRC-16/CCITT-FALSE: poly 0x{CRC_POLY:04X}, init 0x{CRC_INIT:04X}, no reflection,"
        " no final XOR",
        "local crc_table = {}",
        "for i = 0, 255 do",
        "  local c = bit.lshift(i, 8)",
        "  for _ = 1, 8 do",
        "    if bit.band(c, 0x8000) ~= 0 then",
        f"      c = bit.band(bit.bxor(bit.lshift(c, 1), 0x{CRC_POLY:04X}), 0xFFFF)",
        "    else",
        "      c = bit.band(bit.lshift(c, 1), 0xFFFF)",
        "    end",
        "  end",
        "  crc_table[i] = c",
        "end",
        "local function crc16(tvb, offset, length)",
        f"  local crc = 0x{CRC_INIT:04X}",
        "  for i = offset, offset + length - 1 do",
        "    local idx = bit.band(bit.bxor(bit.rshift(crc, 8), tvb(i, 1):uint()), 0xFF)",
        "    crc = bit.band(bit.bxor(bit.lshift(crc, 8), crc_table[idx]), 0xFFFF)",
        "  end",
        "  return crc",
        "end",
        "",
    ]
    for layout in LAYOUTS:
        lines += _dissect_fn(layout)
        lines.append("")
    lines += ["local packets = {", *[_table_entry(p) for p in LAYOUTS], "}", ""]
    lines += _MAIN.format(
        proto=PROTO,
        header_end=_HEADER_END,
        data_start=_DATA_START,
        pec_len=PEC_LEN,
        asm_len=ASM_LEN,
        min_frame=_HEADER_END + PEC_LEN + 1,
        idle=int(Apid.IDLE),
    ).splitlines()
    return "\n".join(lines).rstrip("\n") + "\n"


_MAIN = """\
local if_name = Field.new("frame.interface_name")

function proto.dissector(tvb, pinfo, tree)
  local len = tvb:len()
  pinfo.cols.protocol = "LUNAR-HIL"
  local dir = if_name()
  local prefix = dir and (tostring(dir.value) .. " ") or ""
  local is_frame = len >= {min_frame} and tvb(0, {asm_len}):bytes():tohex() == ASM
    and tvb({asm_len} + 4, 2):uint() + 1 + {header_end} == len
  if not is_frame then
    local item = tree:add(proto, tvb(), "lunar-hil skipped bytes (" .. len .. ")")
    item:add(f_skipped, tvb())
    item:add_proto_expert_info(e_skipped, len .. " bytes skipped by the receiver")
    pinfo.cols.info = prefix .. "skipped " .. len .. " bytes"
    return len
  end
  local w1 = tvb({asm_len}, 2):uint()
  local apid = bit.band(w1, 0x7FF)
  local spec = packets[apid]
  local name = spec and spec.name or (apid == {idle} and "IDLE" or "unknown APID")
  local root = tree:add(proto, tvb(), "lunar-hil " .. name)
  root:add(f_asm, tvb(0, {asm_len}))
  root:add(f_name, name)
  local hdr = tvb({asm_len}, 6)
  root:add(f_version, tvb({asm_len}, 2))
  root:add(f_type, tvb({asm_len}, 2))
  root:add(f_sec_hdr_flag, tvb({asm_len}, 2))
  local apid_item = root:add(f_apid, tvb({asm_len}, 2))
  root:add(f_seq_flags, tvb({asm_len} + 2, 2))
  root:add(f_seq_count, tvb({asm_len} + 2, 2))
  root:add(f_data_length, tvb({asm_len} + 4, 2))
  local seq = bit.band(tvb({asm_len} + 2, 2):uint(), 0x3FFF)
  local info = prefix .. name .. " seq=" .. seq
  local sec_hdr = bit.band(w1, 0x0800) ~= 0
  if sec_hdr and len >= {data_start} + {pec_len} then
    local coarse = tvb({header_end}, 4):uint()
    local fine = tvb({header_end} + 4, 2):uint()
    root:add(f_coarse, tvb({header_end}, 4))
    root:add(f_fine, tvb({header_end} + 4, 2))
    local t = coarse + fine / 65536
    root:add(f_time, tvb({header_end}, 6), t)
    info = info .. string.format(" t=%.6f s", t)
  end
  local data_start = sec_hdr and {data_start} or {header_end}
  if spec then
    local header_ok = bit.rshift(w1, 13) == 0 and sec_hdr
      and bit.band(bit.rshift(w1, 12), 1) == spec.type
      and bit.rshift(tvb({asm_len} + 2, 2):uint(), 14) == 3
      and tvb({asm_len} + 4, 2):uint() == spec.length
    if header_ok then
      spec.dissect(tvb, root)
    else
      root:add(f_data, tvb(data_start, len - data_start - {pec_len}))
      root:add_proto_expert_info(e_header,
        name .. ": version, type, flags or length differ from the ICD")
    end
  else
    if len - data_start - {pec_len} > 0 then
      root:add(f_data, tvb(data_start, len - data_start - {pec_len}))
    end
    if apid ~= {idle} then
      apid_item:add_proto_expert_info(e_unknown,
        string.format("APID 0x%03X is not in ICD v1", apid))
    end
  end
  local pec = tvb(len - {pec_len}, {pec_len}):uint()
  local pec_item = root:add(f_pec, tvb(len - {pec_len}, {pec_len}))
  local good = crc16(tvb, {asm_len}, len - {asm_len} - {pec_len}) == pec
  root:add(f_pec_ok, tvb(len - {pec_len}, {pec_len}), good)
  if not good then
    pec_item:add_proto_expert_info(e_pec, "PEC does not check")
    info = info .. " [bad PEC]"
  end
  pinfo.cols.info = info
  return len
end

local encaps = wtap_encaps or wtap
DissectorTable.get("wtap_encap"):add(encaps.USER0, proto)
"""
