#include "config_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAME 48

typedef struct {
    const char *source;
    char *err;
    size_t errlen;
} ctx_t;

static int fail(ctx_t *c, const char *section, const char *key, const char *expected,
                const char *found) {
    if (c->errlen > 0) {
        snprintf(c->err, c->errlen, "%s: %s%s%s: expected %s, found %s", c->source, section,
                 section[0] ? "." : "", key, expected, found);
    }
    return -1;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

static void copy_token(char *dst, const char *src, size_t n) {
    if (n >= MAX_NAME) n = MAX_NAME - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int known_section(const char *name) {
    for (int i = 0; i < FSW_CFG_N_KEYS; i++) {
        if (strcmp(FSW_CFG_KEYS[i].section, name) == 0) return 1;
    }
    return 0;
}

static void store(fsw_config_t *out, const fsw_cfg_key_t *k, double v) {
    char *base = (char *)out + k->offset;
    if (k->kind == FSW_CFG_REAL) {
        fsw_real r = (fsw_real)v;
        memcpy(base, &r, sizeof r);
    } else {
        int32_t i = (int32_t)v;
        memcpy(base, &i, sizeof i);
    }
}

static int check_bounds(ctx_t *c, const fsw_cfg_key_t *k, double v, const char *found) {
    char want[96];
    if (k->kind == FSW_CFG_INT && k->hi == HUGE_VAL) {
        if (v < k->lo) return fail(c, k->section, k->key, "a positive integer", found);
        return 0;
    }
    if (k->lo_exclusive ? !(v > k->lo) : !(v >= k->lo) || !(v <= k->hi)) {
        if (k->lo_exclusive) {
            snprintf(want, sizeof want, "a positive number");
        } else if (k->hi == HUGE_VAL) {
            snprintf(want, sizeof want, "a non-negative number");
        } else {
            snprintf(want, sizeof want, "a number in [%g, %g]", k->lo, k->hi);
        }
        return fail(c, k->section, k->key, want, found);
    }
    return 0;
}

/* One `key = value`; value is text[0..n). */
static int assign(ctx_t *c, fsw_config_t *out, int *seen, const char *section, const char *key,
                  const char *val, size_t n) {
    char found[MAX_NAME];
    copy_token(found, val, n);
    for (int i = 0; i < FSW_CFG_N_KEYS; i++) {
        const fsw_cfg_key_t *k = &FSW_CFG_KEYS[i];
        if (strcmp(k->section, section) != 0 || strcmp(k->key, key) != 0) continue;
        seen[i] = 1;
        if (k->kind == FSW_CFG_PROFILE) {
            if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
                for (int p = 0; p < FSW_N_PROFILES; p++) {
                    size_t len = strlen(FSW_PROFILE_NAMES[p]);
                    if (len == n - 2 && memcmp(val + 1, FSW_PROFILE_NAMES[p], len) == 0) {
                        store(out, k, (double)p);
                        return 0;
                    }
                }
            }
            return fail(c, section, key, "one of ['naive', 'robust']", found);
        }
        char *end = NULL;
        double v = strtod(found, &end);
        int numeric = end != found && *end == '\0' && found[0] != '"';
        if (!numeric) {
            return fail(c, section, key, k->kind == FSW_CFG_INT ? "an integer" : "a number",
                        found);
        }
        if (k->kind == FSW_CFG_INT) {
            if (strpbrk(found, ".eEinIN") != NULL || v != floor(v)) {
                return fail(c, section, key,
                            k->hi == HUGE_VAL ? "a positive integer" : "an integer", found);
            }
            if (!(v >= k->lo && v <= k->hi)) {
                if (k->hi == HUGE_VAL) return fail(c, section, key, "a positive integer", found);
                char want[64];
                snprintf(want, sizeof want, "an integer in [%g, %g] (us)", k->lo, k->hi);
                return fail(c, section, key, want, found);
            }
        } else {
            if (!isfinite(v)) return fail(c, section, key, "a finite number", found);
            if (check_bounds(c, k, v, found) != 0) return -1;
        }
        store(out, k, v);
        return 0;
    }
    if (!known_section(section)) return fail(c, "", section, "a known table", section);
    return fail(c, section, key, "a known key", key);
}

int fsw_config_parse(const char *text, size_t len, const char *source, fsw_config_t *out,
                     char *err, size_t errlen) {
    ctx_t c = {source, err, errlen};
    int seen[FSW_CFG_N_KEYS] = {0};
    char section[MAX_NAME] = "";
    if (errlen > 0) err[0] = '\0';
    memset(out, 0, sizeof *out);
    for (int i = 0; i < FSW_CFG_N_KEYS; i++) store(out, &FSW_CFG_KEYS[i], FSW_CFG_KEYS[i].default_value);
    size_t pos = 0;
    while (pos < len) {
        size_t eol = pos;
        while (eol < len && text[eol] != '\n') eol++;
        /* strip a comment (a '#' outside a string) and surrounding blanks */
        size_t a = pos, b = eol;
        int in_str = 0;
        for (size_t i = a; i < b; i++) {
            if (text[i] == '"') in_str = !in_str;
            if (text[i] == '#' && !in_str) {
                b = i;
                break;
            }
        }
        while (a < b && is_space(text[a])) a++;
        while (b > a && is_space(text[b - 1])) b--;
        pos = eol + 1;
        if (a == b) continue;
        if (text[a] == '[') {
            if (text[b - 1] != ']' || b - a < 3) {
                char found[MAX_NAME];
                copy_token(found, text + a, b - a);
                return fail(&c, "", "<syntax>", "a [table] header", found);
            }
            copy_token(section, text + a + 1, b - a - 2);
            if (!known_section(section) || section[0] == '\0') {
                return fail(&c, "", section, "a known table", section);
            }
            continue;
        }
        size_t eq = a;
        while (eq < b && text[eq] != '=') eq++;
        if (eq == b) {
            char found[MAX_NAME];
            copy_token(found, text + a, b - a);
            return fail(&c, section, "<syntax>", "key = value", found);
        }
        size_t ke = eq;
        while (ke > a && is_space(text[ke - 1])) ke--;
        size_t vs = eq + 1;
        while (vs < b && is_space(text[vs])) vs++;
        char key[MAX_NAME];
        copy_token(key, text + a, ke - a);
        if (assign(&c, out, seen, section, key, text + vs, b - vs) != 0) return -1;
    }
    for (int i = 0; i < FSW_CFG_N_KEYS; i++) {
        if (FSW_CFG_KEYS[i].required && !seen[i]) {
            return fail(&c, FSW_CFG_KEYS[i].section, FSW_CFG_KEYS[i].key, "a value (required)",
                        "None");
        }
    }
    if (out->gates_rebaseline_m > out->gates_rebaseline_n) {
        return fail(&c, "gates", "rebaseline_m", "<= gates.rebaseline_n", "a larger value");
    }
    if (out->vehicle_min_throttle >= R(1.0)) {
        return fail(&c, "vehicle", "min_throttle", "< 1", "1");
    }
    return 0;
}
