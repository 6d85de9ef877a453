#include "fsw.h"

#include <string.h>

#include "gnc.h"

/* Integer microseconds nearest to a CUC time (coarse << 16 | fine), without overflow. */
static int64_t cuc_to_us(uint64_t cuc) {
    int64_t coarse = (int64_t)(cuc >> 16), fine = (int64_t)(cuc & 0xFFFFu);
    return coarse * US_PER_S + (fine * US_PER_S + ICD_CUC_FINE_PER_S / 2) / ICD_CUC_FINE_PER_S;
}

static fsw_real us_to_s(int64_t us) { return (fsw_real)us / (fsw_real)US_PER_S; }

static void add_event(fsw_t *f, int code, fsw_real value) {
    if (f->n_events == FSW_MAX_EVENTS) {
        f->events_dropped++;
        return;
    }
    f->ev_code[f->n_events] = code;
    f->ev_value[f->n_events] = value;
    f->n_events++;
}

static void set_phase(fsw_t *f, fsw_phase_t phase) {
    if (phase != f->phase) {
        f->phase = phase;
        add_event(f, EV_PHASE_CHANGE, (fsw_real)phase);
    }
}

int fsw_init(fsw_t *f, const fsw_config_t *cfg) {
    if (cfg->gates_rebaseline_n > LRF_WINDOW_CAP || cfg->gates_rebaseline_n < 1) return -1;
    memset(f, 0, sizeof *f);
    f->cfg = *cfg;
    f->robust = cfg->profile == FSW_PROFILE_ROBUST;
    dfr_init(&f->dfr);
    f->phase = PHASE_BOOT;
    hist_init(&f->hist, FSW_HISTORY_US);
    lrf_init(&f->lrf, &f->cfg);
    f->rows.x[2] = 1; /* upright: body X -> world z */
    f->rows.z[0] = 1;
    f->mass_kg = cfg->vehicle_dry_mass_kg;
    f->nav_us = f->last_imu_us = f->last_tick_us = FSW_NONE;
    f->contact_us = f->safe_since_us = FSW_NONE;
    return 0;
}

/* --- inputs --------------------------------------------------------------------- */

static int blind(const fsw_t *f, int64_t now_us) {
    return !f->lrf.acquired || lrf_stale(&f->lrf, now_us);
}

static void on_state_init(fsw_t *f, const icd_state_init_t *p, int64_t t_us) {
    const fsw_config_t *c = &f->cfg;
    vf_init(&f->vert, p->alt_m, p->vz_mps, p->sigma_alt_m, p->sigma_v_mps,
            c->nav_bias_sigma0_mps2);
    hf_init(&f->horiz, p->x_m, p->vx_mps, r_max(p->sigma_alt_m, R(1.0)), p->sigma_v_mps);
    f->has_nav = 1;
    f->mass_kg = r_max(p->mass_kg, c->vehicle_dry_mass_kg);
    f->nav_us = t_us;
    hist_init(&f->hist, FSW_HISTORY_US);
    hist_record(&f->hist, t_us, 0, f->tilt);
    add_event(f, EV_STATE_INIT, p->alt_m);
}

static void on_attitude(fsw_t *f, const icd_attitude_t *p) {
    fsw_real qw = p->q_w, qx = p->q_x, qy = p->q_y, qz = p->q_z;
    fsw_real norm2 = qw * qw + qx * qx + qy * qy + qz * qz;
    nav_rows_t rows;
    if (!(p->status & 0x01u) || !(R(0.5) < norm2 && norm2 < R(2.0)) ||
        nav_rotation_rows(qw, qx, qy, qz, &rows) != 0) {
        f->attitude_rejected++; /* invalid, or not a unit quaternion: keep the last */
        return;
    }
    f->rows = rows;
    f->tilt = nav_tilt_of_rows(&rows);
}

static void propagate(fsw_t *f, fsw_real dv_x, fsw_real dv_z, fsw_real dt, int64_t t_us) {
    const fsw_config_t *c = &f->cfg;
    fsw_real dh = vf_propagate(&f->vert, dv_z, dt, c->nav_g_mps2, c->nav_accel_noise,
                               c->nav_bias_walk);
    hf_propagate(&f->horiz, dv_x, dt, c->nav_accel_noise);
    if (f->robust && c->nav_blind_sigma_per_m > 0 && blind(f, t_us)) {
        vf_inflate_sigma_h(&f->vert, c->nav_blind_sigma_per_m * R_FABS(dh));
    }
    hist_record(&f->hist, t_us, dh, f->tilt);
    f->nav_us = t_us;
}

static void on_imu(fsw_t *f, const icd_imu_t *p, int64_t t_us) {
    if (!f->has_nav || !(p->status & ICD_IMU_STATUS_VALID)) return;
    fsw_real dt = (fsw_real)p->interval_us / (fsw_real)US_PER_S;
    if (!(0 < dt && dt <= FSW_MAX_IMU_DT_S) || (f->nav_us != FSW_NONE && t_us <= f->nav_us)) {
        return;
    }
    const nav_rows_t *r = &f->rows;
    fsw_real dx = p->dv_x, dy = p->dv_y, dz = p->dv_z;
    fsw_real dv_x = r->x[0] * dx + r->x[1] * dy + r->x[2] * dz;
    fsw_real dv_z = r->z[0] * dx + r->z[1] * dy + r->z[2] * dz;
    propagate(f, dv_x, dv_z, dt, t_us);
    f->last_imu_us = t_us;
}

static void on_lrf(fsw_t *f, const icd_lrf_t *p, int64_t acq_us) {
    if (!f->has_nav || f->nav_us == FSW_NONE) return;
    lrf_result_t res;
    lrf_process(&f->lrf, p->range_m, p->status, acq_us, f->nav_us, f->tilt, &f->vert, &f->hist,
                &res);
    if (res.accepted) f->flags |= ICD_NAV_FLAGS_LRF_ACCEPTED;
    if (res.rejected) f->flags |= ICD_NAV_FLAGS_LRF_REJECTED;
    for (int i = 0; i < res.n_events; i++) add_event(f, res.codes[i], res.values[i]);
}

static void on_velocimeter(fsw_t *f, const icd_velocimeter_t *p) {
    const fsw_config_t *c = &f->cfg;
    if (!f->robust || !f->has_nav || !(p->status & 0x01u)) return;
    fsw_real r = c->nav_velocimeter_sigma_mps * c->nav_velocimeter_sigma_mps;
    fsw_real gate = c->gates_velocimeter_chi2, s;
    fsw_real nu = vf_innovation(&f->vert, 1, p->vz_mps, r, &s);
    if (nu * nu <= gate * s) vf_update(&f->vert, 1, p->vz_mps, r);
    nu = hf_velocity_innovation(&f->horiz, p->vx_mps, r, &s);
    if (nu * nu <= gate * s) hf_update_velocity(&f->horiz, p->vx_mps, r);
}

static void on_discretes(fsw_t *f, const icd_discretes_t *p, int64_t t_us) {
    if (!(p->flags & 0x01u) || !f->has_nav || f->contact_us != FSW_NONE) return;
    if (f->robust &&
        f->vert.h - 3 * vf_sigma_h(&f->vert) > f->cfg.schedule_contact_plausible_m) {
        return; /* a contact discrete kilometres up is a fault, not the ground */
    }
    f->contact_us = t_us;
    add_event(f, EV_CONTACT, f->vert.vz);
}

/* --- the control cycle ------------------------------------------------------------ */

static void consume_propellant(fsw_t *f, fsw_real dt) {
    const fsw_config_t *c = &f->cfg;
    if (f->engine_on) {
        fsw_real thrust = f->throttle * c->vehicle_max_thrust_n;
        f->mass_kg = r_max(c->vehicle_dry_mass_kg,
                           f->mass_kg - thrust * dt / (c->vehicle_isp_s * FSW_G0));
    }
}

static void navigate_to(fsw_t *f, int64_t t_us) {
    const fsw_config_t *c = &f->cfg;
    int64_t last = f->last_imu_us != FSW_NONE ? f->last_imu_us : f->nav_us;
    fsw_real gap_s = us_to_s(t_us - last);
    if (gap_s > c->nav_fallback_after_s && t_us > f->nav_us) {
        if (!f->fallback) {
            f->fallback = 1;
            add_event(f, EV_FALLBACK_ENTERED, gap_s);
        }
        fsw_real dt = r_min(us_to_s(t_us - f->nav_us), FSW_MAX_IMU_DT_S);
        fsw_real thrust = f->engine_on ? f->throttle * c->vehicle_max_thrust_n : 0;
        fsw_real acc = thrust / f->mass_kg;
        propagate(f, acc * R_SIN(f->tilt) * dt, acc * R_COS(f->tilt) * dt, dt, t_us);
    } else if (f->fallback && gap_s <= c->nav_fallback_after_s) {
        f->fallback = 0;
        add_event(f, EV_FALLBACK_EXITED, 0);
    }
}

/* Probe contact, then the footpads' estimated height down to cutoff_height_m. */
static int cut_off(const fsw_t *f, int64_t t_us) {
    if (f->contact_us == FSW_NONE) return 0;
    fsw_real fallen = us_to_s(t_us - f->contact_us) * r_max(-f->vert.vz, 0);
    return f->cfg.vehicle_probe_length_m - fallen <= f->cfg.schedule_cutoff_height_m;
}

static fsw_phase_t next_phase(fsw_t *f, int64_t t_us, fsw_real h_guide, int is_blind) {
    const fsw_config_t *c = &f->cfg;
    if (f->phase == PHASE_FINAL) {
        /* a re-baseline onto higher terrain's far side can lift the estimate again */
        return h_guide > 4 * c->schedule_h_final_m ? PHASE_DESCENT : PHASE_FINAL;
    }
    if (h_guide <= c->schedule_h_final_m) {
        f->safe_since_us = FSW_NONE;
        return PHASE_FINAL;
    }
    if (!f->robust) return PHASE_DESCENT;
    int64_t last = f->lrf.last_accept_us;
    int long_stale = f->lrf.acquired && last != FSW_NONE &&
                     (fsw_real)(t_us - last) > c->schedule_safe_after_s * US_PER_S;
    if (f->phase == PHASE_SAFE) {
        fsw_real spent = us_to_s(t_us - f->safe_since_us);
        if (!is_blind || spent > c->schedule_safe_max_s) {
            f->safe_since_us = FSW_NONE;
            add_event(f, EV_SAFE_MODE_EXITED, spent);
            return PHASE_DESCENT;
        }
        return PHASE_SAFE;
    }
    if (!is_blind) f->safe_used = 0;
    if (long_stale && !f->safe_used) {
        f->safe_used = 1;
        f->safe_since_us = t_us;
        return PHASE_SAFE;
    }
    return PHASE_DESCENT;
}

static fsw_real radians(fsw_real deg) { return deg * (R_PI / R(180.0)); }

static void guide_and_control(fsw_t *f, int64_t t_us, fsw_real dt) {
    const fsw_config_t *c = &f->cfg;
    if (f->phase == PHASE_LANDED || cut_off(f, t_us)) {
        if (f->phase != PHASE_LANDED) {
            add_event(f, EV_ENGINE_CUTOFF, f->vert.h);
            set_phase(f, PHASE_LANDED);
        }
        f->engine_on = 0;
        f->throttle = 0;
        return;
    }
    int is_blind = blind(f, t_us);
    if (is_blind && f->lrf.acquired && !f->lrf.stale_reported) {
        f->lrf.stale_reported = 1;
        /* Python: self.lrf.last_accept_us or t_us */
        int64_t last = f->lrf.last_accept_us;
        if (last == FSW_NONE || last == 0) last = t_us;
        add_event(f, EV_LRF_STALE, us_to_s(t_us - last));
    }
    fsw_real h_guide = f->vert.h;
    if (f->robust) h_guide -= c->schedule_k_sigma * vf_sigma_h(&f->vert);
    fsw_phase_t phase = next_phase(f, t_us, h_guide, is_blind);
    set_phase(f, phase);
    fsw_real vz_t, a_ff;
    if (phase == PHASE_FINAL) {
        vz_t = -c->schedule_v_final_mps;
        a_ff = 0;
    } else {
        gnc_vz_schedule(c, h_guide, &vz_t, &a_ff);
        if (f->robust && is_blind && vz_t > -c->schedule_v_blind_min_mps) {
            vz_t = -c->schedule_v_blind_min_mps;
            a_ff = 0;
        }
        if (phase == PHASE_SAFE && vz_t < -c->schedule_v_safe_mps) {
            vz_t = -c->schedule_v_safe_mps;
            a_ff = 0;
        }
    }
    fsw_real az = gnc_vertical_accel_cmd(vz_t, a_ff, f->vert.vz, c->gains_k_vz);
    fsw_real ax = gnc_horizontal_accel_cmd(f->horiz.vx, c->gains_k_vx, c->gains_max_ax_mps2);
    int upright = phase == PHASE_FINAL || h_guide < c->schedule_h_upright_m;
    fsw_real tilt_limit = radians(upright ? c->limits_land_tilt_deg : c->limits_max_tilt_deg);
    fsw_real step = radians(c->limits_max_tilt_rate_dps) *
                    (dt > 0 ? dt : (fsw_real)c->period_us / (fsw_real)US_PER_S);
    gnc_allocation_t a = gnc_allocate(f->mass_kg, c->nav_g_mps2, az, ax, c->vehicle_max_thrust_n,
                                      c->vehicle_min_throttle, tilt_limit, f->pitch_cmd, step);
    f->engine_on = 1;
    f->throttle = a.throttle;
    f->pitch_cmd = a.pitch_rad;
}

static void on_sync(fsw_t *f, const icd_sync_t *p, uint64_t cuc) {
    int64_t t_us = cuc_to_us(cuc);
    fsw_real dt = 0;
    if (f->last_tick_us != FSW_NONE) {
        dt = us_to_s(t_us - f->last_tick_us);
        if (!(0 <= dt && dt <= FSW_MAX_TICK_DT_S)) dt = 0;
    }
    f->last_tick_us = t_us;
    f->cycles++;
    if (!f->has_nav) {
        set_phase(f, PHASE_BOOT);
        f->engine_on = 0;
        f->throttle = 0;
        f->pitch_cmd = 0;
    } else {
        consume_propellant(f, dt);
        navigate_to(f, t_us);
        guide_and_control(f, t_us, dt);
    }
    fsw_answer(f, p->tick, cuc);
}

static void dispatch(void *ctx, const dfr_frame_t *fr, size_t index, size_t count) {
    fsw_t *f = (fsw_t *)ctx;
    f->unseen = count - index - 1;
    const uint8_t *d = fr->bytes + ICD_DATA_OFFSET;
    switch (fr->apid) {
    case ICD_APID_IMU: {
        icd_imu_t p;
        icd_imu_unpack(d, &p);
        on_imu(f, &p, cuc_to_us(fr->cuc));
        break;
    }
    case ICD_APID_SYNC: {
        icd_sync_t p;
        icd_sync_unpack(d, &p);
        on_sync(f, &p, fr->cuc);
        break;
    }
    case ICD_APID_ATTITUDE: {
        icd_attitude_t p;
        icd_attitude_unpack(d, &p);
        on_attitude(f, &p);
        break;
    }
    case ICD_APID_LRF: {
        icd_lrf_t p;
        icd_lrf_unpack(d, &p);
        on_lrf(f, &p, cuc_to_us(fr->cuc));
        break;
    }
    case ICD_APID_DISCRETES: {
        icd_discretes_t p;
        icd_discretes_unpack(d, &p);
        on_discretes(f, &p, cuc_to_us(fr->cuc));
        break;
    }
    case ICD_APID_PING: {
        icd_ping_t p;
        icd_ping_unpack(d, &p);
        icd_pong_t pong = {p.nonce, fsw_rx_frames(f)};
        uint8_t data[ICD_PONG_DATA_LEN];
        icd_pong_pack(data, &pong);
        fsw_emit(f, ICD_APID_PONG, fr->cuc, data);
        break;
    }
    case ICD_APID_VELOCIMETER: {
        icd_velocimeter_t p;
        icd_velocimeter_unpack(d, &p);
        on_velocimeter(f, &p);
        break;
    }
    case ICD_APID_STATE_INIT: {
        icd_state_init_t p;
        icd_state_init_unpack(d, &p);
        on_state_init(f, &p, cuc_to_us(fr->cuc));
        break;
    }
    default: /* F->H packets looped back: counted by the deframer */
        break;
    }
}

/* Python's resync dispatches with rx_frames counting every frame fed */
static void dispatch_after_resync(void *ctx, const dfr_frame_t *fr, size_t index, size_t count) {
    (void)index;
    (void)count;
    dispatch(ctx, fr, 0, 1);
}

size_t fsw_receive(fsw_t *f, const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    f->out = out;
    f->out_len = 0;
    f->out_cap = cap;
    dfr_feed(&f->dfr, in, n, dispatch, f);
    f->unseen = 0;
    return f->out_len;
}

size_t fsw_resync(fsw_t *f, uint8_t *out, size_t cap) {
    f->out = out;
    f->out_len = 0;
    f->out_cap = cap;
    dfr_resync(&f->dfr, dispatch_after_resync, f);
    f->unseen = 0;
    return f->out_len;
}
