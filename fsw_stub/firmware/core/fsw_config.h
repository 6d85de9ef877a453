/* The FSW's configuration (FSW.toml) for C: generated from fsw_stub/config.py; do not
 * edit. Regenerate with `python -m fsw_stub.firmware.config_header > fsw_stub/firmware/core/fsw_config.h`.
 * One member per key, <section>_<key>; reals are fsw_real (double on the host,
 * float on the board). */
#ifndef LUNAR_HIL_FSW_CONFIG_H
#define LUNAR_HIL_FSW_CONFIG_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "fsw_real.h"

#define FSW_PROFILE_NAIVE 0
#define FSW_PROFILE_ROBUST 1
#define FSW_N_PROFILES 2
static const char *const FSW_PROFILE_NAMES[FSW_N_PROFILES] = {"naive", "robust"};

typedef struct {
    int32_t profile;
    int32_t period_us;
    fsw_real vehicle_dry_mass_kg;
    fsw_real vehicle_max_thrust_n;
    fsw_real vehicle_min_throttle;
    fsw_real vehicle_isp_s;
    fsw_real vehicle_probe_length_m;
    fsw_real lrf_mount_tilt_rad;
    fsw_real lrf_noise_frac;
    fsw_real lrf_noise_floor_m;
    fsw_real lrf_stale_s;
    int32_t lrf_acquire_n;
    fsw_real lrf_max_latency_s;
    fsw_real lrf_max_tilt_deg;
    fsw_real nav_g_mps2;
    fsw_real nav_accel_noise;
    fsw_real nav_bias_walk;
    fsw_real nav_bias_sigma0_mps2;
    fsw_real nav_velocimeter_sigma_mps;
    fsw_real nav_fallback_after_s;
    fsw_real nav_blind_sigma_per_m;
    fsw_real nav_radius_m;
    fsw_real nav_mu_m3ps2;
    fsw_real gates_chi2;
    fsw_real gates_relief_floor_m;
    fsw_real gates_relief_frac;
    fsw_real gates_acquire_relief_frac;
    int32_t gates_latch_n;
    int32_t gates_rebaseline_m;
    int32_t gates_rebaseline_n;
    fsw_real gates_terrain_sigma_m;
    fsw_real gates_velocimeter_chi2;
    fsw_real schedule_decel_mps2;
    fsw_real schedule_v_max_mps;
    fsw_real schedule_v_final_mps;
    fsw_real schedule_h_final_m;
    fsw_real schedule_k_sigma;
    fsw_real schedule_v_blind_min_mps;
    fsw_real schedule_v_safe_mps;
    fsw_real schedule_safe_after_s;
    fsw_real schedule_safe_max_s;
    fsw_real schedule_h_upright_m;
    fsw_real schedule_cutoff_height_m;
    fsw_real schedule_contact_plausible_m;
    fsw_real braking_h_gate_m;
    fsw_real braking_vz_gate_mps;
    fsw_real braking_vx_gate_mps;
    fsw_real braking_throttle;
    fsw_real braking_min_tgo_s;
    fsw_real braking_max_tgo_s;
    fsw_real braking_velocity_only_tgo_s;
    fsw_real braking_max_vertical_frac;
    fsw_real gains_k_vz;
    fsw_real gains_k_vx;
    fsw_real gains_max_ax_mps2;
    fsw_real limits_max_tilt_deg;
    fsw_real limits_land_tilt_deg;
    fsw_real limits_max_tilt_rate_dps;
} fsw_config_t;

typedef enum { FSW_CFG_REAL, FSW_CFG_INT, FSW_CFG_PROFILE } fsw_cfg_kind_t;

/* One FSW.toml key: where it goes, what it must be, its default (optional keys). */
typedef struct {
    const char *section; /* "" for top-level keys */
    const char *key;
    size_t offset;
    fsw_cfg_kind_t kind;
    int required;
    double lo, hi; /* inclusive bounds, lo exclusive when lo_exclusive */
    int lo_exclusive;
    double default_value;
} fsw_cfg_key_t;

#define FSW_CFG_N_KEYS 58
static const fsw_cfg_key_t FSW_CFG_KEYS[FSW_CFG_N_KEYS] = {
    {"", "profile", offsetof(fsw_config_t, profile), FSW_CFG_PROFILE, 1, 0.0, 1.0, 0, 0.0},
    {"", "period_us", offsetof(fsw_config_t, period_us), FSW_CFG_INT, 1, 1.0, 10000000.0, 0, 0.0},
    {"vehicle", "dry_mass_kg", offsetof(fsw_config_t, vehicle_dry_mass_kg), FSW_CFG_REAL, 1, 0.0, HUGE_VAL, 1, 0.0},
    {"vehicle", "max_thrust_n", offsetof(fsw_config_t, vehicle_max_thrust_n), FSW_CFG_REAL, 1, 0.0, HUGE_VAL, 1, 0.0},
    {"vehicle", "min_throttle", offsetof(fsw_config_t, vehicle_min_throttle), FSW_CFG_REAL, 1, 0.0, 1.0, 0, 0.0},
    {"vehicle", "isp_s", offsetof(fsw_config_t, vehicle_isp_s), FSW_CFG_REAL, 1, 0.0, HUGE_VAL, 1, 0.0},
    {"vehicle", "probe_length_m", offsetof(fsw_config_t, vehicle_probe_length_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 1.5},
    {"lrf", "mount_tilt_rad", offsetof(fsw_config_t, lrf_mount_tilt_rad), FSW_CFG_REAL, 1, -1.5707963267948966, 1.5707963267948966, 0, 0.0},
    {"lrf", "noise_frac", offsetof(fsw_config_t, lrf_noise_frac), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.005},
    {"lrf", "noise_floor_m", offsetof(fsw_config_t, lrf_noise_floor_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.3},
    {"lrf", "stale_s", offsetof(fsw_config_t, lrf_stale_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 1.0},
    {"lrf", "acquire_n", offsetof(fsw_config_t, lrf_acquire_n), FSW_CFG_INT, 0, 1.0, HUGE_VAL, 0, 3.0},
    {"lrf", "max_latency_s", offsetof(fsw_config_t, lrf_max_latency_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 4.0},
    {"lrf", "max_tilt_deg", offsetof(fsw_config_t, lrf_max_tilt_deg), FSW_CFG_REAL, 0, 0.0, 90.0, 0, 90.0},
    {"nav", "g_mps2", offsetof(fsw_config_t, nav_g_mps2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 1.62},
    {"nav", "accel_noise", offsetof(fsw_config_t, nav_accel_noise), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.05},
    {"nav", "bias_walk", offsetof(fsw_config_t, nav_bias_walk), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.0002},
    {"nav", "bias_sigma0_mps2", offsetof(fsw_config_t, nav_bias_sigma0_mps2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.01},
    {"nav", "velocimeter_sigma_mps", offsetof(fsw_config_t, nav_velocimeter_sigma_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.2},
    {"nav", "fallback_after_s", offsetof(fsw_config_t, nav_fallback_after_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.2},
    {"nav", "blind_sigma_per_m", offsetof(fsw_config_t, nav_blind_sigma_per_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.3},
    {"nav", "radius_m", offsetof(fsw_config_t, nav_radius_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.0},
    {"nav", "mu_m3ps2", offsetof(fsw_config_t, nav_mu_m3ps2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 4902800000000.0},
    {"gates", "chi2", offsetof(fsw_config_t, gates_chi2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 6.63},
    {"gates", "relief_floor_m", offsetof(fsw_config_t, gates_relief_floor_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 15.0},
    {"gates", "relief_frac", offsetof(fsw_config_t, gates_relief_frac), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.125},
    {"gates", "acquire_relief_frac", offsetof(fsw_config_t, gates_acquire_relief_frac), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 1.0},
    {"gates", "latch_n", offsetof(fsw_config_t, gates_latch_n), FSW_CFG_INT, 0, 1.0, HUGE_VAL, 0, 5.0},
    {"gates", "rebaseline_m", offsetof(fsw_config_t, gates_rebaseline_m), FSW_CFG_INT, 0, 1.0, HUGE_VAL, 0, 20.0},
    {"gates", "rebaseline_n", offsetof(fsw_config_t, gates_rebaseline_n), FSW_CFG_INT, 0, 1.0, HUGE_VAL, 0, 25.0},
    {"gates", "terrain_sigma_m", offsetof(fsw_config_t, gates_terrain_sigma_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 3.0},
    {"gates", "velocimeter_chi2", offsetof(fsw_config_t, gates_velocimeter_chi2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 10.83},
    {"schedule", "decel_mps2", offsetof(fsw_config_t, schedule_decel_mps2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 1.0},
    {"schedule", "v_max_mps", offsetof(fsw_config_t, schedule_v_max_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 70.0},
    {"schedule", "v_final_mps", offsetof(fsw_config_t, schedule_v_final_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 1.0},
    {"schedule", "h_final_m", offsetof(fsw_config_t, schedule_h_final_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 30.0},
    {"schedule", "k_sigma", offsetof(fsw_config_t, schedule_k_sigma), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 2.0},
    {"schedule", "v_blind_min_mps", offsetof(fsw_config_t, schedule_v_blind_min_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 8.0},
    {"schedule", "v_safe_mps", offsetof(fsw_config_t, schedule_v_safe_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 10.0},
    {"schedule", "safe_after_s", offsetof(fsw_config_t, schedule_safe_after_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 3.0},
    {"schedule", "safe_max_s", offsetof(fsw_config_t, schedule_safe_max_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 20.0},
    {"schedule", "h_upright_m", offsetof(fsw_config_t, schedule_h_upright_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 15.0},
    {"schedule", "cutoff_height_m", offsetof(fsw_config_t, schedule_cutoff_height_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.3},
    {"schedule", "contact_plausible_m", offsetof(fsw_config_t, schedule_contact_plausible_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 50.0},
    {"braking", "h_gate_m", offsetof(fsw_config_t, braking_h_gate_m), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.0},
    {"braking", "vz_gate_mps", offsetof(fsw_config_t, braking_vz_gate_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 50.0},
    {"braking", "vx_gate_mps", offsetof(fsw_config_t, braking_vx_gate_mps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 10.0},
    {"braking", "throttle", offsetof(fsw_config_t, braking_throttle), FSW_CFG_REAL, 0, 0.0, 1.0, 0, 0.95},
    {"braking", "min_tgo_s", offsetof(fsw_config_t, braking_min_tgo_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 5.0},
    {"braking", "max_tgo_s", offsetof(fsw_config_t, braking_max_tgo_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 1, 3000.0},
    {"braking", "velocity_only_tgo_s", offsetof(fsw_config_t, braking_velocity_only_tgo_s), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 30.0},
    {"braking", "max_vertical_frac", offsetof(fsw_config_t, braking_max_vertical_frac), FSW_CFG_REAL, 0, 0.0, 1.0, 0, 0.8},
    {"gains", "k_vz", offsetof(fsw_config_t, gains_k_vz), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.8},
    {"gains", "k_vx", offsetof(fsw_config_t, gains_k_vx), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 0.3},
    {"gains", "max_ax_mps2", offsetof(fsw_config_t, gains_max_ax_mps2), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 1.5},
    {"limits", "max_tilt_deg", offsetof(fsw_config_t, limits_max_tilt_deg), FSW_CFG_REAL, 0, 0.0, 80.0, 0, 20.0},
    {"limits", "land_tilt_deg", offsetof(fsw_config_t, limits_land_tilt_deg), FSW_CFG_REAL, 0, 0.0, 80.0, 0, 5.0},
    {"limits", "max_tilt_rate_dps", offsetof(fsw_config_t, limits_max_tilt_rate_dps), FSW_CFG_REAL, 0, 0.0, HUGE_VAL, 0, 10.0},
};

#endif /* LUNAR_HIL_FSW_CONFIG_H */
