-- lunar-hil ICD v1 dissector for Wireshark, generated from the construct definitions
-- in packets/icd.py; do not edit. Regenerate with `lunar-hil export wireshark -o docs/lunar_hil.lua`.
-- Use: wireshark -X lua_script:lunar_hil.lua capture.pcapng (or copy it into the
-- personal Lua plugins folder). It dissects link type LINKTYPE_USER0 (147): one record
-- per frame (ASM, CCSDS space packet, CRC-16 PEC) or per run of skipped bytes.

local proto = Proto("lunarhil", "lunar-hil ICD v1")
local ASM = "1ACFFC1D"
local apid_names = {[0x010] = "SYNC", [0x011] = "PING", [0x012] = "STATE_INIT", [0x100] = "IMU", [0x101] = "LRF", [0x102] = "ATTITUDE", [0x103] = "VELOCIMETER", [0x104] = "DISCRETES", [0x200] = "ENGINE_CMD", [0x300] = "FSW_STATUS", [0x301] = "PONG", [0x302] = "EVENT", [0x7FF] = "IDLE"}

local f_asm = ProtoField.bytes("lunarhil.asm", "ASM")
local f_name = ProtoField.string("lunarhil.name", "packet")
local f_version = ProtoField.uint16("lunarhil.version", "version", base.DEC, nil, 0xE000, "packet version number, 0")
local f_type = ProtoField.uint16("lunarhil.type", "type", base.DEC, {[0] = "TM", [1] = "TC"}, 0x1000, "0 = TM, 1 = TC")
local f_sec_hdr_flag = ProtoField.uint16("lunarhil.sec_hdr_flag", "sec_hdr_flag", base.DEC, nil, 0x0800, "1 (0 only for idle packets)")
local f_apid = ProtoField.uint16("lunarhil.apid", "apid", base.HEX, apid_names, 0x07FF, "application process identifier")
local f_seq_flags = ProtoField.uint16("lunarhil.seq_flags", "seq_flags", base.DEC, nil, 0xC000, "3 (unsegmented)")
local f_seq_count = ProtoField.uint16("lunarhil.seq_count", "seq_count", base.DEC, nil, 0x3FFF, "per sender, per APID, wraps 16383 -> 0")
local f_data_length = ProtoField.uint16("lunarhil.data_length", "data_length", base.DEC, nil, nil, "(octets in secondary header + user data + PEC) - 1")
local f_coarse = ProtoField.uint32("lunarhil.cuc.coarse", "coarse [s]")
local f_fine = ProtoField.uint16("lunarhil.cuc.fine", "fine [2^-16 s]")
local f_time = ProtoField.double("lunarhil.time_s", "time [s]", "CUC time: coarse + fine / 65536")
local f_data = ProtoField.bytes("lunarhil.data", "user data")
local f_pec = ProtoField.uint16("lunarhil.pec", "PEC", base.HEX)
local f_pec_ok = ProtoField.bool("lunarhil.pec_ok", "PEC good")
local f_skipped = ProtoField.bytes("lunarhil.skipped", "skipped bytes")

local f_SYNC_tick = ProtoField.uint32("lunarhil.sync.tick", "tick", base.DEC, nil, nil, "control tick index k, from 0")
local f_SYNC_period_us = ProtoField.uint32("lunarhil.sync.period_us", "period_us [us]", base.DEC, nil, nil, "control period in us")
local f_PING_nonce = ProtoField.uint32("lunarhil.ping.nonce", "nonce", base.DEC, nil, nil, "echoed in PONG")
local f_STATE_INIT_alt_m = ProtoField.double("lunarhil.state_init.alt_m", "alt_m [m]", "estimated altitude above the local terrain datum under the vehicle, m")
local f_STATE_INIT_x_m = ProtoField.double("lunarhil.state_init.x_m", "x_m [m]", "estimated downrange position, m")
local f_STATE_INIT_vx_mps = ProtoField.double("lunarhil.state_init.vx_mps", "vx_mps [m/s]", "estimated horizontal velocity (+downrange), m/s")
local f_STATE_INIT_vz_mps = ProtoField.double("lunarhil.state_init.vz_mps", "vz_mps [m/s]", "estimated vertical velocity (+up), m/s")
local f_STATE_INIT_mass_kg = ProtoField.double("lunarhil.state_init.mass_kg", "mass_kg [kg]", "estimated current mass, kg")
local f_STATE_INIT_sigma_alt_m = ProtoField.double("lunarhil.state_init.sigma_alt_m", "sigma_alt_m [m]", "1-sigma uncertainty of alt_m")
local f_STATE_INIT_sigma_v_mps = ProtoField.double("lunarhil.state_init.sigma_v_mps", "sigma_v_mps [m/s]", "1-sigma uncertainty of each velocity")
local f_IMU_dv_x = ProtoField.double("lunarhil.imu.dv_x", "dv_x [m/s]", "integrated specific force over the interval, body X, m/s")
local f_IMU_dv_y = ProtoField.double("lunarhil.imu.dv_y", "dv_y [m/s]", "integrated specific force over the interval, body Y, m/s")
local f_IMU_dv_z = ProtoField.double("lunarhil.imu.dv_z", "dv_z [m/s]", "integrated specific force over the interval, body Z, m/s")
local f_IMU_dth_x = ProtoField.double("lunarhil.imu.dth_x", "dth_x [rad]", "integrated angular rate over the interval, body X, rad")
local f_IMU_dth_y = ProtoField.double("lunarhil.imu.dth_y", "dth_y [rad]", "integrated angular rate over the interval, body Y, rad")
local f_IMU_dth_z = ProtoField.double("lunarhil.imu.dth_z", "dth_z [rad]", "integrated angular rate over the interval, body Z, rad")
local f_IMU_interval_us = ProtoField.uint32("lunarhil.imu.interval_us", "interval_us [us]", base.DEC, nil, nil, "integration interval, us")
local f_IMU_status = ProtoField.uint8("lunarhil.imu.status", "status", base.HEX, nil, nil, "bit0 valid, bit1 saturated; other bits 0")
local f_IMU_status_VALID = ProtoField.bool("lunarhil.imu.status.valid", "VALID", 8, nil, 0x1)
local f_IMU_status_SATURATED = ProtoField.bool("lunarhil.imu.status.saturated", "SATURATED", 8, nil, 0x2)
local f_LRF_range_m = ProtoField.double("lunarhil.lrf.range_m", "range_m [m]", "slant range along the boresight, m (0 when not valid)")
local f_LRF_status = ProtoField.uint8("lunarhil.lrf.status", "status", base.HEX, nil, nil, "bit0 valid, bit1 no_return, bit2 acquiring, bit3 self-test fault; other bits 0")
local f_LRF_status_VALID = ProtoField.bool("lunarhil.lrf.status.valid", "VALID", 8, nil, 0x1)
local f_LRF_status_NO_RETURN = ProtoField.bool("lunarhil.lrf.status.no_return", "NO_RETURN", 8, nil, 0x2)
local f_LRF_status_ACQUIRING = ProtoField.bool("lunarhil.lrf.status.acquiring", "ACQUIRING", 8, nil, 0x4)
local f_LRF_status_SELF_TEST_FAULT = ProtoField.bool("lunarhil.lrf.status.self_test_fault", "SELF_TEST_FAULT", 8, nil, 0x8)
local f_LRF_quality = ProtoField.uint8("lunarhil.lrf.quality", "quality", base.DEC, nil, nil, "return signal strength, 0-255")
local f_LRF_meas_id = ProtoField.uint16("lunarhil.lrf.meas_id", "meas_id", base.DEC, nil, nil, "measurement counter, +1 per measurement (wraps)")
local f_ATTITUDE_q_w = ProtoField.double("lunarhil.attitude.q_w", "q_w", "unit quaternion scalar part (body to world)")
local f_ATTITUDE_q_x = ProtoField.double("lunarhil.attitude.q_x", "q_x", "unit quaternion x")
local f_ATTITUDE_q_y = ProtoField.double("lunarhil.attitude.q_y", "q_y", "unit quaternion y")
local f_ATTITUDE_q_z = ProtoField.double("lunarhil.attitude.q_z", "q_z", "unit quaternion z")
local f_ATTITUDE_status = ProtoField.uint8("lunarhil.attitude.status", "status", base.HEX, nil, nil, "bit0 valid; other bits 0")
local f_ATTITUDE_status_VALID = ProtoField.bool("lunarhil.attitude.status.valid", "VALID", 8, nil, 0x1)
local f_VELOCIMETER_vx_mps = ProtoField.double("lunarhil.velocimeter.vx_mps", "vx_mps [m/s]", "velocity in the world frame, x, m/s")
local f_VELOCIMETER_vy_mps = ProtoField.double("lunarhil.velocimeter.vy_mps", "vy_mps [m/s]", "velocity in the world frame, y, m/s")
local f_VELOCIMETER_vz_mps = ProtoField.double("lunarhil.velocimeter.vz_mps", "vz_mps [m/s]", "velocity in the world frame, z, m/s")
local f_VELOCIMETER_status = ProtoField.uint8("lunarhil.velocimeter.status", "status", base.HEX, nil, nil, "bit0 valid; other bits 0")
local f_VELOCIMETER_status_VALID = ProtoField.bool("lunarhil.velocimeter.status.valid", "VALID", 8, nil, 0x1)
local f_DISCRETES_flags = ProtoField.uint8("lunarhil.discretes.flags", "flags", base.HEX, nil, nil, "bit0 contact probe touched the surface; other bits 0")
local f_DISCRETES_flags_CONTACT = ProtoField.bool("lunarhil.discretes.flags.contact", "CONTACT", 8, nil, 0x1)
local f_DISCRETES_reserved = ProtoField.uint8("lunarhil.discretes.reserved", "reserved", base.DEC, nil, nil, "0")
local f_ENGINE_CMD_tick = ProtoField.uint32("lunarhil.engine_cmd.tick", "tick", base.DEC, nil, nil, "the SYNC tick this answers")
local f_ENGINE_CMD_engine_on = ProtoField.uint8("lunarhil.engine_cmd.engine_on", "engine_on", base.DEC, {[0] = "OFF", [1] = "ON"}, nil, "0 off, 1 on")
local f_ENGINE_CMD_throttle = ProtoField.double("lunarhil.engine_cmd.throttle", "throttle", "fraction of maximum thrust, [0, 1]")
local f_ENGINE_CMD_pitch_cmd_rad = ProtoField.double("lunarhil.engine_cmd.pitch_cmd_rad", "pitch_cmd_rad [rad]", "commanded thrust-axis tilt from local vertical, rad, + toward +downrange")
local f_FSW_STATUS_tick = ProtoField.uint32("lunarhil.fsw_status.tick", "tick", base.DEC, nil, nil, "tick answered")
local f_FSW_STATUS_phase = ProtoField.uint8("lunarhil.fsw_status.phase", "phase", base.DEC, nil, nil, "FSW-defined phase number")
local f_FSW_STATUS_nav_flags = ProtoField.uint8("lunarhil.fsw_status.nav_flags", "nav_flags", base.HEX, nil, nil, "bit0 LRF accepted this tick, bit1 rejected, bit2 declared failed (latched), bit3 stale, bit4 fallback navigation active")
local f_FSW_STATUS_nav_flags_LRF_ACCEPTED = ProtoField.bool("lunarhil.fsw_status.nav_flags.lrf_accepted", "LRF_ACCEPTED", 8, nil, 0x1)
local f_FSW_STATUS_nav_flags_LRF_REJECTED = ProtoField.bool("lunarhil.fsw_status.nav_flags.lrf_rejected", "LRF_REJECTED", 8, nil, 0x2)
local f_FSW_STATUS_nav_flags_LRF_FAILED = ProtoField.bool("lunarhil.fsw_status.nav_flags.lrf_failed", "LRF_FAILED", 8, nil, 0x4)
local f_FSW_STATUS_nav_flags_LRF_STALE = ProtoField.bool("lunarhil.fsw_status.nav_flags.lrf_stale", "LRF_STALE", 8, nil, 0x8)
local f_FSW_STATUS_nav_flags_FALLBACK = ProtoField.bool("lunarhil.fsw_status.nav_flags.fallback", "FALLBACK", 8, nil, 0x10)
local f_FSW_STATUS_est_alt_m = ProtoField.double("lunarhil.fsw_status.est_alt_m", "est_alt_m [m]", "estimated altitude above terrain, m")
local f_FSW_STATUS_est_vz_mps = ProtoField.double("lunarhil.fsw_status.est_vz_mps", "est_vz_mps [m/s]", "estimated vertical velocity, m/s")
local f_FSW_STATUS_est_vx_mps = ProtoField.double("lunarhil.fsw_status.est_vx_mps", "est_vx_mps [m/s]", "estimated horizontal velocity, m/s")
local f_FSW_STATUS_est_pitch_rad = ProtoField.double("lunarhil.fsw_status.est_pitch_rad", "est_pitch_rad [rad]", "estimated thrust-axis tilt, rad")
local f_FSW_STATUS_lrf_accepted = ProtoField.uint16("lunarhil.fsw_status.lrf_accepted", "lrf_accepted", base.DEC, nil, nil, "LRF measurements accepted, total (saturates)")
local f_FSW_STATUS_lrf_rejected = ProtoField.uint16("lunarhil.fsw_status.lrf_rejected", "lrf_rejected", base.DEC, nil, nil, "LRF measurements rejected, total (saturates)")
local f_FSW_STATUS_rx_frames = ProtoField.uint32("lunarhil.fsw_status.rx_frames", "rx_frames", base.DEC, nil, nil, "frames accepted, total")
local f_FSW_STATUS_rx_crc_errors = ProtoField.uint32("lunarhil.fsw_status.rx_crc_errors", "rx_crc_errors", base.DEC, nil, nil, "frames rejected for a bad PEC")
local f_FSW_STATUS_rx_skipped_bytes = ProtoField.uint32("lunarhil.fsw_status.rx_skipped_bytes", "rx_skipped_bytes", base.DEC, nil, nil, "bytes skipped while hunting")
local f_FSW_STATUS_rx_rejected = ProtoField.uint32("lunarhil.fsw_status.rx_rejected", "rx_rejected", base.DEC, nil, nil, "frames rejected for any other reason (length, range, enum)")
local f_PONG_nonce = ProtoField.uint32("lunarhil.pong.nonce", "nonce", base.DEC, nil, nil, "from the PING")
local f_PONG_rx_frames = ProtoField.uint32("lunarhil.pong.rx_frames", "rx_frames", base.DEC, nil, nil, "as in FSW_STATUS")
local f_EVENT_code = ProtoField.uint16("lunarhil.event.code", "code", base.DEC, nil, nil, "event code, documented by the FSW")
local f_EVENT_severity = ProtoField.uint8("lunarhil.event.severity", "severity", base.DEC, {[0] = "INFO", [1] = "WARNING", [2] = "ERROR"}, nil, "0 info, 1 warning, 2 error")
local f_EVENT_value = ProtoField.double("lunarhil.event.value", "value", "event-specific value")

proto.fields = {
  f_asm, f_name, f_version, f_type, f_sec_hdr_flag, f_apid, f_seq_flags, f_seq_count,
  f_data_length, f_coarse, f_fine, f_time, f_data, f_pec, f_pec_ok, f_skipped,
  f_SYNC_tick, f_SYNC_period_us, f_PING_nonce, f_STATE_INIT_alt_m,
  f_STATE_INIT_x_m, f_STATE_INIT_vx_mps, f_STATE_INIT_vz_mps, f_STATE_INIT_mass_kg,
  f_STATE_INIT_sigma_alt_m, f_STATE_INIT_sigma_v_mps, f_IMU_dv_x, f_IMU_dv_y,
  f_IMU_dv_z, f_IMU_dth_x, f_IMU_dth_y, f_IMU_dth_z,
  f_IMU_interval_us, f_IMU_status, f_IMU_status_VALID, f_IMU_status_SATURATED,
  f_LRF_range_m, f_LRF_status, f_LRF_status_VALID, f_LRF_status_NO_RETURN,
  f_LRF_status_ACQUIRING, f_LRF_status_SELF_TEST_FAULT, f_LRF_quality, f_LRF_meas_id,
  f_ATTITUDE_q_w, f_ATTITUDE_q_x, f_ATTITUDE_q_y, f_ATTITUDE_q_z,
  f_ATTITUDE_status, f_ATTITUDE_status_VALID, f_VELOCIMETER_vx_mps, f_VELOCIMETER_vy_mps,
  f_VELOCIMETER_vz_mps, f_VELOCIMETER_status, f_VELOCIMETER_status_VALID, f_DISCRETES_flags,
  f_DISCRETES_flags_CONTACT, f_DISCRETES_reserved, f_ENGINE_CMD_tick, f_ENGINE_CMD_engine_on,
  f_ENGINE_CMD_throttle, f_ENGINE_CMD_pitch_cmd_rad, f_FSW_STATUS_tick, f_FSW_STATUS_phase,
  f_FSW_STATUS_nav_flags, f_FSW_STATUS_nav_flags_LRF_ACCEPTED, f_FSW_STATUS_nav_flags_LRF_REJECTED, f_FSW_STATUS_nav_flags_LRF_FAILED,
  f_FSW_STATUS_nav_flags_LRF_STALE, f_FSW_STATUS_nav_flags_FALLBACK, f_FSW_STATUS_est_alt_m, f_FSW_STATUS_est_vz_mps,
  f_FSW_STATUS_est_vx_mps, f_FSW_STATUS_est_pitch_rad, f_FSW_STATUS_lrf_accepted, f_FSW_STATUS_lrf_rejected,
  f_FSW_STATUS_rx_frames, f_FSW_STATUS_rx_crc_errors, f_FSW_STATUS_rx_skipped_bytes, f_FSW_STATUS_rx_rejected,
  f_PONG_nonce, f_PONG_rx_frames, f_EVENT_code, f_EVENT_severity,
  f_EVENT_value,
}

local e_range = ProtoExpert.new("lunarhil.range", "value outside its ICD range", expert.group.PROTOCOL, expert.severity.WARN)
local e_pec = ProtoExpert.new("lunarhil.bad_pec", "bad PEC (CRC-16/CCITT-FALSE)", expert.group.CHECKSUM, expert.severity.ERROR)
local e_header = ProtoExpert.new("lunarhil.header", "header does not match the ICD", expert.group.MALFORMED, expert.severity.ERROR)
local e_unknown = ProtoExpert.new("lunarhil.unknown_apid", "APID not in ICD v1", expert.group.UNDECODED, expert.severity.NOTE)
local e_skipped = ProtoExpert.new("lunarhil.skipped_bytes", "bytes the receiver skipped while hunting for a frame", expert.group.SEQUENCE, expert.severity.WARN)
proto.experts = {e_range, e_pec, e_header, e_unknown, e_skipped}

-- CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR
local crc_table = {}
for i = 0, 255 do
  local c = bit.lshift(i, 8)
  for _ = 1, 8 do
    if bit.band(c, 0x8000) ~= 0 then
      c = bit.band(bit.bxor(bit.lshift(c, 1), 0x1021), 0xFFFF)
    else
      c = bit.band(bit.lshift(c, 1), 0xFFFF)
    end
  end
  crc_table[i] = c
end
local function crc16(tvb, offset, length)
  local crc = 0xFFFF
  for i = offset, offset + length - 1 do
    local idx = bit.band(bit.bxor(bit.rshift(crc, 8), tvb(i, 1):uint()), 0xFF)
    crc = bit.band(bit.bxor(bit.lshift(crc, 8), crc_table[idx]), 0xFFFF)
  end
  return crc
end

-- 0x010 SYNC: Every sensor frame due by t_k has been sent; run one control cycle for tick k and answer it.
local function dissect_SYNC(tvb, tree)
  local v, item
  tree:add(f_SYNC_tick, tvb(16, 4))
  v = tvb(20, 4):uint()
  item = tree:add(f_SYNC_period_us, tvb(20, 4))
  if v < 1 or v > 4294967295 then
    item:add_proto_expert_info(e_range, "period_us outside [1, 4294967295]")
  end
end

-- 0x011 PING: Liveness probe; answered by PONG.
local function dissect_PING(tvb, tree)
  local v, item
  tree:add(f_PING_nonce, tvb(16, 4))
end

-- 0x012 STATE_INIT: The ground's state-vector upload before the descent: the FSW's initial navigation estimate.
local function dissect_STATE_INIT(tvb, tree)
  local v, item
  v = tvb(16, 4):float()
  item = tree:add(f_STATE_INIT_alt_m, tvb(16, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "alt_m not a finite f32")
  end
  v = tvb(20, 4):float()
  item = tree:add(f_STATE_INIT_x_m, tvb(20, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "x_m not a finite f32")
  end
  v = tvb(24, 4):float()
  item = tree:add(f_STATE_INIT_vx_mps, tvb(24, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "vx_mps not a finite f32")
  end
  v = tvb(28, 4):float()
  item = tree:add(f_STATE_INIT_vz_mps, tvb(28, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "vz_mps not a finite f32")
  end
  v = tvb(32, 4):float()
  item = tree:add(f_STATE_INIT_mass_kg, tvb(32, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "mass_kg not a finite f32")
  elseif v < 0 or v > 10000000 then
    item:add_proto_expert_info(e_range, "mass_kg outside [0, 10000000]")
  end
  v = tvb(36, 4):float()
  item = tree:add(f_STATE_INIT_sigma_alt_m, tvb(36, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "sigma_alt_m not a finite f32")
  elseif v < 0 or v > 10000000 then
    item:add_proto_expert_info(e_range, "sigma_alt_m outside [0, 10000000]")
  end
  v = tvb(40, 4):float()
  item = tree:add(f_STATE_INIT_sigma_v_mps, tvb(40, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "sigma_v_mps not a finite f32")
  elseif v < 0 or v > 100000 then
    item:add_proto_expert_info(e_range, "sigma_v_mps outside [0, 100000]")
  end
end

-- 0x100 IMU: Incremental IMU output over one interval, body frame.
local function dissect_IMU(tvb, tree)
  local v, item
  v = tvb(16, 4):float()
  item = tree:add(f_IMU_dv_x, tvb(16, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "dv_x not a finite f32")
  end
  v = tvb(20, 4):float()
  item = tree:add(f_IMU_dv_y, tvb(20, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "dv_y not a finite f32")
  end
  v = tvb(24, 4):float()
  item = tree:add(f_IMU_dv_z, tvb(24, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "dv_z not a finite f32")
  end
  v = tvb(28, 4):float()
  item = tree:add(f_IMU_dth_x, tvb(28, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "dth_x not a finite f32")
  end
  v = tvb(32, 4):float()
  item = tree:add(f_IMU_dth_y, tvb(32, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "dth_y not a finite f32")
  end
  v = tvb(36, 4):float()
  item = tree:add(f_IMU_dth_z, tvb(36, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "dth_z not a finite f32")
  end
  tree:add(f_IMU_interval_us, tvb(40, 4))
  v = tvb(44, 1):uint()
  item = tree:add(f_IMU_status, tvb(44, 1))
  item:add(f_IMU_status_VALID, tvb(44, 1))
  item:add(f_IMU_status_SATURATED, tvb(44, 1))
  if bit.band(v, 0xFC) ~= 0 then
    item:add_proto_expert_info(e_range, "status bits outside 0x03 set")
  end
end

-- 0x101 LRF: Laser rangefinder, one measurement along its boresight.
local function dissect_LRF(tvb, tree)
  local v, item
  v = tvb(16, 4):float()
  item = tree:add(f_LRF_range_m, tvb(16, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "range_m not a finite f32")
  elseif v < 0 or v > 10000000 then
    item:add_proto_expert_info(e_range, "range_m outside [0, 10000000]")
  end
  v = tvb(20, 1):uint()
  item = tree:add(f_LRF_status, tvb(20, 1))
  item:add(f_LRF_status_VALID, tvb(20, 1))
  item:add(f_LRF_status_NO_RETURN, tvb(20, 1))
  item:add(f_LRF_status_ACQUIRING, tvb(20, 1))
  item:add(f_LRF_status_SELF_TEST_FAULT, tvb(20, 1))
  if bit.band(v, 0xF0) ~= 0 then
    item:add_proto_expert_info(e_range, "status bits outside 0x0F set")
  end
  tree:add(f_LRF_quality, tvb(21, 1))
  tree:add(f_LRF_meas_id, tvb(22, 2))
end

-- 0x102 ATTITUDE: Star tracker attitude solution, unit quaternion, body to world.
local function dissect_ATTITUDE(tvb, tree)
  local v, item
  v = tvb(16, 4):float()
  item = tree:add(f_ATTITUDE_q_w, tvb(16, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "q_w not a finite f32")
  elseif v < -1 or v > 1 then
    item:add_proto_expert_info(e_range, "q_w outside [-1, 1]")
  end
  v = tvb(20, 4):float()
  item = tree:add(f_ATTITUDE_q_x, tvb(20, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "q_x not a finite f32")
  elseif v < -1 or v > 1 then
    item:add_proto_expert_info(e_range, "q_x outside [-1, 1]")
  end
  v = tvb(24, 4):float()
  item = tree:add(f_ATTITUDE_q_y, tvb(24, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "q_y not a finite f32")
  elseif v < -1 or v > 1 then
    item:add_proto_expert_info(e_range, "q_y outside [-1, 1]")
  end
  v = tvb(28, 4):float()
  item = tree:add(f_ATTITUDE_q_z, tvb(28, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "q_z not a finite f32")
  elseif v < -1 or v > 1 then
    item:add_proto_expert_info(e_range, "q_z outside [-1, 1]")
  end
  v = tvb(32, 1):uint()
  item = tree:add(f_ATTITUDE_status, tvb(32, 1))
  item:add(f_ATTITUDE_status_VALID, tvb(32, 1))
  if bit.band(v, 0xFE) ~= 0 then
    item:add_proto_expert_info(e_range, "status bits outside 0x01 set")
  end
end

-- 0x103 VELOCIMETER: Doppler velocimeter solution (optional sensor).
local function dissect_VELOCIMETER(tvb, tree)
  local v, item
  v = tvb(16, 4):float()
  item = tree:add(f_VELOCIMETER_vx_mps, tvb(16, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "vx_mps not a finite f32")
  end
  v = tvb(20, 4):float()
  item = tree:add(f_VELOCIMETER_vy_mps, tvb(20, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "vy_mps not a finite f32")
  end
  v = tvb(24, 4):float()
  item = tree:add(f_VELOCIMETER_vz_mps, tvb(24, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "vz_mps not a finite f32")
  end
  v = tvb(28, 1):uint()
  item = tree:add(f_VELOCIMETER_status, tvb(28, 1))
  item:add(f_VELOCIMETER_status_VALID, tvb(28, 1))
  if bit.band(v, 0xFE) ~= 0 then
    item:add_proto_expert_info(e_range, "status bits outside 0x01 set")
  end
end

-- 0x104 DISCRETES: Discrete inputs.
local function dissect_DISCRETES(tvb, tree)
  local v, item
  v = tvb(16, 1):uint()
  item = tree:add(f_DISCRETES_flags, tvb(16, 1))
  item:add(f_DISCRETES_flags_CONTACT, tvb(16, 1))
  if bit.band(v, 0xFE) ~= 0 then
    item:add_proto_expert_info(e_range, "flags bits outside 0x01 set")
  end
  v = tvb(17, 1):uint()
  item = tree:add(f_DISCRETES_reserved, tvb(17, 1))
  if v < 0 or v > 0 then
    item:add_proto_expert_info(e_range, "reserved outside [0, 0]")
  end
end

-- 0x200 ENGINE_CMD: The FSW's engine command for one tick; sent last in its answer.
local function dissect_ENGINE_CMD(tvb, tree)
  local v, item
  tree:add(f_ENGINE_CMD_tick, tvb(16, 4))
  v = tvb(20, 1):uint()
  item = tree:add(f_ENGINE_CMD_engine_on, tvb(20, 1))
  if v < 0 or v > 1 then
    item:add_proto_expert_info(e_range, "engine_on outside [0, 1]")
  end
  v = tvb(21, 4):float()
  item = tree:add(f_ENGINE_CMD_throttle, tvb(21, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "throttle not a finite f32")
  elseif v < 0 or v > 1 then
    item:add_proto_expert_info(e_range, "throttle outside [0, 1]")
  end
  v = tvb(25, 4):float()
  item = tree:add(f_ENGINE_CMD_pitch_cmd_rad, tvb(25, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "pitch_cmd_rad not a finite f32")
  end
end

-- 0x300 FSW_STATUS: The FSW's navigation state and link counters for one tick.
local function dissect_FSW_STATUS(tvb, tree)
  local v, item
  tree:add(f_FSW_STATUS_tick, tvb(16, 4))
  tree:add(f_FSW_STATUS_phase, tvb(20, 1))
  v = tvb(21, 1):uint()
  item = tree:add(f_FSW_STATUS_nav_flags, tvb(21, 1))
  item:add(f_FSW_STATUS_nav_flags_LRF_ACCEPTED, tvb(21, 1))
  item:add(f_FSW_STATUS_nav_flags_LRF_REJECTED, tvb(21, 1))
  item:add(f_FSW_STATUS_nav_flags_LRF_FAILED, tvb(21, 1))
  item:add(f_FSW_STATUS_nav_flags_LRF_STALE, tvb(21, 1))
  item:add(f_FSW_STATUS_nav_flags_FALLBACK, tvb(21, 1))
  if bit.band(v, 0xE0) ~= 0 then
    item:add_proto_expert_info(e_range, "nav_flags bits outside 0x1F set")
  end
  v = tvb(22, 4):float()
  item = tree:add(f_FSW_STATUS_est_alt_m, tvb(22, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "est_alt_m not a finite f32")
  end
  v = tvb(26, 4):float()
  item = tree:add(f_FSW_STATUS_est_vz_mps, tvb(26, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "est_vz_mps not a finite f32")
  end
  v = tvb(30, 4):float()
  item = tree:add(f_FSW_STATUS_est_vx_mps, tvb(30, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "est_vx_mps not a finite f32")
  end
  v = tvb(34, 4):float()
  item = tree:add(f_FSW_STATUS_est_pitch_rad, tvb(34, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "est_pitch_rad not a finite f32")
  end
  tree:add(f_FSW_STATUS_lrf_accepted, tvb(38, 2))
  tree:add(f_FSW_STATUS_lrf_rejected, tvb(40, 2))
  tree:add(f_FSW_STATUS_rx_frames, tvb(42, 4))
  tree:add(f_FSW_STATUS_rx_crc_errors, tvb(46, 4))
  tree:add(f_FSW_STATUS_rx_skipped_bytes, tvb(50, 4))
  tree:add(f_FSW_STATUS_rx_rejected, tvb(54, 4))
end

-- 0x301 PONG: Answer to PING.
local function dissect_PONG(tvb, tree)
  local v, item
  tree:add(f_PONG_nonce, tvb(16, 4))
  tree:add(f_PONG_rx_frames, tvb(20, 4))
end

-- 0x302 EVENT: An FSW event (phase change, LRF acquired/rejected/latched, ...).
local function dissect_EVENT(tvb, tree)
  local v, item
  tree:add(f_EVENT_code, tvb(16, 2))
  v = tvb(18, 1):uint()
  item = tree:add(f_EVENT_severity, tvb(18, 1))
  if v < 0 or v > 2 then
    item:add_proto_expert_info(e_range, "severity outside [0, 2]")
  end
  v = tvb(19, 4):float()
  item = tree:add(f_EVENT_value, tvb(19, 4), v)
  if v ~= v or v == math.huge or v == -math.huge then
    item:add_proto_expert_info(e_range, "value not a finite f32")
  end
end

local packets = {
  [0x010] = {name = "SYNC", type = 1, length = 15, dissect = dissect_SYNC},
  [0x011] = {name = "PING", type = 1, length = 11, dissect = dissect_PING},
  [0x012] = {name = "STATE_INIT", type = 1, length = 35, dissect = dissect_STATE_INIT},
  [0x100] = {name = "IMU", type = 0, length = 36, dissect = dissect_IMU},
  [0x101] = {name = "LRF", type = 0, length = 15, dissect = dissect_LRF},
  [0x102] = {name = "ATTITUDE", type = 0, length = 24, dissect = dissect_ATTITUDE},
  [0x103] = {name = "VELOCIMETER", type = 0, length = 20, dissect = dissect_VELOCIMETER},
  [0x104] = {name = "DISCRETES", type = 0, length = 9, dissect = dissect_DISCRETES},
  [0x200] = {name = "ENGINE_CMD", type = 1, length = 20, dissect = dissect_ENGINE_CMD},
  [0x300] = {name = "FSW_STATUS", type = 0, length = 49, dissect = dissect_FSW_STATUS},
  [0x301] = {name = "PONG", type = 0, length = 15, dissect = dissect_PONG},
  [0x302] = {name = "EVENT", type = 0, length = 14, dissect = dissect_EVENT},
}

local if_name = Field.new("frame.interface_name")

function proto.dissector(tvb, pinfo, tree)
  local len = tvb:len()
  pinfo.cols.protocol = "LUNAR-HIL"
  local dir = if_name()
  local prefix = dir and (tostring(dir.value) .. " ") or ""
  local is_frame = len >= 13 and tvb(0, 4):bytes():tohex() == ASM
    and tvb(4 + 4, 2):uint() + 1 + 10 == len
  if not is_frame then
    local item = tree:add(proto, tvb(), "lunar-hil skipped bytes (" .. len .. ")")
    item:add(f_skipped, tvb())
    item:add_proto_expert_info(e_skipped, len .. " bytes skipped by the receiver")
    pinfo.cols.info = prefix .. "skipped " .. len .. " bytes"
    return len
  end
  local w1 = tvb(4, 2):uint()
  local apid = bit.band(w1, 0x7FF)
  local spec = packets[apid]
  local name = spec and spec.name or (apid == 2047 and "IDLE" or "unknown APID")
  local root = tree:add(proto, tvb(), "lunar-hil " .. name)
  root:add(f_asm, tvb(0, 4))
  root:add(f_name, name)
  local hdr = tvb(4, 6)
  root:add(f_version, tvb(4, 2))
  root:add(f_type, tvb(4, 2))
  root:add(f_sec_hdr_flag, tvb(4, 2))
  local apid_item = root:add(f_apid, tvb(4, 2))
  root:add(f_seq_flags, tvb(4 + 2, 2))
  root:add(f_seq_count, tvb(4 + 2, 2))
  root:add(f_data_length, tvb(4 + 4, 2))
  local seq = bit.band(tvb(4 + 2, 2):uint(), 0x3FFF)
  local info = prefix .. name .. " seq=" .. seq
  local sec_hdr = bit.band(w1, 0x0800) ~= 0
  if sec_hdr and len >= 16 + 2 then
    local coarse = tvb(10, 4):uint()
    local fine = tvb(10 + 4, 2):uint()
    root:add(f_coarse, tvb(10, 4))
    root:add(f_fine, tvb(10 + 4, 2))
    local t = coarse + fine / 65536
    root:add(f_time, tvb(10, 6), t)
    info = info .. string.format(" t=%.6f s", t)
  end
  local data_start = sec_hdr and 16 or 10
  if spec then
    local header_ok = bit.rshift(w1, 13) == 0 and sec_hdr
      and bit.band(bit.rshift(w1, 12), 1) == spec.type
      and bit.rshift(tvb(4 + 2, 2):uint(), 14) == 3
      and tvb(4 + 4, 2):uint() == spec.length
    if header_ok then
      spec.dissect(tvb, root)
    else
      root:add(f_data, tvb(data_start, len - data_start - 2))
      root:add_proto_expert_info(e_header,
        name .. ": version, type, flags or length differ from the ICD")
    end
  else
    if len - data_start - 2 > 0 then
      root:add(f_data, tvb(data_start, len - data_start - 2))
    end
    if apid ~= 2047 then
      apid_item:add_proto_expert_info(e_unknown,
        string.format("APID 0x%03X is not in ICD v1", apid))
    end
  end
  local pec = tvb(len - 2, 2):uint()
  local pec_item = root:add(f_pec, tvb(len - 2, 2))
  local good = crc16(tvb, 4, len - 4 - 2) == pec
  root:add(f_pec_ok, tvb(len - 2, 2), good)
  if not good then
    pec_item:add_proto_expert_info(e_pec, "PEC does not check")
    info = info .. " [bad PEC]"
  end
  pinfo.cols.info = info
  return len
end

local encaps = wtap_encaps or wtap
DissectorTable.get("wtap_encap"):add(encaps.USER0, proto)
