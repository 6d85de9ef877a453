/* LRF handling, a port of fsw_stub/lrf.py: range to altitude, the innovation gate with
 * the terrain-relief allowance, the naive latch and the robust re-baseline. */
#ifndef LUNAR_HIL_LRF_H
#define LUNAR_HIL_LRF_H

#include <stdint.h>

#include "fsw_config.h"
#include "nav.h"

#define US_PER_S 1000000
#define FSW_NONE INT64_MIN
/* the robust re-baseline window (gates.rebaseline_n) holds at most this many samples */
#define LRF_WINDOW_CAP 128

typedef struct {
    int rejected;
    fsw_real alt, disp;
} lrf_sample_t;

typedef struct {
    int accepted, rejected;
    int n_events;
    int codes[3];
    fsw_real values[3];
} lrf_result_t;

typedef struct {
    const fsw_config_t *cfg;
    int robust;
    uint32_t accepted, rejected;
    int32_t consecutive_rejections, consecutive_accepts;
    int acquired, latched_failed;
    int64_t last_accept_us; /* FSW_NONE: never */
    int stale_reported;
    lrf_sample_t window[LRF_WINDOW_CAP];
    int32_t w_head, w_n;
} lrf_monitor_t;

void lrf_init(lrf_monitor_t *m, const fsw_config_t *cfg);
int lrf_stale(const lrf_monitor_t *m, int64_t now_us);
fsw_real lrf_chi2_99(int32_t dof);
void lrf_process(lrf_monitor_t *m, fsw_real range_m, unsigned status, int64_t acq_us,
                 int64_t now_us, fsw_real tilt_now, vfilter_t *kf, const history_t *hist,
                 lrf_result_t *res);

#endif
