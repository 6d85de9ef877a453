#include "gnc.h"

void gnc_vz_schedule(const fsw_config_t *c, fsw_real h, fsw_real *vz_target, fsw_real *a_ff) {
    if (h <= c->schedule_h_final_m) {
        *vz_target = -c->schedule_v_final_mps;
        *a_ff = 0;
        return;
    }
    fsw_real v = R_SQRT(c->schedule_v_final_mps * c->schedule_v_final_mps +
                        R(2.0) * c->schedule_decel_mps2 * (h - c->schedule_h_final_m));
    if (v >= c->schedule_v_max_mps) {
        *vz_target = -c->schedule_v_max_mps;
        *a_ff = 0;
        return;
    }
    *vz_target = -v;
    *a_ff = c->schedule_decel_mps2;
}

fsw_real gnc_vertical_accel_cmd(fsw_real vz_target, fsw_real a_ff, fsw_real vz, fsw_real k_vz) {
    return k_vz * (vz_target - vz) + a_ff;
}

fsw_real gnc_horizontal_accel_cmd(fsw_real vx, fsw_real k_vx, fsw_real max_ax) {
    return r_max(-max_ax, r_min(max_ax, -k_vx * vx));
}

gnc_allocation_t gnc_allocate(fsw_real mass_kg, fsw_real g, fsw_real az_cmd, fsw_real ax_cmd,
                              fsw_real max_thrust_n, fsw_real min_throttle,
                              fsw_real tilt_limit_rad, fsw_real prev_pitch_rad,
                              fsw_real max_tilt_step_rad) {
    fsw_real fz = r_min(r_max(mass_kg * (g + az_cmd), 0), max_thrust_n);
    fsw_real fx_room = r_min(R_SQRT(r_max(max_thrust_n * max_thrust_n - fz * fz, 0)),
                             fz * R_TAN(tilt_limit_rad));
    fsw_real fx = r_max(-fx_room, r_min(fx_room, mass_kg * ax_cmd));
    fsw_real want = fz > 0 ? R_ATAN2(fx, fz) : 0;
    fsw_real step = r_max(-max_tilt_step_rad, r_min(max_tilt_step_rad, want - prev_pitch_rad));
    fsw_real pitch = r_max(-tilt_limit_rad, r_min(tilt_limit_rad, prev_pitch_rad + step));
    fsw_real thrust = r_min(fz / R_COS(pitch), max_thrust_n);
    gnc_allocation_t a;
    a.throttle = r_max(min_throttle, r_min(R(1.0), thrust / max_thrust_n));
    a.pitch_rad = pitch;
    return a;
}
