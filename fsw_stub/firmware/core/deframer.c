#include "deframer.h"

#include <string.h>

#define HEADER_END (ICD_ASM_LEN + ICD_PRIMARY_HEADER_LEN)
/* the shortest frame with a secondary header: ASM, both headers, PEC, no user data */
#define MIN_FRAME_WITH_TIME (ICD_DATA_OFFSET + ICD_PEC_LEN)

uint16_t icd_crc16(const uint8_t *p, size_t n) {
    uint16_t crc = 0xFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++) {
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

void dfr_init(dfr_t *d) {
    memset(d, 0, sizeof *d);
    for (int i = 0; i < ICD_N_SPECS; i++) d->expect_seq[i] = -1;
}

static void hand_over(dfr_t *d, dfr_on_frame_t cb, void *ctx) {
    size_t n = d->n_batch;
    d->n_batch = 0;
    for (size_t i = 0; i < n; i++) cb(ctx, &d->batch[i], i, n);
}

static size_t find_asm(const uint8_t *b, size_t from, size_t end) {
    for (size_t i = from; i + ICD_ASM_LEN <= end; i++) {
        if (b[i] == ICD_ASM_0 && b[i + 1] == ICD_ASM_1 && b[i + 2] == ICD_ASM_2 &&
            b[i + 3] == ICD_ASM_3) {
            return i;
        }
    }
    return (size_t)-1;
}

static unsigned get16(const uint8_t *p) { return ((unsigned)p[0] << 8) | p[1]; }

/* The general path for a candidate at buf[i] that is not a plain known-APID header:
 * returns 1 after a rejection (that byte is skipped), the frame length after an
 * accepted unknown/idle frame, or -1 to wait for more bytes. */
static long candidate(dfr_t *d, size_t i) {
    const uint8_t *b = d->buf;
    unsigned w1 = get16(b + i + 4), w2 = get16(b + i + 6), length = get16(b + i + 8);
    unsigned apid = w1 & 0x7FFu;
    size_t total = HEADER_END + length + 1;
    unsigned sec = (w1 >> 11) & 1u;
    int reject = (w1 >> 13) != 0 || (w2 >> 14) != ICD_SEQ_FLAGS_UNSEGMENTED ||
                 icd_spec_of((uint16_t)apid) != NULL || total - ICD_ASM_LEN > ICD_MAX_PACKET_LEN ||
                 (apid == ICD_APID_IDLE && sec) || total < HEADER_END + ICD_PEC_LEN + 1 ||
                 (sec && total < MIN_FRAME_WITH_TIME);
    if (reject) {
        d->stats.rejected_header++;
        return 1;
    }
    if (d->len - i < total) return -1;
    if (icd_crc16(b + i + ICD_ASM_LEN, total - ICD_ASM_LEN) != 0) {
        d->stats.crc_errors++;
        return 1;
    }
    d->stats.bytes_in_frames += total;
    if (apid == ICD_APID_IDLE) {
        d->stats.idle++;
    } else {
        d->stats.unknown_apid++;
    }
    return (long)total;
}

/* Hunt and accept frames in buf[pos:len]; return where the hunt resumes. */
static size_t scan(dfr_t *d, size_t pos, dfr_on_frame_t cb, void *ctx) {
    dfr_stats_t *st = &d->stats;
    const uint8_t *b = d->buf;
    size_t end = d->len;
    for (;;) {
        size_t i = find_asm(b, pos, end);
        if (i == (size_t)-1) {
            /* keep a tail that may be the start of an ASM */
            size_t keep = end >= ICD_ASM_LEN - 1 ? end - (ICD_ASM_LEN - 1) : 0;
            if (keep < pos) keep = pos;
            st->skipped_bytes += keep - pos;
            return keep;
        }
        st->skipped_bytes += i - pos;
        pos = i;
        if (end - i < HEADER_END) return pos;
        unsigned w1 = get16(b + i + 4);
        const icd_spec_t *spec = icd_spec_of((uint16_t)(w1 & 0x7FFu));
        if (spec == NULL || spec->word1 != w1 || b[i + 6] < 0xC0u ||
            get16(b + i + 8) != spec->length_field) {
            long step = candidate(d, i);
            if (step < 0) return pos; /* wait for more bytes */
            if (step == 1) st->skipped_bytes++;
            pos = i + (size_t)step;
            continue;
        }
        size_t flen = spec->frame_len;
        if (end - i < flen) return pos;
        if (icd_crc16(b + i + ICD_ASM_LEN, flen - ICD_ASM_LEN) != 0) {
            st->crc_errors++;
            st->skipped_bytes++;
            pos = i + 1;
            continue;
        }
        /* a good PEC: these bytes are a frame, whatever else happens to it */
        st->bytes_in_frames += flen;
        pos = i + flen;
        if (!icd_data_valid(spec->apid, b + i + ICD_DATA_OFFSET)) {
            st->rejected_range++;
            continue;
        }
        size_t k = (size_t)(spec - ICD_SPECS);
        int32_t seq = (int32_t)(((b[i + 6] & 0x3Fu) << 8) | b[i + 7]);
        if (d->expect_seq[k] >= 0 && seq != d->expect_seq[k]) st->seq_gaps++;
        d->expect_seq[k] = (seq + 1) & (int32_t)(ICD_SEQ_MODULO - 1);
        st->frames++;
        if (d->n_batch == DFR_BATCH) hand_over(d, cb, ctx);
        dfr_frame_t *f = &d->batch[d->n_batch++];
        f->apid = spec->apid;
        f->seq = (uint16_t)seq;
        f->len = (uint16_t)flen;
        f->cuc = ((uint64_t)get16(b + i + 10) << 32) | ((uint64_t)get16(b + i + 12) << 16) |
                 get16(b + i + 14);
        memcpy(f->bytes, b + i, flen);
    }
}

static void compact(dfr_t *d) {
    if (d->pos == 0) return;
    memmove(d->buf, d->buf + d->pos, d->len - d->pos);
    d->len -= d->pos;
    d->pos = 0;
}

static void feed_some(dfr_t *d, const uint8_t *data, size_t n, dfr_on_frame_t cb, void *ctx) {
    do {
        compact(d);
        size_t room = DFR_BUF_LEN - d->len;
        size_t take = n < room ? n : room;
        if (take > 0) { /* data may be NULL when n is 0 (resync, flush) */
            memcpy(d->buf + d->len, data, take);
            d->len += take;
            data += take;
            n -= take;
        }
        d->pos = scan(d, d->pos, cb, ctx);
    } while (n > 0);
    if (d->pos == d->len) {
        d->len = 0;
        d->pos = 0;
    }
}

void dfr_feed(dfr_t *d, const uint8_t *data, size_t n, dfr_on_frame_t cb, void *ctx) {
    feed_some(d, data, n, cb, ctx);
    hand_over(d, cb, ctx);
}

void dfr_resync(dfr_t *d, dfr_on_frame_t cb, void *ctx) {
    if (dfr_pending(d) == 0) return;
    d->stats.skipped_bytes++;
    d->pos++;
    dfr_feed(d, NULL, 0, cb, ctx);
}

void dfr_flush(dfr_t *d, dfr_on_frame_t cb, void *ctx) {
    while (dfr_pending(d) > 0) {
        if (find_asm(d->buf, d->pos, d->len) == (size_t)-1) {
            d->stats.skipped_bytes += dfr_pending(d);
            d->pos = d->len;
            dfr_feed(d, NULL, 0, cb, ctx);
            break;
        }
        dfr_resync(d, cb, ctx);
    }
}
