/* Navigation: a port of fsw_stub/nav.py -- attitude rows from the quaternion, the vertical
 * (h, vz, accel bias) and horizontal (x, vx) Kalman filters, and the displacement/tilt
 * history that carries late LRF measurements to now. Expressions keep the Python
 * stub's order of operations, so the double build follows it to the last bits. */
#ifndef LUNAR_HIL_NAV_H
#define LUNAR_HIL_NAV_H

#include <stdint.h>

#include "fsw_real.h"

typedef struct {
    fsw_real x[3]; /* row 0 of R(q): world x of body X, Y, Z */
    fsw_real z[3]; /* row 2 of R(q): world z */
} nav_rows_t;

/* rows of R(q), normalising q first; 0, or -1 for a degenerate quaternion */
int nav_rotation_rows(fsw_real qw, fsw_real qx, fsw_real qy, fsw_real qz, nav_rows_t *out);
fsw_real nav_tilt_of_rows(const nav_rows_t *r);

typedef struct {
    fsw_real h, vz, b;
    fsw_real P[3][3];
} vfilter_t;

void vf_init(vfilter_t *f, fsw_real h, fsw_real vz, fsw_real sigma_h, fsw_real sigma_v,
             fsw_real sigma_b);
fsw_real vf_sigma_h(const vfilter_t *f);
/* one IMU interval; returns the vertical displacement predicted */
fsw_real vf_propagate(vfilter_t *f, fsw_real dv_z, fsw_real dt, fsw_real g, fsw_real q_a,
                      fsw_real q_b);
/* innovation of a measurement z of state i (variance r); *s gets its variance */
fsw_real vf_innovation(const vfilter_t *f, int i, fsw_real z, fsw_real r, fsw_real *s);
fsw_real vf_update(vfilter_t *f, int i, fsw_real z, fsw_real r);
void vf_rebaseline(vfilter_t *f, fsw_real h, fsw_real sigma_h);
void vf_inflate_sigma_h(vfilter_t *f, fsw_real extra_m);

typedef struct {
    fsw_real x, vx;
    fsw_real P[2][2];
} hfilter_t;

void hf_init(hfilter_t *f, fsw_real x, fsw_real vx, fsw_real sigma_x, fsw_real sigma_v);
void hf_propagate(hfilter_t *f, fsw_real dv_x, fsw_real dt, fsw_real q_a);
fsw_real hf_velocity_innovation(const hfilter_t *f, fsw_real z, fsw_real r, fsw_real *s);
void hf_update_velocity(hfilter_t *f, fsw_real z, fsw_real r);

/* History of predicted displacement and tilt by time. Python keeps a list trimmed to the
 * last keep_us once it spans 2 keep_us; here a ring of NAV_HISTORY_CAP records does the
 * same (4096 records: 10 s of IMU at up to 400 Hz; beyond that the oldest go first). */
#define NAV_HISTORY_CAP 4096
typedef struct {
    int64_t keep_us;
    fsw_real total;
    size_t head, n;
    int64_t t[NAV_HISTORY_CAP];
    fsw_real disp[NAV_HISTORY_CAP];
    fsw_real tilt[NAV_HISTORY_CAP];
} history_t;

void hist_init(history_t *h, int64_t keep_us);
void hist_record(history_t *h, int64_t t_us, fsw_real dh, fsw_real tilt);
/* (displacement, tilt) at t, linear between records; 0, or -1 if t is not covered */
int hist_at(const history_t *h, int64_t t_us, fsw_real *disp, fsw_real *tilt);

#endif
