/* The FSW's real number type: double on the host (the Python stub computes in float64),
 * float where FSW_REAL_FLOAT is defined (the Cortex-M4F board: its FPU is single
 * precision). Math functions go through the R_* macros. */
#ifndef LUNAR_HIL_FSW_REAL_H
#define LUNAR_HIL_FSW_REAL_H

#include <math.h>

#ifdef FSW_REAL_FLOAT
typedef float fsw_real;
#define R(x) (x##f)
#define R_SQRT sqrtf
#define R_POW powf
#define R_ATAN2 atan2f
#define R_SIN sinf
#define R_COS cosf
#define R_TAN tanf
#define R_FABS fabsf
#define R_ISFINITE(x) isfinite(x)
#else
typedef double fsw_real;
#define R(x) (x)
#define R_SQRT sqrt
#define R_POW pow
#define R_ATAN2 atan2
#define R_SIN sin
#define R_COS cos
#define R_TAN tan
#define R_FABS fabs
#define R_ISFINITE(x) isfinite(x)
#endif

#define R_PI R(3.14159265358979323846)

/* Python's min(a, b) and max(a, b), NaN behaviour included: the first unless the second
 * compares strictly smaller (larger). */
static inline fsw_real r_min(fsw_real a, fsw_real b) { return b < a ? b : a; }
static inline fsw_real r_max(fsw_real a, fsw_real b) { return b > a ? b : a; }
/* Python's min(max(x, lo), hi) */
static inline fsw_real r_clamp(fsw_real x, fsw_real lo, fsw_real hi) {
    return r_min(r_max(x, lo), hi);
}

/* v when finite, else fallback (the stub's _finite) */
static inline fsw_real r_finite_or(fsw_real v, fsw_real fallback) {
    return R_ISFINITE(v) ? v : fallback;
}

#endif
