"""The flight software behind a pure byte interface: ``FlightSoftware(cfg).receive(bytes)``.

No threads, no clock: bytes in, bytes out. Sensor frames update navigation as they
arrive; ``SYNC(k)`` runs one control cycle for tick k on everything received and
answers with zero or more EVENTs, one ``FSW_STATUS(k)`` and exactly one
``ENGINE_CMD(k)``, last (ICD §4). ``PING`` is answered by ``PONG`` at once. Before
``STATE_INIT`` the engine is commanded off. No input raises: the deframer counts what
it rejects, and an exception inside a cycle still yields a (safe) answer.

One thing, ~490 lines: the FSW's cycle -- inputs, navigation hand-offs, guidance and
control, the answer -- as one state machine; nav, guidance, control and the LRF monitor
are their own modules already.
"""

from __future__ import annotations

import math

from fsw_stub.braking import braking_command, field_accel_z, pitch_up_tilt_limit
from fsw_stub.config import FswConfig, load_config
from fsw_stub.control import allocate
from fsw_stub.guidance import horizontal_accel_cmd, vertical_accel_cmd, vz_schedule
from fsw_stub.lrf import US, LrfMonitor
from fsw_stub.nav import History, HorizontalFilter, VerticalFilter, rotation_rows, tilt_of_rows
from fsw_stub.telemetry import SEVERITY, EventCode, Phase
from packets import (
    Apid,
    Attitude,
    Deframer,
    Discretes,
    EngineCmd,
    Event,
    Framer,
    FswStatus,
    Imu,
    Lrf,
    Pong,
    StateInit,
    Sync,
    Velocimeter,
    cuc_to_us,
)

__all__ = ["FlightSoftware", "load_config"]

G0 = 9.80665
#: IMU intervals outside (0, MAX_IMU_DT_S] are not integrated
MAX_IMU_DT_S = 0.5
#: a tick gap beyond this is not integrated into the mass (a restart, a bad SYNC)
MAX_TICK_DT_S = 2.0
#: keep this much history for stamped measurements
HISTORY_US = 5 * US

_UPRIGHT_ROWS = ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0))  # θ = 0: body X -> world z


def _finite(v: float, fallback: float = 0.0) -> float:
    return v if math.isfinite(v) else fallback


#: the APIDs the stub dispatches on, as ints: a comparison with an enum member costs a
#: class attribute lookup a frame
_IMU, _SYNC, _ATTITUDE, _LRF = int(Apid.IMU), int(Apid.SYNC), int(Apid.ATTITUDE), int(Apid.LRF)
_DISCRETES, _PING, _VELOCIMETER = int(Apid.DISCRETES), int(Apid.PING), int(Apid.VELOCIMETER)
_STATE_INIT = int(Apid.STATE_INIT)


class FlightSoftware:
    """One landing FSW instance; see the module docstring and fsw_stub/README.md."""

    def __init__(self, cfg: FswConfig) -> None:
        self.cfg = cfg
        self.deframer = Deframer()
        self.framer = Framer()
        self.phase = Phase.BOOT
        self.vert: VerticalFilter | None = None
        self.horiz: HorizontalFilter | None = None
        self.hist = History(HISTORY_US)
        self.lrf = LrfMonitor(cfg)
        self.rows = _UPRIGHT_ROWS
        self.tilt = 0.0
        self.mass_kg = cfg.vehicle.dry_mass_kg
        self.nav_us: int | None = None  # time the filters are propagated to
        self.last_imu_us: int | None = None
        self.last_tick_us: int | None = None
        self.fallback = False
        self.contact_us: int | None = None
        self.engine_on = 0
        self.throttle = 0.0
        self.pitch_cmd = 0.0
        self.safe_since_us: int | None = None
        self.safe_used = False
        #: powered descent: braking and pitch-up done (always, without a braking phase)
        self.braked = cfg.braking.h_gate_m <= 0.0
        self.internal_faults = 0
        self._unseen = 0
        self.attitude_rejected = 0
        self._flags = 0  # nav_flags bits 0-1 gathered since the last SYNC
        self._events: list[tuple[EventCode, float]] = []

    # --- the byte interface ------------------------------------------------------

    def receive(self, data: bytes) -> bytes:
        """Bytes from the harness in; the bytes to send back out (possibly empty)."""
        out = bytearray()
        frames = self.deframer.feed(data)
        n = len(frames)
        for i, frame in enumerate(frames):
            self._unseen = n - i - 1  # rx_frames counts up to the frame being answered
            self._dispatch(frame.apid, frame.packet, frame.cuc, out)
        self._unseen = 0
        return bytes(out)

    def resync(self) -> bytes:
        """The link went quiet with a partial candidate pending: give it up, hunt again."""
        out = bytearray()
        for frame in self.deframer.resync():
            self._dispatch(frame.apid, frame.packet, frame.cuc, out)
        return bytes(out)

    def _dispatch(self, apid: int, packet: object, cuc: int, out: bytearray) -> None:
        try:
            if apid == _IMU:
                self._on_imu(packet, cuc_to_us(cuc))  # type: ignore[arg-type]
            elif apid == _SYNC:
                out += self._on_sync(packet, cuc)  # type: ignore[arg-type]
            elif apid == _ATTITUDE:
                self._on_attitude(packet)  # type: ignore[arg-type]
            elif apid == _LRF:
                self._on_lrf(packet, cuc_to_us(cuc))  # type: ignore[arg-type]
            elif apid == _DISCRETES:
                self._on_discretes(packet, cuc_to_us(cuc))  # type: ignore[arg-type]
            elif apid == _PING:
                nonce = packet.nonce  # type: ignore[attr-defined]
                out += self.framer.encode(Pong(nonce, self._rx_frames()), cuc)
            elif apid == _VELOCIMETER:
                self._on_velocimeter(packet)  # type: ignore[arg-type]
            elif apid == _STATE_INIT:
                self._on_state_init(packet, cuc_to_us(cuc))  # type: ignore[arg-type]
            # F->H packets looped back, unknown and idle frames: counted by the deframer
        except Exception:
            self.internal_faults += 1
            self._events.append((EventCode.INTERNAL_FAULT, 0.0))
            if apid == _SYNC:
                out += self._safe_answer(packet, cuc)

    def _rx_frames(self) -> int:
        return (self.deframer.stats.frames - self._unseen) & 0xFFFFFFFF

    # --- inputs ------------------------------------------------------------------

    def _on_state_init(self, p: StateInit, t_us: int) -> None:
        cfg = self.cfg
        self.vert = VerticalFilter(
            p.alt_m, p.vz_mps, p.sigma_alt_m, p.sigma_v_mps, cfg.nav.bias_sigma0_mps2
        )
        self.horiz = HorizontalFilter(p.x_m, p.vx_mps, max(p.sigma_alt_m, 1.0), p.sigma_v_mps)
        self.mass_kg = max(p.mass_kg, cfg.vehicle.dry_mass_kg)
        self.nav_us = t_us
        self.hist = History(HISTORY_US)
        self.hist.record(t_us, 0.0, self.tilt)
        self._events.append((EventCode.STATE_INIT, p.alt_m))

    def _on_attitude(self, p: Attitude) -> None:
        norm2 = p.q_w * p.q_w + p.q_x * p.q_x + p.q_y * p.q_y + p.q_z * p.q_z
        if not p.status & 0x01 or not 0.5 < norm2 < 2.0:
            self.attitude_rejected += 1  # invalid, or not a unit quaternion: keep the last
            return
        rows = rotation_rows(p.q_w, p.q_x, p.q_y, p.q_z)
        self.rows = rows
        self.tilt = tilt_of_rows(*rows)

    def _on_imu(self, p: Imu, t_us: int) -> None:
        vert, horiz = self.vert, self.horiz
        if vert is None or horiz is None or not p.status & 0x01:
            return
        dt = p.interval_us / US
        if not 0.0 < dt <= MAX_IMU_DT_S or (self.nav_us is not None and t_us <= self.nav_us):
            return
        rx, rz = self.rows
        dv_x = rx[0] * p.dv_x + rx[1] * p.dv_y + rx[2] * p.dv_z
        dv_z = rz[0] * p.dv_x + rz[1] * p.dv_y + rz[2] * p.dv_z
        self._propagate(dv_x, dv_z, dt, t_us)
        self.last_imu_us = t_us

    def _propagate(self, dv_x: float, dv_z: float, dt: float, t_us: int) -> None:
        vert, horiz = self.vert, self.horiz
        assert vert is not None and horiz is not None
        nav = self.cfg.nav
        g = nav.g_mps2
        if nav.radius_m > 0.0:  # curved Moon, local frame: mu/r^2 less centrifugal; Coriolis
            r = nav.radius_m + vert.h
            g = -field_accel_z(vert.h, horiz.vx, g, nav.mu_m3ps2, nav.radius_m)
            dv_x -= horiz.vx * vert.vz / r * dt
        dh = vert.propagate(dv_z, dt, g, nav.accel_noise, nav.bias_walk)
        horiz.propagate(dv_x, dt, nav.accel_noise)
        if self.cfg.robust and nav.blind_sigma_per_m > 0 and self.braked and self._blind(t_us):
            vert.inflate_sigma_h(nav.blind_sigma_per_m * abs(dh))
        self.hist.record(t_us, dh, self.tilt)
        self.nav_us = t_us

    def _blind(self, now_us: int) -> bool:
        return not self.lrf.acquired or self.lrf.stale(now_us)

    def _on_lrf(self, p: Lrf, acq_us: int) -> None:
        vert = self.vert
        if vert is None or self.nav_us is None:
            return
        if abs(self.tilt) > math.radians(self.cfg.lrf.max_tilt_deg):
            return  # slant geometry too steep (braking): not used, not counted
        res = self.lrf.process(p.range_m, p.status, acq_us, self.nav_us, self.tilt, vert, self.hist)
        if res.accepted:
            self._flags |= 0x01
        if res.rejected:
            self._flags |= 0x02
        self._events.extend(res.events)

    def _on_velocimeter(self, p: Velocimeter) -> None:
        vert, horiz = self.vert, self.horiz
        if not self.cfg.robust or vert is None or horiz is None or not p.status & 0x01:
            return
        r = self.cfg.nav.velocimeter_sigma_mps**2
        gate = self.cfg.gates.velocimeter_chi2
        nu, s = vert.innovation(1, p.vz_mps, r)
        if nu * nu <= gate * s:
            vert.update(1, p.vz_mps, r)
        nu, s = horiz.velocity_innovation(p.vx_mps, r)
        if nu * nu <= gate * s:
            horiz.update_velocity(p.vx_mps, r)

    def _on_discretes(self, p: Discretes, t_us: int) -> None:
        vert = self.vert
        if not p.flags & 0x01 or vert is None or self.contact_us is not None:
            return
        if self.cfg.robust and vert.h - 3 * vert.sigma_h > self.cfg.schedule.contact_plausible_m:
            return  # a contact discrete kilometres up is a fault, not the ground
        self.contact_us = t_us
        self._events.append((EventCode.CONTACT, vert.vz))

    # --- the control cycle --------------------------------------------------------

    def _on_sync(self, p: Sync, cuc: int) -> bytes:
        t_us = cuc_to_us(cuc)
        dt = 0.0
        if self.last_tick_us is not None:
            dt = (t_us - self.last_tick_us) / US
            if not 0.0 <= dt <= MAX_TICK_DT_S:
                dt = 0.0
        self.last_tick_us = t_us
        if self.vert is None:
            self._set_phase(Phase.BOOT)
            self.engine_on, self.throttle, self.pitch_cmd = 0, 0.0, 0.0
        else:
            self._consume_propellant(dt)
            self._navigate_to(t_us)
            self._guide_and_control(t_us, dt)
        return self._answer(p.tick, cuc)

    def _consume_propellant(self, dt: float) -> None:
        """m' = -T / (Isp g0), on the thrust commanded over the last period."""
        v = self.cfg.vehicle
        if self.engine_on:
            thrust = self.throttle * v.max_thrust_n
            self.mass_kg = max(v.dry_mass_kg, self.mass_kg - thrust * dt / (v.isp_s * G0))

    def _navigate_to(self, t_us: int) -> None:
        """Fallback navigation: with no IMU for a while, propagate on the commanded thrust."""
        assert self.nav_us is not None
        last = self.last_imu_us if self.last_imu_us is not None else self.nav_us
        gap_s = (t_us - last) / US
        if gap_s > self.cfg.nav.fallback_after_s and t_us > self.nav_us:
            if not self.fallback:
                self.fallback = True
                self._events.append((EventCode.FALLBACK_ENTERED, gap_s))
            dt = min((t_us - self.nav_us) / US, MAX_IMU_DT_S)
            thrust = self.throttle * self.cfg.vehicle.max_thrust_n if self.engine_on else 0.0
            acc = thrust / self.mass_kg
            self._propagate(
                acc * math.sin(self.tilt) * dt, acc * math.cos(self.tilt) * dt, dt, t_us
            )
        elif self.fallback and gap_s <= self.cfg.nav.fallback_after_s:
            self.fallback = False
            self._events.append((EventCode.FALLBACK_EXITED, 0.0))

    def _guide_and_control(self, t_us: int, dt: float) -> None:
        cfg = self.cfg
        vert, horiz = self.vert, self.horiz
        assert vert is not None and horiz is not None
        if self.phase == Phase.LANDED or self._cut_off(t_us, vert):
            if self.phase != Phase.LANDED:
                self._events.append((EventCode.ENGINE_CUTOFF, vert.h))
                self._set_phase(Phase.LANDED)
            self.engine_on, self.throttle = 0, 0.0
            return
        if not self.braked:
            self._brake(dt)
            return
        sched = cfg.schedule
        blind = self._blind(t_us)
        if blind and self.lrf.acquired and not self.lrf.stale_reported:
            self.lrf.stale_reported = True
            last = self.lrf.last_accept_us or t_us
            self._events.append((EventCode.LRF_STALE, (t_us - last) / US))
        h_guide = vert.h
        if cfg.robust:
            h_guide -= sched.k_sigma * vert.sigma_h
        phase = self._next_phase(t_us, h_guide, blind)
        self._set_phase(phase)
        if phase == Phase.FINAL:
            vz_t, a_ff = -sched.v_final_mps, 0.0
        else:
            vz_t, a_ff = vz_schedule(h_guide, sched)
            if cfg.robust and blind and vz_t > -sched.v_blind_min_mps:
                vz_t, a_ff = -sched.v_blind_min_mps, 0.0
            if phase == Phase.SAFE and vz_t < -sched.v_safe_mps:
                vz_t, a_ff = -sched.v_safe_mps, 0.0
        gains, lim = cfg.gains, cfg.limits
        az = vertical_accel_cmd(vz_t, a_ff, vert.vz, gains.k_vz)
        ax = horizontal_accel_cmd(horiz.vx, gains.k_vx, gains.max_ax_mps2)
        upright = phase == Phase.FINAL or h_guide < sched.h_upright_m
        tilt_limit = math.radians(lim.land_tilt_deg if upright else lim.max_tilt_deg)
        step = math.radians(lim.max_tilt_rate_dps) * (dt if dt > 0 else cfg.period_us / US)
        alloc = allocate(
            self.mass_kg,
            cfg.nav.g_mps2,
            az,
            ax,
            max_thrust_n=cfg.vehicle.max_thrust_n,
            min_throttle=cfg.vehicle.min_throttle,
            tilt_limit_rad=tilt_limit,
            prev_pitch_rad=self.pitch_cmd,
            max_tilt_step_rad=step,
        )
        self.engine_on, self.throttle, self.pitch_cmd = 1, alloc.throttle, alloc.pitch_rad

    def _brake(self, dt: float) -> None:
        """Braking (E-guidance to the high gate), then the pitch-up (fsw_stub/braking.py)."""
        cfg = self.cfg
        vert, horiz = self.vert, self.horiz
        assert vert is not None and horiz is not None
        nav, lim, gains = cfg.nav, cfg.limits, cfg.gains
        step = math.radians(lim.max_tilt_rate_dps) * (dt if dt > 0 else cfg.period_us / US)
        a_field = field_accel_z(vert.h, horiz.vx, nav.g_mps2, nav.mu_m3ps2, nav.radius_m)
        if self.phase != Phase.PITCH_UP and abs(horiz.vx) > cfg.braking.vx_gate_mps:
            self._set_phase(Phase.BRAKING)
            c = braking_command(
                cfg.braking,
                h=vert.h,
                vz=vert.vz,
                vx=horiz.vx,
                mass_kg=self.mass_kg,
                max_thrust_n=cfg.vehicle.max_thrust_n,
                a_field_z=a_field,
                prev_pitch_rad=self.pitch_cmd,
                max_tilt_step_rad=step,
            )
            self.engine_on, self.throttle, self.pitch_cmd = 1, c.throttle, c.pitch_rad
            return
        self._set_phase(Phase.PITCH_UP)
        floor = math.radians(lim.max_tilt_deg)
        vz_t, a_ff = vz_schedule(vert.h, cfg.schedule)
        alloc = allocate(
            self.mass_kg,
            -a_field,
            vertical_accel_cmd(vz_t, a_ff, vert.vz, gains.k_vz),
            horizontal_accel_cmd(horiz.vx, gains.k_vx, gains.max_ax_mps2),
            max_thrust_n=cfg.vehicle.max_thrust_n,
            min_throttle=cfg.vehicle.min_throttle,
            tilt_limit_rad=pitch_up_tilt_limit(self.pitch_cmd, step, floor),
            prev_pitch_rad=self.pitch_cmd,
            max_tilt_step_rad=step,
        )
        self.engine_on, self.throttle, self.pitch_cmd = 1, alloc.throttle, alloc.pitch_rad
        if abs(alloc.pitch_rad) <= floor:
            self.braked = True  # the terminal phases fly from the next cycle

    def _cut_off(self, t_us: int, vert: VerticalFilter) -> bool:
        """Probe contact, then the footpads' estimated height down to cutoff_height_m.

        At contact the footpads are ``probe_length_m`` up; they come down at |vz|.
        Cutting at the probe itself would free-fall the whole probe length (1.5 m:
        > 2 m/s on the Moon from any descent rate).
        """
        if self.contact_us is None:
            return False
        fallen = (t_us - self.contact_us) / US * max(-vert.vz, 0.0)
        v = self.cfg.vehicle
        return v.probe_length_m - fallen <= self.cfg.schedule.cutoff_height_m

    def _next_phase(self, t_us: int, h_guide: float, blind: bool) -> Phase:
        sched = self.cfg.schedule
        if self.phase == Phase.FINAL:
            # a re-baseline onto higher terrain's far side can lift the estimate again
            return Phase.DESCENT if h_guide > 4 * sched.h_final_m else Phase.FINAL
        if h_guide <= sched.h_final_m:
            self.safe_since_us = None
            return Phase.FINAL
        if not self.cfg.robust:
            return Phase.DESCENT
        last = self.lrf.last_accept_us
        long_stale = (
            self.lrf.acquired and last is not None and t_us - last > sched.safe_after_s * US
        )
        if self.phase == Phase.SAFE:
            assert self.safe_since_us is not None
            spent = (t_us - self.safe_since_us) / US
            if not blind or spent > sched.safe_max_s:
                self.safe_since_us = None
                self._events.append((EventCode.SAFE_MODE_EXITED, spent))
                return Phase.DESCENT
            return Phase.SAFE
        if not blind:
            self.safe_used = False
        if long_stale and not self.safe_used:
            self.safe_used = True
            self.safe_since_us = t_us
            return Phase.SAFE
        return Phase.DESCENT

    def _set_phase(self, phase: Phase) -> None:
        if phase != self.phase:
            self.phase = phase
            self._events.append((EventCode.PHASE_CHANGE, float(phase)))

    # --- outputs ------------------------------------------------------------------

    def _nav_flags(self) -> int:
        flags = self._flags
        now = self.last_tick_us if self.last_tick_us is not None else 0
        if self.lrf.latched_failed:
            flags |= 0x04
        if self.vert is not None and self.lrf.stale(self.nav_us or now):
            flags |= 0x08
        if self.fallback:
            flags |= 0x10
        return flags

    def _answer(self, tick: int, cuc: int) -> bytes:
        out = bytearray()
        enc = self.framer.encode
        for code, value in self._events:
            out += enc(Event(int(code), SEVERITY[code], _finite(float(value))), cuc)
        self._events.clear()
        vert, horiz = self.vert, self.horiz
        st = self.deframer.stats
        m32 = 0xFFFFFFFF
        status = FswStatus(
            tick=tick,
            phase=int(self.phase),
            nav_flags=self._nav_flags(),
            est_alt_m=_finite(vert.h) if vert else 0.0,
            est_vz_mps=_finite(vert.vz) if vert else 0.0,
            est_vx_mps=_finite(horiz.vx) if horiz else 0.0,
            est_pitch_rad=_finite(self.tilt),
            lrf_accepted=self.lrf.accepted,
            lrf_rejected=self.lrf.rejected,
            rx_frames=self._rx_frames(),
            rx_crc_errors=st.crc_errors & m32,
            rx_skipped_bytes=st.skipped_bytes & m32,
            rx_rejected=st.rejected & m32,
        )
        self._flags = 0
        out += enc(status, cuc)
        throttle = min(max(_finite(self.throttle), 0.0), 1.0)
        out += enc(EngineCmd(tick, self.engine_on, throttle, _finite(self.pitch_cmd)), cuc)
        return bytes(out)

    def _safe_answer(self, packet: object, cuc: int) -> bytes:
        """After an internal fault in a cycle: keep the last command, still answer."""
        tick = packet.tick if isinstance(packet, Sync) else 0
        self._events = [(EventCode.INTERNAL_FAULT, 0.0)]
        try:
            return self._answer(tick, cuc)
        except Exception:
            self._events.clear()
            return self.framer.encode(EngineCmd(tick, 0, 0.0, 0.0), cuc, check=False)


def make(profile: str = "robust", **overrides: object) -> FlightSoftware:
    """A stub with the default vehicle (tests, benchmarks): 340 kg dry, 3.6 kN, Isp 310 s."""
    from fsw_stub.config import config_from_mapping

    doc: dict[str, object] = {
        "profile": profile,
        "period_us": 50_000,
        "vehicle": {
            "dry_mass_kg": 340.0,
            "max_thrust_n": 3600.0,
            "min_throttle": 0.15,
            "isp_s": 310.0,
        },
        "lrf": {"mount_tilt_rad": 0.0},
    }
    doc.update(overrides)
    return FlightSoftware(config_from_mapping(doc, "<make>"))
