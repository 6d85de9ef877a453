#include "lrf.h"

#include <string.h>

#include "events.h"
#include "icd.h"

void lrf_init(lrf_monitor_t *m, const fsw_config_t *cfg) {
    memset(m, 0, sizeof *m);
    m->cfg = cfg;
    m->robust = cfg->profile == FSW_PROFILE_ROBUST;
    m->last_accept_us = FSW_NONE;
}

int lrf_stale(const lrf_monitor_t *m, int64_t now_us) {
    return m->last_accept_us == FSW_NONE ||
           (fsw_real)(now_us - m->last_accept_us) > m->cfg->lrf_stale_s * US_PER_S;
}

fsw_real lrf_chi2_99(int32_t dof) {
    fsw_real k = (fsw_real)(dof > 1 ? dof : 1);
    fsw_real z = R(2.3263);
    return k * R_POW(R(1.0) - R(2.0) / (R(9.0) * k) + z * R_SQRT(R(2.0) / (R(9.0) * k)), 3);
}

static void event(lrf_result_t *r, int code, fsw_real value) {
    r->codes[r->n_events] = code;
    r->values[r->n_events] = value;
    r->n_events++;
}

static void window_append(lrf_monitor_t *m, int rejected, fsw_real alt, fsw_real disp) {
    int32_t cap = m->cfg->gates_rebaseline_n;
    if (m->w_n == cap) {
        m->w_head = (m->w_head + 1) % LRF_WINDOW_CAP;
        m->w_n--;
    }
    lrf_sample_t *s = &m->window[(m->w_head + m->w_n) % LRF_WINDOW_CAP];
    s->rejected = rejected;
    s->alt = alt;
    s->disp = disp;
    m->w_n++;
}

static void accept(lrf_monitor_t *m, int64_t now_us, const vfilter_t *kf, lrf_result_t *res) {
    if (m->accepted < 0xFFFFu) m->accepted++;
    m->consecutive_rejections = 0;
    m->consecutive_accepts++;
    m->last_accept_us = now_us;
    m->stale_reported = 0;
    window_append(m, 0, 0, 0);
    res->accepted = 1;
    if (!m->acquired && m->consecutive_accepts >= m->cfg->lrf_acquire_n) {
        m->acquired = 1;
        event(res, EV_LRF_ACQUIRED, kf->h);
    }
}

static void reject(lrf_monitor_t *m, fsw_real nu, fsw_real alt, fsw_real disp_acq,
                   fsw_real sigma, int64_t now_us, vfilter_t *kf, const history_t *hist,
                   lrf_result_t *res) {
    const fsw_config_t *cfg = m->cfg;
    if (m->rejected < 0xFFFFu) m->rejected++;
    m->consecutive_rejections++;
    m->consecutive_accepts = 0;
    res->rejected = 1;
    if (m->consecutive_rejections == 1) event(res, EV_LRF_REJECTED, nu);
    if (!m->robust) {
        if (m->consecutive_rejections >= cfg->gates_latch_n) {
            m->latched_failed = 1;
            event(res, EV_LRF_LATCHED_FAILED, nu);
        }
        return;
    }
    window_append(m, 1, alt, disp_acq);
    /* the altitudes the rejected samples imply now, the last M of them */
    int32_t mm = cfg->gates_rebaseline_m;
    fsw_real implied[LRF_WINDOW_CAP];
    int32_t n = 0;
    for (int32_t i = 0; i < m->w_n; i++) {
        const lrf_sample_t *s = &m->window[(m->w_head + i) % LRF_WINDOW_CAP];
        if (s->rejected) implied[n++] = s->alt + hist->total - s->disp;
    }
    if (n < mm) return;
    const fsw_real *last = implied + (n - mm);
    fsw_real sum = 0;
    for (int32_t i = 0; i < mm; i++) sum += last[i];
    fsw_real mean = sum / (fsw_real)mm;
    fsw_real var = sigma * sigma + R_POW(cfg->gates_terrain_sigma_m, 2);
    fsw_real ss = 0;
    for (int32_t i = 0; i < mm; i++) ss += (last[i] - mean) * (last[i] - mean);
    if (ss / var <= lrf_chi2_99(mm - 1)) {
        fsw_real step = mean - kf->h;
        vf_rebaseline(kf, mean, R_SQRT(var / (fsw_real)mm));
        m->w_n = 0;
        m->w_head = 0;
        m->consecutive_rejections = 0;
        m->last_accept_us = now_us;
        m->stale_reported = 0;
        event(res, EV_LRF_REBASELINED, step);
        if (!m->acquired) {
            m->acquired = 1;
            event(res, EV_LRF_ACQUIRED, mean);
        }
    }
}

void lrf_process(lrf_monitor_t *m, fsw_real range_m, unsigned status, int64_t acq_us,
                 int64_t now_us, fsw_real tilt_now, vfilter_t *kf, const history_t *hist,
                 lrf_result_t *res) {
    const fsw_config_t *cfg = m->cfg;
    memset(res, 0, sizeof *res);
    if (!(status & ICD_LRF_STATUS_VALID) || range_m <= 0) return; /* not a measurement */
    if (m->latched_failed) {
        if (m->rejected < 0xFFFFu) m->rejected++;
        res->rejected = 1;
        return;
    }
    fsw_real shift = 0, tilt = tilt_now, disp_acq = hist->total;
    if (m->robust) {
        int64_t age_us = now_us - acq_us;
        if ((fsw_real)age_us > cfg->lrf_max_latency_s * US_PER_S) return; /* too old */
        fsw_real d, t;
        if (age_us > 0 && hist_at(hist, acq_us, &d, &t) == 0) {
            disp_acq = d;
            tilt = t;
            shift = hist->total - disp_acq;
        }
    }
    fsw_real cos_psi = R_COS(tilt + cfg->lrf_mount_tilt_rad);
    if (cos_psi < R(0.2)) return; /* boresight too far from the vertical */
    fsw_real alt = range_m * cos_psi;
    fsw_real sigma = cfg->lrf_noise_frac * range_m + cfg->lrf_noise_floor_m;
    fsw_real r = sigma * sigma;
    fsw_real z = alt + shift;
    fsw_real s;
    fsw_real nu = vf_innovation(kf, 0, z, r, &s);
    fsw_real frac = m->acquired ? cfg->gates_relief_frac : cfg->gates_acquire_relief_frac;
    fsw_real relief = cfg->gates_relief_floor_m + frac * r_max(kf->h, 0);
    if (nu * nu <= cfg->gates_chi2 * s || R_FABS(nu) <= relief) {
        vf_update(kf, 0, z, r);
        accept(m, now_us, kf, res);
        return;
    }
    reject(m, nu, alt, disp_acq, sigma, now_us, kf, hist, res);
}
