/* The ICD §2 stream deframer in C: a port of packets/deframer.py, rule for rule and
 * counter for counter. CRC-gated hunt: a rejected candidate resumes the hunt one byte
 * after its ASM; every byte fed ends up in an accepted frame (known, unknown-APID or
 * idle), the skipped count, or the pending buffer. Fixed memory, no OS calls. */
#ifndef LUNAR_HIL_DEFRAMER_H
#define LUNAR_HIL_DEFRAMER_H

#include <stddef.h>
#include <stdint.h>

#include "icd.h"

/* bytes held: at most one candidate frame (ICD_MAX_FRAME_LEN) plus what one refill adds */
#define DFR_BUF_LEN 4096
/* accepted frames handed over per batch (frames that arrive in one feed are one batch,
 * as in the Python stub's receive, unless more than this many arrive at once) */
#define DFR_BATCH 128

typedef struct {
    uint64_t frames;          /* known APIDs, valid, handed over */
    uint64_t crc_errors;      /* candidates rejected for a bad PEC */
    uint64_t skipped_bytes;   /* bytes that belong to no accepted frame */
    uint64_t rejected_header; /* rule 1 */
    uint64_t rejected_range;  /* rule 5 (a good PEC: still a frame) */
    uint64_t unknown_apid;    /* rule 4 */
    uint64_t idle;
    uint64_t bytes_in_frames;
    uint64_t seq_gaps;        /* rule 6, all APIDs */
} dfr_stats_t;

typedef struct {
    uint16_t apid;
    uint16_t seq;
    uint16_t len;
    uint64_t cuc; /* coarse << 16 | fine */
    uint8_t bytes[ICD_MAX_KNOWN_FRAME_LEN]; /* the whole frame, ASM to PEC */
} dfr_frame_t;

/* Called with each accepted frame; index and count within its batch. */
typedef void (*dfr_on_frame_t)(void *ctx, const dfr_frame_t *frame, size_t index, size_t count);

typedef struct {
    dfr_stats_t stats;
    uint8_t buf[DFR_BUF_LEN];
    size_t len; /* bytes in buf */
    size_t pos; /* where the hunt resumes */
    int32_t expect_seq[ICD_N_SPECS]; /* next sequence count per known APID, -1 none */
    dfr_frame_t batch[DFR_BATCH];
    size_t n_batch;
} dfr_t;

void dfr_init(dfr_t *d);
/* Take any bytes; hand over the frames they complete, in stream order. */
void dfr_feed(dfr_t *d, const uint8_t *data, size_t n, dfr_on_frame_t cb, void *ctx);
/* Give up the pending candidate: skip one byte past its ASM and hunt again. */
void dfr_resync(dfr_t *d, dfr_on_frame_t cb, void *ctx);
/* End of stream: resolve every pending candidate; what remains is skipped. */
void dfr_flush(dfr_t *d, dfr_on_frame_t cb, void *ctx);
static inline size_t dfr_pending(const dfr_t *d) { return d->len - d->pos; }

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF); over a packet and its PEC it is 0. */
uint16_t icd_crc16(const uint8_t *p, size_t n);

#endif
