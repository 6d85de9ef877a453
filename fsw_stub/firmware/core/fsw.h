/* The reference landing FSW in C: a port of fsw_stub/core.py behind the same pure byte
 * interface -- bytes in, bytes out, no threads, no clock, no OS calls, no heap (an
 * fsw_t is one fixed-size object the platform places where it likes).
 *
 * Sensor frames update navigation as they arrive; SYNC(k) runs one control cycle and
 * answers with zero or more EVENTs, one FSW_STATUS(k) and exactly one ENGINE_CMD(k),
 * last; PING is answered by PONG at once. Where this differs from the Python stub:
 * no exceptions exist here; the one the stub meets in practice (a finite estimate or
 * event value too large for an f32) is answered as the stub's exception path answers it
 * (EVENT 13, see answer() in fsw.c); at most FSW_MAX_EVENTS events wait for one answer (more are counted
 * in events_dropped); the LRF history and re-baseline window are fixed rings (nav.h,
 * lrf.h). With fsw_real = float (the board) the arithmetic is binary32. */
#ifndef LUNAR_HIL_FSW_H
#define LUNAR_HIL_FSW_H

#include <stddef.h>
#include <stdint.h>

#include "deframer.h"
#include "events.h"
#include "fsw_config.h"
#include "lrf.h"
#include "nav.h"

#define FSW_MAX_EVENTS 64
/* IMU intervals outside (0, FSW_MAX_IMU_DT_S] are not integrated */
#define FSW_MAX_IMU_DT_S R(0.5)
/* a tick gap beyond this is not integrated into the mass (a restart, a bad SYNC) */
#define FSW_MAX_TICK_DT_S R(2.0)
/* keep this much history for stamped measurements */
#define FSW_HISTORY_US (5 * (int64_t)US_PER_S)
#define FSW_G0 R(9.80665)
/* the most one SYNC's answer can take: every event, FSW_STATUS and ENGINE_CMD */
#define FSW_MAX_ANSWER_LEN \
    (FSW_MAX_EVENTS * ICD_EVENT_FRAME_LEN + ICD_FSW_STATUS_FRAME_LEN + ICD_ENGINE_CMD_FRAME_LEN)

typedef struct {
    fsw_config_t cfg;
    int robust;
    dfr_t dfr;
    uint16_t tx_seq[ICD_N_SPECS];
    fsw_phase_t phase;
    int has_nav; /* STATE_INIT received: the filters exist */
    vfilter_t vert;
    hfilter_t horiz;
    history_t hist;
    lrf_monitor_t lrf;
    nav_rows_t rows;
    fsw_real tilt;
    fsw_real mass_kg;
    int64_t nav_us, last_imu_us, last_tick_us, contact_us, safe_since_us; /* FSW_NONE */
    int fallback;
    int engine_on;
    fsw_real throttle, pitch_cmd;
    int safe_used;
    uint64_t attitude_rejected;
    uint64_t unseen; /* rx_frames counts up to the frame being answered */
    unsigned flags;  /* nav_flags bits 0-1 gathered since the last SYNC */
    int n_events;
    int ev_code[FSW_MAX_EVENTS];
    fsw_real ev_value[FSW_MAX_EVENTS];
    uint64_t events_dropped;
    uint64_t cycles; /* control cycles run */
    uint64_t internal_faults; /* answers given by the exception path (EVENT 13) */
    /* the output of the call in progress */
    uint8_t *out;
    size_t out_len, out_cap;
    uint64_t out_dropped; /* bytes that did not fit the caller's buffer */
} fsw_t;

/* 0 on success; -1 when the configuration is outside what this build holds
 * (gates.rebaseline_n > LRF_WINDOW_CAP). */
int fsw_init(fsw_t *f, const fsw_config_t *cfg);
/* Bytes from the harness in; the answer written to out (at most cap bytes); its length. */
size_t fsw_receive(fsw_t *f, const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* The link went quiet with a partial candidate pending: give it up, hunt again. */
size_t fsw_resync(fsw_t *f, uint8_t *out, size_t cap);

/* internal to the core (answer.c): one frame out; a SYNC's answer; rx_frames now */
void fsw_emit(fsw_t *f, uint16_t apid, uint64_t cuc, const uint8_t *data);
void fsw_answer(fsw_t *f, uint32_t tick, uint64_t cuc);
uint32_t fsw_rx_frames(const fsw_t *f);

#endif
