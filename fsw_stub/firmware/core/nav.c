#include <stddef.h>

#include "nav.h"

int nav_rotation_rows(fsw_real qw, fsw_real qx, fsw_real qy, fsw_real qz, nav_rows_t *out) {
    fsw_real n = R_SQRT(qw * qw + qx * qx + qy * qy + qz * qz);
    if (!(n > R(1e-6))) return -1;
    qw = qw / n;
    qx = qx / n;
    qy = qy / n;
    qz = qz / n;
    out->x[0] = 1 - 2 * (qy * qy + qz * qz);
    out->x[1] = 2 * (qx * qy - qw * qz);
    out->x[2] = 2 * (qx * qz + qw * qy);
    out->z[0] = 2 * (qx * qz - qw * qy);
    out->z[1] = 2 * (qy * qz + qw * qx);
    out->z[2] = 1 - 2 * (qx * qx + qy * qy);
    return 0;
}

fsw_real nav_tilt_of_rows(const nav_rows_t *r) { return R_ATAN2(r->x[0], r->z[0]); }

void vf_init(vfilter_t *f, fsw_real h, fsw_real vz, fsw_real sigma_h, fsw_real sigma_v,
             fsw_real sigma_b) {
    f->h = h;
    f->vz = vz;
    f->b = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) f->P[i][j] = 0;
    f->P[0][0] = sigma_h * sigma_h;
    f->P[1][1] = sigma_v * sigma_v;
    f->P[2][2] = sigma_b * sigma_b;
}

fsw_real vf_sigma_h(const vfilter_t *f) { return R_SQRT(r_max(f->P[0][0], 0)); }

fsw_real vf_propagate(vfilter_t *f, fsw_real dv_z, fsw_real dt, fsw_real g, fsw_real q_a,
                      fsw_real q_b) {
    fsw_real a = dv_z / dt - g - f->b;
    fsw_real dh = f->vz * dt + R(0.5) * a * dt * dt;
    f->h += dh;
    f->vz += a * dt;
    fsw_real(*P)[3] = f->P;
    fsw_real phh = P[0][0], phv = P[0][1], phb = P[0][2];
    fsw_real pvv = P[1][1], pvb = P[1][2];
    fsw_real pbb = P[2][2];
    fsw_real c = R(-0.5) * dt * dt;
    fsw_real d = -dt;
    fsw_real r00 = phh + dt * phv + c * phb;
    fsw_real r01 = phv + dt * pvv + c * pvb;
    fsw_real r02 = phb + dt * pvb + c * pbb;
    fsw_real r11 = pvv + d * pvb;
    fsw_real r12 = pvb + d * pbb;
    fsw_real qa2 = q_a * q_a;
    fsw_real n00 = r00 + dt * r01 + c * r02 + qa2 * R_POW(dt, 3) / 3;
    fsw_real n01 = r01 + d * r02 + qa2 * dt * dt / 2;
    fsw_real n11 = r11 + d * r12 + qa2 * dt;
    fsw_real n22 = pbb + q_b * q_b * dt;
    P[0][0] = n00;
    P[0][1] = P[1][0] = n01;
    P[0][2] = P[2][0] = r02;
    P[1][1] = n11;
    P[1][2] = P[2][1] = r12;
    P[2][2] = n22;
    return dh;
}

fsw_real vf_innovation(const vfilter_t *f, int i, fsw_real z, fsw_real r, fsw_real *s) {
    fsw_real x = i == 0 ? f->h : i == 1 ? f->vz : f->b;
    *s = f->P[i][i] + r;
    return z - x;
}

fsw_real vf_update(vfilter_t *f, int i, fsw_real z, fsw_real r) {
    fsw_real s;
    fsw_real nu = vf_innovation(f, i, z, r, &s);
    fsw_real row[3] = {f->P[i][0], f->P[i][1], f->P[i][2]};
    fsw_real k[3] = {row[0] / s, row[1] / s, row[2] / s};
    f->h += k[0] * nu;
    f->vz += k[1] * nu;
    f->b += k[2] * nu;
    for (int a = 0; a < 3; a++) {
        for (int c = a; c < 3; c++) {
            fsw_real v = f->P[a][c] - k[a] * row[c];
            f->P[a][c] = v;
            f->P[c][a] = v;
        }
    }
    return nu;
}

void vf_rebaseline(vfilter_t *f, fsw_real h, fsw_real sigma_h) {
    f->h = h;
    f->P[0][0] = sigma_h * sigma_h;
    f->P[0][1] = f->P[1][0] = 0;
    f->P[0][2] = f->P[2][0] = 0;
}

void vf_inflate_sigma_h(vfilter_t *f, fsw_real extra_m) {
    fsw_real s = vf_sigma_h(f);
    if (s > 0) {
        fsw_real scale = (s + extra_m) / s;
        f->P[0][0] *= scale * scale;
        f->P[0][1] *= scale;
        f->P[1][0] = f->P[0][1];
        f->P[0][2] *= scale;
        f->P[2][0] = f->P[0][2];
    } else {
        f->P[0][0] = extra_m * extra_m;
    }
}

void hf_init(hfilter_t *f, fsw_real x, fsw_real vx, fsw_real sigma_x, fsw_real sigma_v) {
    f->x = x;
    f->vx = vx;
    f->P[0][0] = sigma_x * sigma_x;
    f->P[0][1] = f->P[1][0] = 0;
    f->P[1][1] = sigma_v * sigma_v;
}

void hf_propagate(hfilter_t *f, fsw_real dv_x, fsw_real dt, fsw_real q_a) {
    fsw_real a = dv_x / dt;
    f->x += f->vx * dt + R(0.5) * a * dt * dt;
    f->vx += a * dt;
    fsw_real p00 = f->P[0][0], p01 = f->P[0][1], p11 = f->P[1][1];
    fsw_real qa2 = q_a * q_a;
    fsw_real n00 = p00 + 2 * dt * p01 + dt * dt * p11 + qa2 * R_POW(dt, 3) / 3;
    fsw_real n01 = p01 + dt * p11 + qa2 * dt * dt / 2;
    f->P[0][0] = n00;
    f->P[0][1] = f->P[1][0] = n01;
    f->P[1][1] = p11 + qa2 * dt;
}

fsw_real hf_velocity_innovation(const hfilter_t *f, fsw_real z, fsw_real r, fsw_real *s) {
    *s = f->P[1][1] + r;
    return z - f->vx;
}

void hf_update_velocity(hfilter_t *f, fsw_real z, fsw_real r) {
    fsw_real s;
    fsw_real nu = hf_velocity_innovation(f, z, r, &s);
    fsw_real k0 = f->P[0][1] / s, k1 = f->P[1][1] / s;
    f->x += k0 * nu;
    f->vx += k1 * nu;
    fsw_real p01 = f->P[0][1], p11 = f->P[1][1];
    f->P[0][0] -= k0 * p01;
    f->P[0][1] = f->P[1][0] = f->P[0][1] - k0 * p11;
    f->P[1][1] -= k1 * p11;
}

void hist_init(history_t *h, int64_t keep_us) {
    h->keep_us = keep_us;
    h->total = 0;
    h->head = 0;
    h->n = 0;
}

static size_t slot(const history_t *h, size_t i) { return (h->head + i) % NAV_HISTORY_CAP; }

/* first index i with t[i] >= t (bisect_left) */
static size_t bisect_left(const history_t *h, int64_t t) {
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->t[slot(h, mid)] < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

void hist_record(history_t *h, int64_t t_us, fsw_real dh, fsw_real tilt) {
    h->total += dh;
    if (h->n > 0 && t_us <= h->t[slot(h, h->n - 1)]) return;
    if (h->n == NAV_HISTORY_CAP) { /* full: the oldest goes */
        h->head = slot(h, 1);
        h->n--;
    }
    size_t k = slot(h, h->n);
    h->t[k] = t_us;
    h->disp[k] = h->total;
    h->tilt[k] = tilt;
    h->n++;
    if (h->n > 64 && t_us - h->t[h->head] > 2 * h->keep_us) {
        size_t cut = bisect_left(h, t_us - h->keep_us);
        h->head = slot(h, cut);
        h->n -= cut;
    }
}

int hist_at(const history_t *h, int64_t t_us, fsw_real *disp, fsw_real *tilt) {
    if (h->n == 0 || t_us < h->t[h->head] - 1) return -1;
    size_t last = slot(h, h->n - 1);
    if (t_us >= h->t[last]) {
        *disp = h->disp[last];
        *tilt = h->tilt[last];
        return 0;
    }
    size_t i = bisect_left(h, t_us);
    size_t k = slot(h, i);
    if (h->t[k] == t_us || i == 0) {
        *disp = h->disp[k];
        *tilt = h->tilt[k];
        return 0;
    }
    size_t k0 = slot(h, i - 1);
    fsw_real w = (fsw_real)(t_us - h->t[k0]) / (fsw_real)(h->t[k] - h->t[k0]);
    *disp = h->disp[k0] + w * (h->disp[k] - h->disp[k0]);
    *tilt = w > R(0.5) ? h->tilt[k] : h->tilt[k0];
    return 0;
}
