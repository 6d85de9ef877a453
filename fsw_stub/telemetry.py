"""The stub's phase numbers and event codes (the FSW's half of FSW_STATUS and EVENT).

Phases (FSW_STATUS.phase):

=====  ===========  ===========================================================
 0     BOOT         no STATE_INIT yet: answers PING and SYNC, engine commanded off
 1     DESCENT      terminal descent on the velocity-versus-altitude schedule
 2     FINAL        constant slow descent below ``schedule.h_final_m``, upright
 3     LANDED       contact probe touched: engine cut off, stays off
 4     SAFE         robust safe mode: descent limited to ``v_safe_mps``, bounded in time
 5     BRAKING      powered-descent braking from orbit to the high gate (E-guidance)
 6     PITCH_UP     thrust axis rotated toward the vertical at the rate limit
=====  ===========  ===========================================================

Event codes (EVENT.code, severity, value):

====  =====================  ========  ==============================================
code  name                   severity  value
====  =====================  ========  ==============================================
 1    PHASE_CHANGE           info      the new phase number
 2    STATE_INIT             info      the uploaded altitude, m
 3    LRF_ACQUIRED           info      the estimated altitude at acquisition, m
 4    LRF_REJECTED           warning   the innovation, m (first of a streak only)
 5    LRF_LATCHED_FAILED     error     the innovation that latched it, m (naive)
 6    LRF_REBASELINED        warning   the altitude step applied, m (robust)
 7    FALLBACK_ENTERED       warning   seconds since the last IMU sample
 8    FALLBACK_EXITED        info      0
 9    ENGINE_CUTOFF          info      the estimated altitude, m
 10   CONTACT                info      the estimated vertical velocity, m/s
 11   LRF_STALE              warning   seconds since the last accepted measurement
 12   SAFE_MODE_EXITED       info      seconds spent in safe mode
 13   INTERNAL_FAULT         error     0 (an exception in a control cycle; safe command sent)
====  =====================  ========  ==============================================
"""

from __future__ import annotations

from enum import IntEnum


class Phase(IntEnum):
    BOOT = 0
    DESCENT = 1
    FINAL = 2
    LANDED = 3
    SAFE = 4
    BRAKING = 5
    PITCH_UP = 6


class EventCode(IntEnum):
    PHASE_CHANGE = 1
    STATE_INIT = 2
    LRF_ACQUIRED = 3
    LRF_REJECTED = 4
    LRF_LATCHED_FAILED = 5
    LRF_REBASELINED = 6
    FALLBACK_ENTERED = 7
    FALLBACK_EXITED = 8
    ENGINE_CUTOFF = 9
    CONTACT = 10
    LRF_STALE = 11
    SAFE_MODE_EXITED = 12
    INTERNAL_FAULT = 13


#: severity of each event code (ICD: 0 info, 1 warning, 2 error)
SEVERITY: dict[EventCode, int] = {
    EventCode.PHASE_CHANGE: 0,
    EventCode.STATE_INIT: 0,
    EventCode.LRF_ACQUIRED: 0,
    EventCode.LRF_REJECTED: 1,
    EventCode.LRF_LATCHED_FAILED: 2,
    EventCode.LRF_REBASELINED: 1,
    EventCode.FALLBACK_ENTERED: 1,
    EventCode.FALLBACK_EXITED: 0,
    EventCode.ENGINE_CUTOFF: 0,
    EventCode.CONTACT: 0,
    EventCode.LRF_STALE: 1,
    EventCode.SAFE_MODE_EXITED: 0,
    EventCode.INTERNAL_FAULT: 2,
}
