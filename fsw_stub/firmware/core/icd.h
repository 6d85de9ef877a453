/* lunar-hil ICD v1 for C: generated from the construct definitions in packets/icd.py;
 * do not edit. Regenerate with `python -m packets.c_header > fsw_stub/firmware/core/icd.h`.
 * Every multi-byte field is big-endian; f32 is IEEE-754 binary32. Offsets of
 * fields are in the user data, which starts 16 bytes into a frame. */
#ifndef LUNAR_HIL_ICD_H
#define LUNAR_HIL_ICD_H

#include <stdint.h>
#include <string.h>

#define ICD_ASM_0 0x1Au
#define ICD_ASM_1 0xCFu
#define ICD_ASM_2 0xFCu
#define ICD_ASM_3 0x1Du
#define ICD_ASM_LEN 4
#define ICD_PRIMARY_HEADER_LEN 6
#define ICD_SECONDARY_HEADER_LEN 6
#define ICD_PEC_LEN 2
#define ICD_FRAME_OVERHEAD 18
#define ICD_DATA_OFFSET 16
#define ICD_MAX_PACKET_LEN 1024
#define ICD_MAX_FRAME_LEN 1028
#define ICD_MAX_KNOWN_FRAME_LEN 60
#define ICD_SEQ_MODULO 16384u
#define ICD_CUC_FINE_PER_S 65536u
#define ICD_CRC_CHECK_VALUE 0x29B1u
#define ICD_SEQ_FLAGS_UNSEGMENTED 3u

/* APIDs (ICD §3) */
#define ICD_APID_SYNC 0x010u
#define ICD_APID_PING 0x011u
#define ICD_APID_STATE_INIT 0x012u
#define ICD_APID_IMU 0x100u
#define ICD_APID_LRF 0x101u
#define ICD_APID_ATTITUDE 0x102u
#define ICD_APID_VELOCIMETER 0x103u
#define ICD_APID_DISCRETES 0x104u
#define ICD_APID_ENGINE_CMD 0x200u
#define ICD_APID_FSW_STATUS 0x300u
#define ICD_APID_PONG 0x301u
#define ICD_APID_EVENT 0x302u
#define ICD_APID_IDLE 0x7FFu

/* status and flag bits */
#define ICD_IMU_STATUS_VALID 0x01u
#define ICD_IMU_STATUS_SATURATED 0x02u
#define ICD_LRF_STATUS_VALID 0x01u
#define ICD_LRF_STATUS_NO_RETURN 0x02u
#define ICD_LRF_STATUS_ACQUIRING 0x04u
#define ICD_LRF_STATUS_SELF_TEST_FAULT 0x08u
#define ICD_NAV_FLAGS_LRF_ACCEPTED 0x01u
#define ICD_NAV_FLAGS_LRF_REJECTED 0x02u
#define ICD_NAV_FLAGS_LRF_FAILED 0x04u
#define ICD_NAV_FLAGS_LRF_STALE 0x08u
#define ICD_NAV_FLAGS_FALLBACK 0x10u
#define ICD_SEVERITY_INFO 0x00u
#define ICD_SEVERITY_WARNING 0x01u
#define ICD_SEVERITY_ERROR 0x02u

static inline uint8_t icd_get_u8(const uint8_t *p) { return p[0]; }
static inline uint16_t icd_get_u16(const uint8_t *p) {
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t icd_get_u32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16)
        | ((uint32_t)p[2] << 8) | p[3];
}
static inline float icd_get_f32(const uint8_t *p) {
    uint32_t u = icd_get_u32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static inline void icd_put_u8(uint8_t *p, uint8_t v) { p[0] = v; }
static inline void icd_put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void icd_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline void icd_put_f32(uint8_t *p, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    icd_put_u32(p, u);
}
/* a finite binary32: exponent not all ones (NaN and +-inf fail) */
static inline int icd_f32_finite(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return ((u >> 23) & 0xFFu) != 0xFFu;
}

/* --- 0x010 SYNC: TC, H2F --- */
/* Every sensor frame due by t_k has been sent; run one control cycle for tick k and answer it. Time: t_k, the tick's sim time. */
#define ICD_SYNC_DATA_LEN 8
#define ICD_SYNC_FRAME_LEN 26
#define ICD_SYNC_LENGTH_FIELD 15
#define ICD_SYNC_WORD1 0x1810u
#define ICD_SYNC_TICK_OFFSET 0
#define ICD_SYNC_PERIOD_US_OFFSET 4
#define ICD_SYNC_PERIOD_US_MIN 1u
#define ICD_SYNC_PERIOD_US_MAX 4294967295u

typedef struct {
    uint32_t tick; /* control tick index k, from 0 */
    uint32_t period_us; /* control period in us */
} icd_sync_t;

static inline void icd_sync_unpack(const uint8_t *p, icd_sync_t *v) {
    v->tick = icd_get_u32(p + 0);
    v->period_us = icd_get_u32(p + 4);
}

static inline void icd_sync_pack(uint8_t *p, const icd_sync_t *v) {
    icd_put_u32(p + 0, v->tick);
    icd_put_u32(p + 4, v->period_us);
}

static inline int icd_sync_valid(const icd_sync_t *v) {
    return v->period_us >= 1u;
}

/* --- 0x011 PING: TC, H2F --- */
/* Liveness probe; answered by PONG. Time: send time. */
#define ICD_PING_DATA_LEN 4
#define ICD_PING_FRAME_LEN 22
#define ICD_PING_LENGTH_FIELD 11
#define ICD_PING_WORD1 0x1811u
#define ICD_PING_NONCE_OFFSET 0

typedef struct {
    uint32_t nonce; /* echoed in PONG */
} icd_ping_t;

static inline void icd_ping_unpack(const uint8_t *p, icd_ping_t *v) {
    v->nonce = icd_get_u32(p + 0);
}

static inline void icd_ping_pack(uint8_t *p, const icd_ping_t *v) {
    icd_put_u32(p + 0, v->nonce);
}

static inline int icd_ping_valid(const icd_ping_t *v) {
    (void)v;
    return 1;
}

/* --- 0x012 STATE_INIT: TC, H2F --- */
/* The ground's state-vector upload before the descent: the FSW's initial navigation estimate. Time: epoch of the state vector. */
#define ICD_STATE_INIT_DATA_LEN 28
#define ICD_STATE_INIT_FRAME_LEN 46
#define ICD_STATE_INIT_LENGTH_FIELD 35
#define ICD_STATE_INIT_WORD1 0x1812u
#define ICD_STATE_INIT_ALT_M_OFFSET 0
#define ICD_STATE_INIT_X_M_OFFSET 4
#define ICD_STATE_INIT_VX_MPS_OFFSET 8
#define ICD_STATE_INIT_VZ_MPS_OFFSET 12
#define ICD_STATE_INIT_MASS_KG_OFFSET 16
#define ICD_STATE_INIT_SIGMA_ALT_M_OFFSET 20
#define ICD_STATE_INIT_SIGMA_V_MPS_OFFSET 24
#define ICD_STATE_INIT_MASS_KG_MIN 0.0
#define ICD_STATE_INIT_MASS_KG_MAX 10000000.0
#define ICD_STATE_INIT_SIGMA_ALT_M_MIN 0.0
#define ICD_STATE_INIT_SIGMA_ALT_M_MAX 10000000.0
#define ICD_STATE_INIT_SIGMA_V_MPS_MIN 0.0
#define ICD_STATE_INIT_SIGMA_V_MPS_MAX 100000.0

typedef struct {
    float alt_m; /* estimated altitude above the local terrain datum under the vehicle, m */
    float x_m; /* estimated downrange position, m */
    float vx_mps; /* estimated horizontal velocity (+downrange), m/s */
    float vz_mps; /* estimated vertical velocity (+up), m/s */
    float mass_kg; /* estimated current mass, kg */
    float sigma_alt_m; /* 1-sigma uncertainty of alt_m */
    float sigma_v_mps; /* 1-sigma uncertainty of each velocity */
} icd_state_init_t;

static inline void icd_state_init_unpack(const uint8_t *p, icd_state_init_t *v) {
    v->alt_m = icd_get_f32(p + 0);
    v->x_m = icd_get_f32(p + 4);
    v->vx_mps = icd_get_f32(p + 8);
    v->vz_mps = icd_get_f32(p + 12);
    v->mass_kg = icd_get_f32(p + 16);
    v->sigma_alt_m = icd_get_f32(p + 20);
    v->sigma_v_mps = icd_get_f32(p + 24);
}

static inline void icd_state_init_pack(uint8_t *p, const icd_state_init_t *v) {
    icd_put_f32(p + 0, v->alt_m);
    icd_put_f32(p + 4, v->x_m);
    icd_put_f32(p + 8, v->vx_mps);
    icd_put_f32(p + 12, v->vz_mps);
    icd_put_f32(p + 16, v->mass_kg);
    icd_put_f32(p + 20, v->sigma_alt_m);
    icd_put_f32(p + 24, v->sigma_v_mps);
}

static inline int icd_state_init_valid(const icd_state_init_t *v) {
    return icd_f32_finite(v->alt_m)
        && icd_f32_finite(v->x_m)
        && icd_f32_finite(v->vx_mps)
        && icd_f32_finite(v->vz_mps)
        && (double)v->mass_kg >= 0.0 && (double)v->mass_kg <= 10000000.0
        && (double)v->sigma_alt_m >= 0.0 && (double)v->sigma_alt_m <= 10000000.0
        && (double)v->sigma_v_mps >= 0.0 && (double)v->sigma_v_mps <= 100000.0;
}

/* --- 0x100 IMU: TM, H2F --- */
/* Incremental IMU output over one interval, body frame. Time: end of the integration interval. */
#define ICD_IMU_DATA_LEN 29
#define ICD_IMU_FRAME_LEN 47
#define ICD_IMU_LENGTH_FIELD 36
#define ICD_IMU_WORD1 0x0900u
#define ICD_IMU_DV_X_OFFSET 0
#define ICD_IMU_DV_Y_OFFSET 4
#define ICD_IMU_DV_Z_OFFSET 8
#define ICD_IMU_DTH_X_OFFSET 12
#define ICD_IMU_DTH_Y_OFFSET 16
#define ICD_IMU_DTH_Z_OFFSET 20
#define ICD_IMU_INTERVAL_US_OFFSET 24
#define ICD_IMU_STATUS_OFFSET 28
#define ICD_IMU_STATUS_MASK 0x03u

typedef struct {
    float dv_x; /* integrated specific force over the interval, body X, m/s */
    float dv_y; /* integrated specific force over the interval, body Y, m/s */
    float dv_z; /* integrated specific force over the interval, body Z, m/s */
    float dth_x; /* integrated angular rate over the interval, body X, rad */
    float dth_y; /* integrated angular rate over the interval, body Y, rad */
    float dth_z; /* integrated angular rate over the interval, body Z, rad */
    uint32_t interval_us; /* integration interval, us */
    uint8_t status; /* bit0 valid, bit1 saturated; other bits 0 */
} icd_imu_t;

static inline void icd_imu_unpack(const uint8_t *p, icd_imu_t *v) {
    v->dv_x = icd_get_f32(p + 0);
    v->dv_y = icd_get_f32(p + 4);
    v->dv_z = icd_get_f32(p + 8);
    v->dth_x = icd_get_f32(p + 12);
    v->dth_y = icd_get_f32(p + 16);
    v->dth_z = icd_get_f32(p + 20);
    v->interval_us = icd_get_u32(p + 24);
    v->status = icd_get_u8(p + 28);
}

static inline void icd_imu_pack(uint8_t *p, const icd_imu_t *v) {
    icd_put_f32(p + 0, v->dv_x);
    icd_put_f32(p + 4, v->dv_y);
    icd_put_f32(p + 8, v->dv_z);
    icd_put_f32(p + 12, v->dth_x);
    icd_put_f32(p + 16, v->dth_y);
    icd_put_f32(p + 20, v->dth_z);
    icd_put_u32(p + 24, v->interval_us);
    icd_put_u8(p + 28, v->status);
}

static inline int icd_imu_valid(const icd_imu_t *v) {
    return icd_f32_finite(v->dv_x)
        && icd_f32_finite(v->dv_y)
        && icd_f32_finite(v->dv_z)
        && icd_f32_finite(v->dth_x)
        && icd_f32_finite(v->dth_y)
        && icd_f32_finite(v->dth_z)
        && (v->status & ~0x03u) == 0;
}

/* --- 0x101 LRF: TM, H2F --- */
/* Laser rangefinder, one measurement along its boresight. Time: acquisition time as the sensor stamps it. */
#define ICD_LRF_DATA_LEN 8
#define ICD_LRF_FRAME_LEN 26
#define ICD_LRF_LENGTH_FIELD 15
#define ICD_LRF_WORD1 0x0901u
#define ICD_LRF_RANGE_M_OFFSET 0
#define ICD_LRF_STATUS_OFFSET 4
#define ICD_LRF_QUALITY_OFFSET 5
#define ICD_LRF_MEAS_ID_OFFSET 6
#define ICD_LRF_RANGE_M_MIN 0.0
#define ICD_LRF_RANGE_M_MAX 10000000.0
#define ICD_LRF_STATUS_MASK 0x0Fu

typedef struct {
    float range_m; /* slant range along the boresight, m (0 when not valid) */
    uint8_t status; /* bit0 valid, bit1 no_return, bit2 acquiring, bit3 self-test fault; other bits 0 */
    uint8_t quality; /* return signal strength, 0-255 */
    uint16_t meas_id; /* measurement counter, +1 per measurement (wraps) */
} icd_lrf_t;

static inline void icd_lrf_unpack(const uint8_t *p, icd_lrf_t *v) {
    v->range_m = icd_get_f32(p + 0);
    v->status = icd_get_u8(p + 4);
    v->quality = icd_get_u8(p + 5);
    v->meas_id = icd_get_u16(p + 6);
}

static inline void icd_lrf_pack(uint8_t *p, const icd_lrf_t *v) {
    icd_put_f32(p + 0, v->range_m);
    icd_put_u8(p + 4, v->status);
    icd_put_u8(p + 5, v->quality);
    icd_put_u16(p + 6, v->meas_id);
}

static inline int icd_lrf_valid(const icd_lrf_t *v) {
    return (double)v->range_m >= 0.0 && (double)v->range_m <= 10000000.0
        && (v->status & ~0x0Fu) == 0;
}

/* --- 0x102 ATTITUDE: TM, H2F --- */
/* Star tracker attitude solution, unit quaternion, body to world. Time: acquisition time. */
#define ICD_ATTITUDE_DATA_LEN 17
#define ICD_ATTITUDE_FRAME_LEN 35
#define ICD_ATTITUDE_LENGTH_FIELD 24
#define ICD_ATTITUDE_WORD1 0x0902u
#define ICD_ATTITUDE_Q_W_OFFSET 0
#define ICD_ATTITUDE_Q_X_OFFSET 4
#define ICD_ATTITUDE_Q_Y_OFFSET 8
#define ICD_ATTITUDE_Q_Z_OFFSET 12
#define ICD_ATTITUDE_STATUS_OFFSET 16
#define ICD_ATTITUDE_Q_W_MIN -1.0
#define ICD_ATTITUDE_Q_W_MAX 1.0
#define ICD_ATTITUDE_Q_X_MIN -1.0
#define ICD_ATTITUDE_Q_X_MAX 1.0
#define ICD_ATTITUDE_Q_Y_MIN -1.0
#define ICD_ATTITUDE_Q_Y_MAX 1.0
#define ICD_ATTITUDE_Q_Z_MIN -1.0
#define ICD_ATTITUDE_Q_Z_MAX 1.0
#define ICD_ATTITUDE_STATUS_MASK 0x01u

typedef struct {
    float q_w; /* unit quaternion scalar part (body to world) */
    float q_x; /* unit quaternion x */
    float q_y; /* unit quaternion y */
    float q_z; /* unit quaternion z */
    uint8_t status; /* bit0 valid; other bits 0 */
} icd_attitude_t;

static inline void icd_attitude_unpack(const uint8_t *p, icd_attitude_t *v) {
    v->q_w = icd_get_f32(p + 0);
    v->q_x = icd_get_f32(p + 4);
    v->q_y = icd_get_f32(p + 8);
    v->q_z = icd_get_f32(p + 12);
    v->status = icd_get_u8(p + 16);
}

static inline void icd_attitude_pack(uint8_t *p, const icd_attitude_t *v) {
    icd_put_f32(p + 0, v->q_w);
    icd_put_f32(p + 4, v->q_x);
    icd_put_f32(p + 8, v->q_y);
    icd_put_f32(p + 12, v->q_z);
    icd_put_u8(p + 16, v->status);
}

static inline int icd_attitude_valid(const icd_attitude_t *v) {
    return (double)v->q_w >= -1.0 && (double)v->q_w <= 1.0
        && (double)v->q_x >= -1.0 && (double)v->q_x <= 1.0
        && (double)v->q_y >= -1.0 && (double)v->q_y <= 1.0
        && (double)v->q_z >= -1.0 && (double)v->q_z <= 1.0
        && (v->status & ~0x01u) == 0;
}

/* --- 0x103 VELOCIMETER: TM, H2F --- */
/* Doppler velocimeter solution (optional sensor). Time: acquisition time. */
#define ICD_VELOCIMETER_DATA_LEN 13
#define ICD_VELOCIMETER_FRAME_LEN 31
#define ICD_VELOCIMETER_LENGTH_FIELD 20
#define ICD_VELOCIMETER_WORD1 0x0903u
#define ICD_VELOCIMETER_VX_MPS_OFFSET 0
#define ICD_VELOCIMETER_VY_MPS_OFFSET 4
#define ICD_VELOCIMETER_VZ_MPS_OFFSET 8
#define ICD_VELOCIMETER_STATUS_OFFSET 12
#define ICD_VELOCIMETER_STATUS_MASK 0x01u

typedef struct {
    float vx_mps; /* velocity in the world frame, x, m/s */
    float vy_mps; /* velocity in the world frame, y, m/s */
    float vz_mps; /* velocity in the world frame, z, m/s */
    uint8_t status; /* bit0 valid; other bits 0 */
} icd_velocimeter_t;

static inline void icd_velocimeter_unpack(const uint8_t *p, icd_velocimeter_t *v) {
    v->vx_mps = icd_get_f32(p + 0);
    v->vy_mps = icd_get_f32(p + 4);
    v->vz_mps = icd_get_f32(p + 8);
    v->status = icd_get_u8(p + 12);
}

static inline void icd_velocimeter_pack(uint8_t *p, const icd_velocimeter_t *v) {
    icd_put_f32(p + 0, v->vx_mps);
    icd_put_f32(p + 4, v->vy_mps);
    icd_put_f32(p + 8, v->vz_mps);
    icd_put_u8(p + 12, v->status);
}

static inline int icd_velocimeter_valid(const icd_velocimeter_t *v) {
    return icd_f32_finite(v->vx_mps)
        && icd_f32_finite(v->vy_mps)
        && icd_f32_finite(v->vz_mps)
        && (v->status & ~0x01u) == 0;
}

/* --- 0x104 DISCRETES: TM, H2F --- */
/* Discrete inputs. Time: sample time. */
#define ICD_DISCRETES_DATA_LEN 2
#define ICD_DISCRETES_FRAME_LEN 20
#define ICD_DISCRETES_LENGTH_FIELD 9
#define ICD_DISCRETES_WORD1 0x0904u
#define ICD_DISCRETES_FLAGS_OFFSET 0
#define ICD_DISCRETES_RESERVED_OFFSET 1
#define ICD_DISCRETES_RESERVED_MIN 0u
#define ICD_DISCRETES_RESERVED_MAX 0u
#define ICD_DISCRETES_FLAGS_MASK 0x01u

typedef struct {
    uint8_t flags; /* bit0 contact probe touched the surface; other bits 0 */
    uint8_t reserved; /* 0 */
} icd_discretes_t;

static inline void icd_discretes_unpack(const uint8_t *p, icd_discretes_t *v) {
    v->flags = icd_get_u8(p + 0);
    v->reserved = icd_get_u8(p + 1);
}

static inline void icd_discretes_pack(uint8_t *p, const icd_discretes_t *v) {
    icd_put_u8(p + 0, v->flags);
    icd_put_u8(p + 1, v->reserved);
}

static inline int icd_discretes_valid(const icd_discretes_t *v) {
    return (v->flags & ~0x01u) == 0
        && v->reserved <= 0u;
}

/* --- 0x200 ENGINE_CMD: TC, F2H --- */
/* The FSW's engine command for one tick; sent last in its answer. Time: t_k of the tick answered. */
#define ICD_ENGINE_CMD_DATA_LEN 13
#define ICD_ENGINE_CMD_FRAME_LEN 31
#define ICD_ENGINE_CMD_LENGTH_FIELD 20
#define ICD_ENGINE_CMD_WORD1 0x1A00u
#define ICD_ENGINE_CMD_TICK_OFFSET 0
#define ICD_ENGINE_CMD_ENGINE_ON_OFFSET 4
#define ICD_ENGINE_CMD_THROTTLE_OFFSET 5
#define ICD_ENGINE_CMD_PITCH_CMD_RAD_OFFSET 9
#define ICD_ENGINE_CMD_ENGINE_ON_MIN 0u
#define ICD_ENGINE_CMD_ENGINE_ON_MAX 1u
#define ICD_ENGINE_CMD_THROTTLE_MIN 0.0
#define ICD_ENGINE_CMD_THROTTLE_MAX 1.0

typedef struct {
    uint32_t tick; /* the SYNC tick this answers */
    uint8_t engine_on; /* 0 off, 1 on */
    float throttle; /* fraction of maximum thrust, [0, 1] */
    float pitch_cmd_rad; /* commanded thrust-axis tilt from local vertical, rad, + toward +downrange */
} icd_engine_cmd_t;

static inline void icd_engine_cmd_unpack(const uint8_t *p, icd_engine_cmd_t *v) {
    v->tick = icd_get_u32(p + 0);
    v->engine_on = icd_get_u8(p + 4);
    v->throttle = icd_get_f32(p + 5);
    v->pitch_cmd_rad = icd_get_f32(p + 9);
}

static inline void icd_engine_cmd_pack(uint8_t *p, const icd_engine_cmd_t *v) {
    icd_put_u32(p + 0, v->tick);
    icd_put_u8(p + 4, v->engine_on);
    icd_put_f32(p + 5, v->throttle);
    icd_put_f32(p + 9, v->pitch_cmd_rad);
}

static inline int icd_engine_cmd_valid(const icd_engine_cmd_t *v) {
    return v->engine_on <= 1u
        && (double)v->throttle >= 0.0 && (double)v->throttle <= 1.0
        && icd_f32_finite(v->pitch_cmd_rad);
}

/* --- 0x300 FSW_STATUS: TM, F2H --- */
/* The FSW's navigation state and link counters for one tick. Time: t_k of the tick answered. */
#define ICD_FSW_STATUS_DATA_LEN 42
#define ICD_FSW_STATUS_FRAME_LEN 60
#define ICD_FSW_STATUS_LENGTH_FIELD 49
#define ICD_FSW_STATUS_WORD1 0x0B00u
#define ICD_FSW_STATUS_TICK_OFFSET 0
#define ICD_FSW_STATUS_PHASE_OFFSET 4
#define ICD_FSW_STATUS_NAV_FLAGS_OFFSET 5
#define ICD_FSW_STATUS_EST_ALT_M_OFFSET 6
#define ICD_FSW_STATUS_EST_VZ_MPS_OFFSET 10
#define ICD_FSW_STATUS_EST_VX_MPS_OFFSET 14
#define ICD_FSW_STATUS_EST_PITCH_RAD_OFFSET 18
#define ICD_FSW_STATUS_LRF_ACCEPTED_OFFSET 22
#define ICD_FSW_STATUS_LRF_REJECTED_OFFSET 24
#define ICD_FSW_STATUS_RX_FRAMES_OFFSET 26
#define ICD_FSW_STATUS_RX_CRC_ERRORS_OFFSET 30
#define ICD_FSW_STATUS_RX_SKIPPED_BYTES_OFFSET 34
#define ICD_FSW_STATUS_RX_REJECTED_OFFSET 38
#define ICD_FSW_STATUS_NAV_FLAGS_MASK 0x1Fu

typedef struct {
    uint32_t tick; /* tick answered */
    uint8_t phase; /* FSW-defined phase number */
    uint8_t nav_flags; /* bit0 LRF accepted this tick, bit1 rejected, bit2 declared failed (latched), bit3 stale, bit4 fallback navigation active */
    float est_alt_m; /* estimated altitude above terrain, m */
    float est_vz_mps; /* estimated vertical velocity, m/s */
    float est_vx_mps; /* estimated horizontal velocity, m/s */
    float est_pitch_rad; /* estimated thrust-axis tilt, rad */
    uint16_t lrf_accepted; /* LRF measurements accepted, total (saturates) */
    uint16_t lrf_rejected; /* LRF measurements rejected, total (saturates) */
    uint32_t rx_frames; /* frames accepted, total */
    uint32_t rx_crc_errors; /* frames rejected for a bad PEC */
    uint32_t rx_skipped_bytes; /* bytes skipped while hunting */
    uint32_t rx_rejected; /* frames rejected for any other reason (length, range, enum) */
} icd_fsw_status_t;

static inline void icd_fsw_status_unpack(const uint8_t *p, icd_fsw_status_t *v) {
    v->tick = icd_get_u32(p + 0);
    v->phase = icd_get_u8(p + 4);
    v->nav_flags = icd_get_u8(p + 5);
    v->est_alt_m = icd_get_f32(p + 6);
    v->est_vz_mps = icd_get_f32(p + 10);
    v->est_vx_mps = icd_get_f32(p + 14);
    v->est_pitch_rad = icd_get_f32(p + 18);
    v->lrf_accepted = icd_get_u16(p + 22);
    v->lrf_rejected = icd_get_u16(p + 24);
    v->rx_frames = icd_get_u32(p + 26);
    v->rx_crc_errors = icd_get_u32(p + 30);
    v->rx_skipped_bytes = icd_get_u32(p + 34);
    v->rx_rejected = icd_get_u32(p + 38);
}

static inline void icd_fsw_status_pack(uint8_t *p, const icd_fsw_status_t *v) {
    icd_put_u32(p + 0, v->tick);
    icd_put_u8(p + 4, v->phase);
    icd_put_u8(p + 5, v->nav_flags);
    icd_put_f32(p + 6, v->est_alt_m);
    icd_put_f32(p + 10, v->est_vz_mps);
    icd_put_f32(p + 14, v->est_vx_mps);
    icd_put_f32(p + 18, v->est_pitch_rad);
    icd_put_u16(p + 22, v->lrf_accepted);
    icd_put_u16(p + 24, v->lrf_rejected);
    icd_put_u32(p + 26, v->rx_frames);
    icd_put_u32(p + 30, v->rx_crc_errors);
    icd_put_u32(p + 34, v->rx_skipped_bytes);
    icd_put_u32(p + 38, v->rx_rejected);
}

static inline int icd_fsw_status_valid(const icd_fsw_status_t *v) {
    return (v->nav_flags & ~0x1Fu) == 0
        && icd_f32_finite(v->est_alt_m)
        && icd_f32_finite(v->est_vz_mps)
        && icd_f32_finite(v->est_vx_mps)
        && icd_f32_finite(v->est_pitch_rad);
}

/* --- 0x301 PONG: TM, F2H --- */
/* Answer to PING. Time: send time. */
#define ICD_PONG_DATA_LEN 8
#define ICD_PONG_FRAME_LEN 26
#define ICD_PONG_LENGTH_FIELD 15
#define ICD_PONG_WORD1 0x0B01u
#define ICD_PONG_NONCE_OFFSET 0
#define ICD_PONG_RX_FRAMES_OFFSET 4

typedef struct {
    uint32_t nonce; /* from the PING */
    uint32_t rx_frames; /* as in FSW_STATUS */
} icd_pong_t;

static inline void icd_pong_unpack(const uint8_t *p, icd_pong_t *v) {
    v->nonce = icd_get_u32(p + 0);
    v->rx_frames = icd_get_u32(p + 4);
}

static inline void icd_pong_pack(uint8_t *p, const icd_pong_t *v) {
    icd_put_u32(p + 0, v->nonce);
    icd_put_u32(p + 4, v->rx_frames);
}

static inline int icd_pong_valid(const icd_pong_t *v) {
    (void)v;
    return 1;
}

/* --- 0x302 EVENT: TM, F2H --- */
/* An FSW event (phase change, LRF acquired/rejected/latched, ...). Time: event time. */
#define ICD_EVENT_DATA_LEN 7
#define ICD_EVENT_FRAME_LEN 25
#define ICD_EVENT_LENGTH_FIELD 14
#define ICD_EVENT_WORD1 0x0B02u
#define ICD_EVENT_CODE_OFFSET 0
#define ICD_EVENT_SEVERITY_OFFSET 2
#define ICD_EVENT_VALUE_OFFSET 3
#define ICD_EVENT_SEVERITY_MIN 0u
#define ICD_EVENT_SEVERITY_MAX 2u

typedef struct {
    uint16_t code; /* event code, documented by the FSW */
    uint8_t severity; /* 0 info, 1 warning, 2 error */
    float value; /* event-specific value */
} icd_event_t;

static inline void icd_event_unpack(const uint8_t *p, icd_event_t *v) {
    v->code = icd_get_u16(p + 0);
    v->severity = icd_get_u8(p + 2);
    v->value = icd_get_f32(p + 3);
}

static inline void icd_event_pack(uint8_t *p, const icd_event_t *v) {
    icd_put_u16(p + 0, v->code);
    icd_put_u8(p + 2, v->severity);
    icd_put_f32(p + 3, v->value);
}

static inline int icd_event_valid(const icd_event_t *v) {
    return v->severity <= 2u
        && icd_f32_finite(v->value);
}

/* Everything the deframer needs about a known APID: its header word and sizes. */
typedef struct {
    uint16_t apid;
    uint16_t word1; /* version 0, type, secondary header flag 1, APID */
    uint16_t length_field;
    uint16_t frame_len;
} icd_spec_t;

#define ICD_N_SPECS 12
static const icd_spec_t ICD_SPECS[ICD_N_SPECS] = {
    {ICD_APID_SYNC, 0x1810u, 15, 26},
    {ICD_APID_PING, 0x1811u, 11, 22},
    {ICD_APID_STATE_INIT, 0x1812u, 35, 46},
    {ICD_APID_IMU, 0x0900u, 36, 47},
    {ICD_APID_LRF, 0x0901u, 15, 26},
    {ICD_APID_ATTITUDE, 0x0902u, 24, 35},
    {ICD_APID_VELOCIMETER, 0x0903u, 20, 31},
    {ICD_APID_DISCRETES, 0x0904u, 9, 20},
    {ICD_APID_ENGINE_CMD, 0x1A00u, 20, 31},
    {ICD_APID_FSW_STATUS, 0x0B00u, 49, 60},
    {ICD_APID_PONG, 0x0B01u, 15, 26},
    {ICD_APID_EVENT, 0x0B02u, 14, 25},
};

/* The spec of a known APID, or NULL. */
static inline const icd_spec_t *icd_spec_of(uint16_t apid) {
    switch (apid) {
    case ICD_APID_SYNC: return &ICD_SPECS[0];
    case ICD_APID_PING: return &ICD_SPECS[1];
    case ICD_APID_STATE_INIT: return &ICD_SPECS[2];
    case ICD_APID_IMU: return &ICD_SPECS[3];
    case ICD_APID_LRF: return &ICD_SPECS[4];
    case ICD_APID_ATTITUDE: return &ICD_SPECS[5];
    case ICD_APID_VELOCIMETER: return &ICD_SPECS[6];
    case ICD_APID_DISCRETES: return &ICD_SPECS[7];
    case ICD_APID_ENGINE_CMD: return &ICD_SPECS[8];
    case ICD_APID_FSW_STATUS: return &ICD_SPECS[9];
    case ICD_APID_PONG: return &ICD_SPECS[10];
    case ICD_APID_EVENT: return &ICD_SPECS[11];
    default: return 0;
    }
}

/* ICD §2 rule 5 on the user data of a known APID: 1 when every field is in range. */
static inline int icd_data_valid(uint16_t apid, const uint8_t *data) {
    switch (apid) {
    case ICD_APID_SYNC: {
        icd_sync_t v;
        icd_sync_unpack(data, &v);
        return icd_sync_valid(&v);
    }
    case ICD_APID_PING: {
        icd_ping_t v;
        icd_ping_unpack(data, &v);
        return icd_ping_valid(&v);
    }
    case ICD_APID_STATE_INIT: {
        icd_state_init_t v;
        icd_state_init_unpack(data, &v);
        return icd_state_init_valid(&v);
    }
    case ICD_APID_IMU: {
        icd_imu_t v;
        icd_imu_unpack(data, &v);
        return icd_imu_valid(&v);
    }
    case ICD_APID_LRF: {
        icd_lrf_t v;
        icd_lrf_unpack(data, &v);
        return icd_lrf_valid(&v);
    }
    case ICD_APID_ATTITUDE: {
        icd_attitude_t v;
        icd_attitude_unpack(data, &v);
        return icd_attitude_valid(&v);
    }
    case ICD_APID_VELOCIMETER: {
        icd_velocimeter_t v;
        icd_velocimeter_unpack(data, &v);
        return icd_velocimeter_valid(&v);
    }
    case ICD_APID_DISCRETES: {
        icd_discretes_t v;
        icd_discretes_unpack(data, &v);
        return icd_discretes_valid(&v);
    }
    case ICD_APID_ENGINE_CMD: {
        icd_engine_cmd_t v;
        icd_engine_cmd_unpack(data, &v);
        return icd_engine_cmd_valid(&v);
    }
    case ICD_APID_FSW_STATUS: {
        icd_fsw_status_t v;
        icd_fsw_status_unpack(data, &v);
        return icd_fsw_status_valid(&v);
    }
    case ICD_APID_PONG: {
        icd_pong_t v;
        icd_pong_unpack(data, &v);
        return icd_pong_valid(&v);
    }
    case ICD_APID_EVENT: {
        icd_event_t v;
        icd_event_unpack(data, &v);
        return icd_event_valid(&v);
    }
    default: return 0;
    }
}

#endif /* LUNAR_HIL_ICD_H */
