/* The FSW's phases and event codes: fsw_stub/telemetry.py (documented in fsw_stub/README.md). */
#ifndef LUNAR_HIL_EVENTS_H
#define LUNAR_HIL_EVENTS_H

typedef enum {
    PHASE_BOOT = 0,
    PHASE_DESCENT = 1,
    PHASE_FINAL = 2,
    PHASE_LANDED = 3,
    PHASE_SAFE = 4,
} fsw_phase_t;

typedef enum {
    EV_PHASE_CHANGE = 1,
    EV_STATE_INIT = 2,
    EV_LRF_ACQUIRED = 3,
    EV_LRF_REJECTED = 4,
    EV_LRF_LATCHED_FAILED = 5,
    EV_LRF_REBASELINED = 6,
    EV_FALLBACK_ENTERED = 7,
    EV_FALLBACK_EXITED = 8,
    EV_ENGINE_CUTOFF = 9,
    EV_CONTACT = 10,
    EV_LRF_STALE = 11,
    EV_SAFE_MODE_EXITED = 12,
    EV_INTERNAL_FAULT = 13,
} fsw_event_code_t;

/* severity by code (index 0 unused): 0 info, 1 warning, 2 error */
static const unsigned char EVENT_SEVERITY[14] = {0, 0, 0, 0, 1, 2, 1, 1, 0, 0, 0, 1, 0, 2};

#endif
