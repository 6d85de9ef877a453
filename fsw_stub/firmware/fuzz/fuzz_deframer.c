/* libFuzzer target over the C deframer and the decoder: clang -fsanitize=fuzzer,address,
 * undefined. One input is a byte stream; its first byte picks a chunk length (1-256), so
 * the fuzzer explores chunkings too. Oracles (abort on violation):
 *  - deframer alone: every byte fed is in an accepted frame, skipped, or pending
 *    (ICD §2 rule 3); a handed-over frame is a known APID, its exact length, its PEC good;
 *    nothing pending beyond the longest frame (rule 7);
 *  - the whole FSW fed the same stream: everything it answers is well-formed and in range
 *    (a second deframer accepts every byte as frames: no skip, no PEC error, no reject). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_text.h"
#include "deframer.h"
#include "fsw.h"

static const char CONFIG[] =
    "profile = \"robust\"\nperiod_us = 50000\n[vehicle]\ndry_mass_kg = 340.0\n"
    "max_thrust_n = 3600.0\nmin_throttle = 0.15\nisp_s = 310.0\n[lrf]\nmount_tilt_rad = 0.0\n";

static dfr_t dfr, check;
static fsw_t fsw;
static fsw_config_t cfg;
static uint8_t out[1 << 20];
static uint64_t handed_over_bytes;

static void check_frame(void *ctx, const dfr_frame_t *f, size_t index, size_t count) {
    (void)ctx;
    if (index >= count) abort();
    const icd_spec_t *spec = icd_spec_of(f->apid);
    if (spec == NULL || f->len != spec->frame_len) abort();
    if (icd_crc16(f->bytes + ICD_ASM_LEN, f->len - ICD_ASM_LEN) != 0) abort();
    if (!icd_data_valid(f->apid, f->bytes + ICD_DATA_OFFSET)) abort();
    handed_over_bytes += f->len;
}

static void accounting(const dfr_t *d, uint64_t fed) {
    const dfr_stats_t *s = &d->stats;
    if (s->bytes_in_frames + s->skipped_bytes + dfr_pending(d) != fed) abort();
    if (dfr_pending(d) > ICD_MAX_FRAME_LEN) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int configured = 0;
    if (!configured) {
        char err[256];
        if (fsw_config_parse(CONFIG, sizeof CONFIG - 1, "<fuzz>", &cfg, err, sizeof err) != 0) {
            abort();
        }
        configured = 1;
    }
    if (size == 0) return 0;
    size_t chunk = (size_t)data[0] + 1;
    data++;
    size--;

    dfr_init(&dfr);
    handed_over_bytes = 0;
    uint64_t fed = 0;
    for (size_t i = 0; i < size; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        dfr_feed(&dfr, data + i, n, check_frame, NULL);
        fed += n;
        accounting(&dfr, fed);
    }
    dfr_flush(&dfr, check_frame, NULL);
    accounting(&dfr, fed);
    if (dfr_pending(&dfr) != 0 || handed_over_bytes > dfr.stats.bytes_in_frames) abort();

    if (fsw_init(&fsw, &cfg) != 0) abort();
    dfr_init(&check);
    for (size_t i = 0; i < size; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        size_t m = fsw_receive(&fsw, data + i, n, out, sizeof out);
        dfr_feed(&check, out, m, check_frame, NULL);
    }
    size_t m = fsw_resync(&fsw, out, sizeof out);
    dfr_feed(&check, out, m, check_frame, NULL);
    const dfr_stats_t *s = &check.stats;
    if (s->skipped_bytes || s->crc_errors || s->rejected_header || s->rejected_range) abort();
    if (dfr_pending(&check) != 0 || fsw.out_dropped != 0) abort();
    return 0;
}
