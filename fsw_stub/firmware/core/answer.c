/* The FSW's answers: frames out with per-APID sequence counts, the FSW_STATUS/ENGINE_CMD
 * of a control cycle (core.py _answer), and the Python stub's exception path for a value
 * an f32 cannot carry (core.py _safe_answer). */
#include <string.h>

#include "fsw.h"

void fsw_emit(fsw_t *f, uint16_t apid, uint64_t cuc, const uint8_t *data) {
    const icd_spec_t *spec = icd_spec_of(apid);
    size_t k = (size_t)(spec - ICD_SPECS);
    size_t n = spec->frame_len;
    if (f->out_len + n > f->out_cap) {
        f->out_dropped += n;
        return;
    }
    uint8_t *p = f->out + f->out_len;
    uint16_t seq = f->tx_seq[k];
    f->tx_seq[k] = (uint16_t)((seq + 1) % ICD_SEQ_MODULO);
    p[0] = ICD_ASM_0;
    p[1] = ICD_ASM_1;
    p[2] = ICD_ASM_2;
    p[3] = ICD_ASM_3;
    icd_put_u16(p + 4, spec->word1);
    icd_put_u16(p + 6, (uint16_t)(0xC000u | seq));
    icd_put_u16(p + 8, spec->length_field);
    icd_put_u32(p + 10, (uint32_t)(cuc >> 16));
    icd_put_u16(p + 14, (uint16_t)(cuc & 0xFFFFu));
    memcpy(p + ICD_DATA_OFFSET, data, n - ICD_DATA_OFFSET - ICD_PEC_LEN);
    icd_put_u16(p + n - ICD_PEC_LEN, icd_crc16(p + ICD_ASM_LEN, n - ICD_ASM_LEN - ICD_PEC_LEN));
    f->out_len += n;
}

uint32_t fsw_rx_frames(const fsw_t *f) { return (uint32_t)(f->dfr.stats.frames - f->unseen); }

static unsigned nav_flags(const fsw_t *f) {
    unsigned flags = f->flags;
    int64_t now = f->last_tick_us != FSW_NONE ? f->last_tick_us : 0;
    if (f->lrf.latched_failed) flags |= ICD_NAV_FLAGS_LRF_FAILED;
    /* Python: self.lrf.stale(self.nav_us or now) -- a nav time of 0 is falsy there */
    int64_t t = (f->nav_us != FSW_NONE && f->nav_us != 0) ? f->nav_us : now;
    if (f->has_nav && lrf_stale(&f->lrf, t)) flags |= ICD_NAV_FLAGS_LRF_STALE;
    if (f->fallback) flags |= ICD_NAV_FLAGS_FALLBACK;
    return flags;
}

/* A value the ICD's f32 can carry: finite values of at least 2^128 - 2^103 round to
 * infinity (the Python stub's struct.pack refuses them). Always true for float. */
static int fits_f32(fsw_real x) {
    return R_FABS(x) < (fsw_real)3.4028235677973366e38;
}

static void fill_status(fsw_t *f, uint32_t tick, icd_fsw_status_t *s) {
    const dfr_stats_t *st = &f->dfr.stats;
    s->tick = tick;
    s->phase = (uint8_t)f->phase;
    s->nav_flags = (uint8_t)nav_flags(f);
    s->est_alt_m = f->has_nav ? (float)r_finite_or(f->vert.h, 0) : 0.0f;
    s->est_vz_mps = f->has_nav ? (float)r_finite_or(f->vert.vz, 0) : 0.0f;
    s->est_vx_mps = f->has_nav ? (float)r_finite_or(f->horiz.vx, 0) : 0.0f;
    s->est_pitch_rad = (float)r_finite_or(f->tilt, 0);
    s->lrf_accepted = (uint16_t)f->lrf.accepted;
    s->lrf_rejected = (uint16_t)f->lrf.rejected;
    s->rx_frames = fsw_rx_frames(f);
    s->rx_crc_errors = (uint32_t)st->crc_errors;
    s->rx_skipped_bytes = (uint32_t)st->skipped_bytes;
    s->rx_rejected = (uint32_t)(st->rejected_header + st->rejected_range);
    f->flags = 0;
}

static int status_fits(const fsw_t *f) {
    return !f->has_nav || (fits_f32(r_finite_or(f->vert.h, 0)) &&
                           fits_f32(r_finite_or(f->vert.vz, 0)) &&
                           fits_f32(r_finite_or(f->horiz.vx, 0)));
}

static void emit_status(fsw_t *f, uint32_t tick, uint64_t cuc) {
    uint8_t data[ICD_FSW_STATUS_DATA_LEN];
    icd_fsw_status_t s;
    fill_status(f, tick, &s);
    icd_fsw_status_pack(data, &s);
    fsw_emit(f, ICD_APID_FSW_STATUS, cuc, data);
}

static void emit_engine_cmd(fsw_t *f, uint32_t tick, uint64_t cuc, int on, fsw_real throttle,
                            fsw_real pitch) {
    uint8_t data[ICD_ENGINE_CMD_DATA_LEN];
    icd_engine_cmd_t cmd = {tick, (uint8_t)on, (float)throttle, (float)pitch};
    icd_engine_cmd_pack(data, &cmd);
    fsw_emit(f, ICD_APID_ENGINE_CMD, cuc, data);
}

static void emit_event(fsw_t *f, uint64_t cuc, int code, fsw_real value) {
    uint8_t data[ICD_EVENT_DATA_LEN];
    icd_event_t ev = {(uint16_t)code, EVENT_SEVERITY[code], (float)r_finite_or(value, 0)};
    icd_event_pack(data, &ev);
    fsw_emit(f, ICD_APID_EVENT, cuc, data);
}

static void consume_seq(fsw_t *f, uint16_t apid) {
    size_t k = (size_t)(icd_spec_of(apid) - ICD_SPECS);
    f->tx_seq[k] = (uint16_t)((f->tx_seq[k] + 1) % ICD_SEQ_MODULO);
}

/* The answer to a SYNC: the events, FSW_STATUS, ENGINE_CMD -- or, when a value does not
 * fit an f32, what the Python stub's exception path sends (core.py _safe_answer): the
 * answer is dropped (the sequence counts it had taken stay taken), EVENT 13 and the
 * status are tried again, and if the status still does not fit only ENGINE_CMD(off). */
void fsw_answer(fsw_t *f, uint32_t tick, uint64_t cuc) {
    size_t start = f->out_len;
    int fault = 0;
    for (int i = 0; i < f->n_events && !fault; i++) {
        if (!fits_f32(r_finite_or(f->ev_value[i], 0))) {
            consume_seq(f, ICD_APID_EVENT);
            fault = 1;
        } else {
            emit_event(f, cuc, f->ev_code[i], f->ev_value[i]);
        }
    }
    if (!fault) {
        f->n_events = 0;
        if (!status_fits(f)) {
            f->flags = 0;
            consume_seq(f, ICD_APID_FSW_STATUS);
            fault = 1;
        }
    }
    if (!fault) {
        emit_status(f, tick, cuc);
        emit_engine_cmd(f, tick, cuc, f->engine_on,
                        r_min(r_max(r_finite_or(f->throttle, 0), 0), R(1.0)),
                        r_finite_or(f->pitch_cmd, 0));
        return;
    }
    f->out_len = start;
    f->internal_faults++;
    f->n_events = 0;
    emit_event(f, cuc, EV_INTERNAL_FAULT, 0);
    if (!status_fits(f)) {
        f->flags = 0;
        consume_seq(f, ICD_APID_FSW_STATUS);
        f->out_len = start;
        emit_engine_cmd(f, tick, cuc, 0, 0, 0);
        return;
    }
    emit_status(f, tick, cuc);
    emit_engine_cmd(f, tick, cuc, f->engine_on, r_min(r_max(r_finite_or(f->throttle, 0), 0), R(1.0)),
                    r_finite_or(f->pitch_cmd, 0));
}
