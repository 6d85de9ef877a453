"""An independent, minimal plant that honours the ICD -- for closing the FSW stub's loop.

Deliberately *not* the harness's plant: point-mass planar dynamics with tilt, a
first-order engine lag, Isp mass flow, a rate-limited attitude, a 1-D terrain with an
optional step (cliff), and sensors spoken as ICD bytes through ``packets.Framer``:
IMU Δv/Δθ (100 Hz), ATTITUDE (20 Hz), LRF (10 Hz: noise, latency stamped or not,
late acquisition, max range), an optional VELOCIMETER, DISCRETES (contact probe).
If the stub lands here *and* in the harness plant, it depends on the ICD and its
config, not on either plant's internals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from packets import (
    Attitude,
    Discretes,
    Frame,
    Framer,
    Imu,
    Lrf,
    Ping,
    StateInit,
    Sync,
    Velocimeter,
    cuc_from_us,
)

G0 = 9.80665
US = 1_000_000


@dataclass(frozen=True)
class PlantOptions:
    alt0_m: float = 3000.0
    x0_m: float = 0.0
    vx0_mps: float = 8.0
    vz0_mps: float = -55.0
    dry_mass_kg: float = 340.0
    propellant_kg: float = 260.0
    max_thrust_n: float = 3600.0
    min_throttle: float = 0.15
    isp_s: float = 310.0
    engine_lag_s: float = 0.15
    tilt_rate_dps: float = 10.0
    g_mps2: float = 1.62
    step_us: int = 10_000
    imu_every: int = 1  # in plant steps
    attitude_every: int = 5
    lrf_every: int = 10
    velocimeter_every: int | None = None
    imu_accel_sigma_mps2: float = 0.002
    imu_bias_mps2: float = 0.0005
    lrf_noise_frac: float = 0.005
    lrf_noise_floor_m: float = 0.3
    lrf_max_range_m: float = 10_000.0
    lrf_mount_tilt_rad: float = 0.0
    lrf_valid_below_m: float | None = None  # late acquisition: invalid above this altitude
    lrf_latency_us: int = 0
    lrf_stamped: bool = True  # CUC = acquisition time (True) or delivery time (False)
    terrain_step_x_m: float | None = None  # terrain height changes by terrain_step_m here
    terrain_step_m: float = -3000.0
    probe_m: float = 1.5
    # STATE_INIT = truth + these errors
    init_alt_error_m: float = 0.0
    init_sigma_alt_m: float = 50.0
    init_sigma_v_mps: float = 2.0
    seed: int = 1


@dataclass
class Touchdown:
    t_s: float
    vz_mps: float
    vx_mps: float
    tilt_deg: float
    propellant_kg: float


@dataclass
class IcdPlant:
    o: PlantOptions
    t_us: int = 0
    x: float = 0.0
    z: float = 0.0
    vx: float = 0.0
    vz: float = 0.0
    tilt: float = 0.0
    mass: float = 0.0
    thrust: float = 0.0
    cmd_on: int = 0
    cmd_throttle: float = 0.0
    cmd_pitch: float = 0.0
    step: int = 0
    touchdown: Touchdown | None = None
    fuel_exhausted_at_s: float | None = None
    lrf_first_valid: tuple[float, float] | None = None  # (true alt, true vz)
    framer: Framer = field(default_factory=Framer)
    _queue: list[tuple[int, int, bytes]] = field(default_factory=list)
    _lrf_id: int = 0
    _dv_acc: float = 0.0
    _dth_acc: float = 0.0

    def __post_init__(self) -> None:
        o = self.o
        self.rng = np.random.default_rng(o.seed)
        self.x, self.vx, self.vz = o.x0_m, o.vx0_mps, o.vz0_mps
        self.z = o.alt0_m + self.terrain(o.x0_m)
        self.mass = o.dry_mass_kg + o.propellant_kg

    def terrain(self, x: float) -> float:
        o = self.o
        if o.terrain_step_x_m is not None and x >= o.terrain_step_x_m:
            return o.terrain_step_m
        return 0.0

    @property
    def alt(self) -> float:
        return self.z - self.terrain(self.x)

    def state_init(self) -> StateInit:
        o = self.o
        return StateInit(
            self.alt + o.init_alt_error_m,
            self.x,
            self.vx,
            self.vz,
            self.mass,
            o.init_sigma_alt_m,
            o.init_sigma_v_mps,
        )

    def command(self, engine_on: int, throttle: float, pitch: float) -> None:
        self.cmd_on, self.cmd_throttle, self.cmd_pitch = engine_on, throttle, pitch

    # --- dynamics ---------------------------------------------------------------

    def _step(self) -> None:
        o = self.o
        dt = o.step_us / US
        target = o.max_thrust_n * min(max(self.cmd_throttle, o.min_throttle), 1.0)
        if not self.cmd_on:
            target = 0.0
        self.thrust += (target - self.thrust) * (1.0 - math.exp(-dt / o.engine_lag_s))
        if self.mass <= o.dry_mass_kg:
            self.thrust = 0.0
            if self.fuel_exhausted_at_s is None:
                self.fuel_exhausted_at_s = self.t_us / US
        max_step = math.radians(o.tilt_rate_dps) * dt
        tilt0 = self.tilt
        self.tilt += max(-max_step, min(max_step, self.cmd_pitch - self.tilt))
        f = self.thrust / self.mass
        ax, az = f * math.sin(self.tilt), f * math.cos(self.tilt) - o.g_mps2
        alt0, vz0, vx0 = self.alt, self.vz, self.vx
        self.x += self.vx * dt + 0.5 * ax * dt * dt
        self.z += self.vz * dt + 0.5 * az * dt * dt
        self.vx += ax * dt
        self.vz += az * dt
        self.mass = max(o.dry_mass_kg, self.mass - self.thrust * dt / (o.isp_s * G0))
        self.step += 1
        self.t_us += o.step_us
        if self.alt <= 0.0 and self.touchdown is None:
            w = alt0 / (alt0 - self.alt) if alt0 > self.alt else 1.0
            self.touchdown = Touchdown(
                self.t_us / US,
                vz0 + w * (self.vz - vz0),
                vx0 + w * (self.vx - vx0),
                math.degrees(self.tilt),
                self.mass - o.dry_mass_kg,
            )
        self._sense(f * dt, self.tilt - tilt0)

    # --- sensors ----------------------------------------------------------------

    def _emit(self, packet: object, due_us: int, cuc_us: int) -> None:
        self._queue.append((due_us, cuc_us, packet))  # type: ignore[arg-type]

    def _sense(self, dv_thrust: float, dth: float) -> None:
        o, n, t = self.o, self.step, self.t_us
        rng = self.rng
        self._dv_acc += dv_thrust
        self._dth_acc += dth
        if n % o.imu_every == 0:
            dv_thrust, dth = self._dv_acc, self._dth_acc
            self._dv_acc = self._dth_acc = 0.0
            dt = o.imu_every * o.step_us / US
            s = o.imu_accel_sigma_mps2 * dt
            dvx = dv_thrust + o.imu_bias_mps2 * dt + s * rng.standard_normal()
            self._emit(
                Imu(
                    dvx,
                    s * rng.standard_normal(),
                    s * rng.standard_normal(),
                    0.0,
                    dth,
                    0.0,
                    o.imu_every * o.step_us,
                    1,
                ),
                t,
                t,
            )
        if n % o.attitude_every == 0:
            phi = self.tilt - math.pi / 2
            self._emit(Attitude(math.cos(phi / 2), 0.0, math.sin(phi / 2), 0.0, 1), t, t)
        if n % o.lrf_every == 0:
            self._lrf_id = (self._lrf_id + 1) & 0xFFFF
            psi = self.tilt + o.lrf_mount_tilt_rad
            alt = self.alt
            rng_m = alt / math.cos(psi) if math.cos(psi) > 0.05 else math.inf
            if o.lrf_valid_below_m is not None and alt > o.lrf_valid_below_m:
                pkt = Lrf(0.0, 0x04, 0, self._lrf_id)
            elif not 0.0 < rng_m <= o.lrf_max_range_m:
                pkt = Lrf(0.0, 0x02, 0, self._lrf_id)
            else:
                sigma = o.lrf_noise_frac * rng_m + o.lrf_noise_floor_m
                meas = max(0.01, rng_m + sigma * rng.standard_normal())
                pkt = Lrf(meas, 0x01, 200, self._lrf_id)
                if self.lrf_first_valid is None:
                    self.lrf_first_valid = (alt, self.vz)
            due = t + o.lrf_latency_us
            self._emit(pkt, due, t if o.lrf_stamped else due)
        if o.velocimeter_every and n % o.velocimeter_every == 0:
            self._emit(Velocimeter(self.vx, 0.0, self.vz, 1), t, t)

    def advance_to(self, t_us: int) -> bytes:
        """Integrate to t_us; the bytes of every sensor frame due by then, in due order."""
        while self.t_us < t_us and self.touchdown is None:
            self._step()
        due = sorted((q for q in self._queue if q[0] <= t_us), key=lambda q: q[0])
        self._queue = [q for q in self._queue if q[0] > t_us]
        enc = self.framer.encode
        return b"".join(enc(p, cuc_from_us(c)) for _, c, p in due)  # type: ignore[arg-type]

    def discretes_and_sync(self, tick: int, period_us: int) -> bytes:
        t = tick * period_us
        contact = 1 if self.alt <= self.o.probe_m else 0
        return self.framer.encode(Discretes(contact, 0), cuc_from_us(t)) + self.framer.encode(
            Sync(tick, period_us), cuc_from_us(t)
        )

    def boot_bytes(self, nonce: int = 7) -> bytes:
        return self.framer.encode(self.state_init(), 0) + self.framer.encode(Ping(nonce), 0)


@dataclass
class Outcome:
    verdict: str
    touchdown: Touchdown | None
    fuel_exhausted_at_s: float | None
    statuses: list[Frame]
    events: list[Frame]
    lrf_first_valid: tuple[float, float] | None
    sim_s: float

    def flags_ever(self) -> int:
        f = 0
        for s in self.statuses:
            f |= s.packet.nav_flags  # type: ignore[union-attr]
        return f

    def event_codes(self) -> set[int]:
        return {e.packet.code for e in self.events}  # type: ignore[union-attr]


def verdict_of(td: Touchdown | None) -> str:
    """docs/design.md thresholds (tilt rate is not modelled here)."""
    if td is None:
        return "no_touchdown"
    if abs(td.vz_mps) <= 2.0 and abs(td.vx_mps) <= 0.5 and abs(td.tilt_deg) <= 10.0:
        return "soft"
    if abs(td.vz_mps) <= 3.0 and abs(td.vx_mps) <= 1.0 and abs(td.tilt_deg) <= 12.0:
        return "marginal"
    return "crash"


def fly(plant: IcdPlant, fsw: object, max_s: float = 600.0, period_us: int = 50_000) -> Outcome:
    """Lockstep (ICD §4): sensors due by t_k, DISCRETES, SYNC(k); apply ENGINE_CMD(k)."""
    from packets import Apid, Deframer

    receive = fsw.receive  # type: ignore[attr-defined]
    rx = Deframer()
    out = rx.feed(receive(plant.boot_bytes()))
    assert any(f.apid == Apid.PONG for f in out), "no PONG at boot"
    statuses: list[Frame] = []
    events: list[Frame] = []
    k = 0
    while plant.touchdown is None and k * period_us <= max_s * US:
        data = plant.advance_to(k * period_us)
        if plant.touchdown is not None:
            break
        frames = rx.feed(receive(data + plant.discretes_and_sync(k, period_us)))
        assert frames and frames[-1].apid == Apid.ENGINE_CMD, f"tick {k}: ENGINE_CMD not last"
        cmd = frames[-1].packet
        assert cmd.tick == k  # type: ignore[union-attr]
        for f in frames[:-1]:
            if f.apid == Apid.FSW_STATUS:
                statuses.append(f)
            elif f.apid == Apid.EVENT:
                events.append(f)
        plant.command(cmd.engine_on, cmd.throttle, cmd.pitch_cmd_rad)  # type: ignore[union-attr]
        k += 1
    return Outcome(
        verdict_of(plant.touchdown),
        plant.touchdown,
        plant.fuel_exhausted_at_s,
        statuses,
        events,
        plant.lrf_first_valid,
        plant.t_us / US,
    )
