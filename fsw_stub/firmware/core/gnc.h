/* Guidance (fsw_stub/guidance.py: the velocity-versus-altitude schedule) and control
 * (fsw_stub/control.py: thrust allocation with vertical priority, tilt and tilt-rate
 * limits), in the Python stub's order of operations. */
#ifndef LUNAR_HIL_GNC_H
#define LUNAR_HIL_GNC_H

#include "fsw_config.h"

/* vz_target (m/s, +up) and the feed-forward vertical acceleration at altitude h */
void gnc_vz_schedule(const fsw_config_t *c, fsw_real h, fsw_real *vz_target, fsw_real *a_ff);
fsw_real gnc_vertical_accel_cmd(fsw_real vz_target, fsw_real a_ff, fsw_real vz, fsw_real k_vz);
fsw_real gnc_horizontal_accel_cmd(fsw_real vx, fsw_real k_vx, fsw_real max_ax);

typedef struct {
    fsw_real throttle, pitch_rad;
} gnc_allocation_t;

gnc_allocation_t gnc_allocate(fsw_real mass_kg, fsw_real g, fsw_real az_cmd, fsw_real ax_cmd,
                              fsw_real max_thrust_n, fsw_real min_throttle,
                              fsw_real tilt_limit_rad, fsw_real prev_pitch_rad,
                              fsw_real max_tilt_step_rad);

#endif
