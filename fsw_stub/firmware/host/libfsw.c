/* libfsw: the portable core as a shared library, for ctypes (harness/inprocess_c.py and
 * the deframer's property tests). Opaque objects are allocated by the caller with the
 * sizes given here; nothing here allocates. */
#include <string.h>

#include "config_text.h"
#include "fsw.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int lh_real_bits(void) { return (int)(8 * sizeof(fsw_real)); }
EXPORT size_t lh_fsw_size(void) { return sizeof(fsw_t); }
EXPORT size_t lh_dfr_size(void) { return sizeof(dfr_t); }
EXPORT size_t lh_config_size(void) { return sizeof(fsw_config_t); }
EXPORT size_t lh_max_answer_len(void) { return FSW_MAX_ANSWER_LEN; }
EXPORT size_t lh_window_cap(void) { return LRF_WINDOW_CAP; }

EXPORT int lh_config_parse(const char *text, size_t len, const char *source, fsw_config_t *cfg,
                           char *err, size_t errlen) {
    return fsw_config_parse(text, len, source, cfg, err, errlen);
}

/* one member of a parsed configuration by its FSW.toml section and key; 0, or -1 */
EXPORT int lh_config_get(const fsw_config_t *cfg, const char *section, const char *key,
                         double *value) {
    for (int i = 0; i < FSW_CFG_N_KEYS; i++) {
        const fsw_cfg_key_t *k = &FSW_CFG_KEYS[i];
        if (strcmp(k->section, section) != 0 || strcmp(k->key, key) != 0) continue;
        const char *base = (const char *)cfg + k->offset;
        if (k->kind == FSW_CFG_REAL) {
            fsw_real r;
            memcpy(&r, base, sizeof r);
            *value = (double)r;
        } else {
            int32_t v;
            memcpy(&v, base, sizeof v);
            *value = (double)v;
        }
        return 0;
    }
    return -1;
}

EXPORT int lh_fsw_init(fsw_t *f, const fsw_config_t *cfg) { return fsw_init(f, cfg); }

EXPORT size_t lh_fsw_receive(fsw_t *f, const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    return fsw_receive(f, in, n, out, cap);
}

EXPORT size_t lh_fsw_resync(fsw_t *f, uint8_t *out, size_t cap) {
    return fsw_resync(f, out, cap);
}

static void stats_out(const dfr_stats_t *s, uint64_t *out) {
    out[0] = s->frames;
    out[1] = s->crc_errors;
    out[2] = s->skipped_bytes;
    out[3] = s->rejected_header;
    out[4] = s->rejected_range;
    out[5] = s->unknown_apid;
    out[6] = s->idle;
    out[7] = s->bytes_in_frames;
    out[8] = s->seq_gaps;
}

/* deframer counters in the order of DeframerStats: frames, crc_errors, skipped_bytes,
 * rejected_header, rejected_range, unknown_apid, idle, bytes_in_frames, seq_gaps; then
 * the FSW's own: attitude_rejected, events_dropped, out_dropped, cycles */
EXPORT void lh_fsw_stats(const fsw_t *f, uint64_t *out) {
    stats_out(&f->dfr.stats, out);
    out[9] = f->attitude_rejected;
    out[10] = f->events_dropped;
    out[11] = f->out_dropped;
    out[12] = f->cycles;
}

/* --- the deframer alone: accepted frames out as their bytes, concatenated --- */

typedef struct {
    uint8_t *out;
    size_t len, cap, dropped;
} sink_t;

static void to_sink(void *ctx, const dfr_frame_t *fr, size_t index, size_t count) {
    (void)index;
    (void)count;
    sink_t *s = (sink_t *)ctx;
    if (s->len + fr->len > s->cap) {
        s->dropped++;
        return;
    }
    memcpy(s->out + s->len, fr->bytes, fr->len);
    s->len += fr->len;
}

EXPORT void lh_dfr_init(dfr_t *d) { dfr_init(d); }
EXPORT size_t lh_dfr_pending(const dfr_t *d) { return dfr_pending(d); }
EXPORT void lh_dfr_stats(const dfr_t *d, uint64_t *out) { stats_out(&d->stats, out); }

/* returns the bytes written to out, or (size_t)-1 when out was too small */
EXPORT size_t lh_dfr_feed(dfr_t *d, const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    sink_t s = {out, 0, cap, 0};
    dfr_feed(d, in, n, to_sink, &s);
    return s.dropped ? (size_t)-1 : s.len;
}

EXPORT size_t lh_dfr_flush(dfr_t *d, uint8_t *out, size_t cap) {
    sink_t s = {out, 0, cap, 0};
    dfr_flush(d, to_sink, &s);
    return s.dropped ? (size_t)-1 : s.len;
}
