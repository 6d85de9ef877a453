/* FSW.toml in C: the subset of TOML the harness writes (tables, `key = number`,
 * `key = "string"`, comments), validated against the generated key table in
 * fsw_config.h -- defaults filled, unknown keys, missing required keys, wrong types and
 * out-of-bounds values are errors that name the file and key, as fsw_stub.config does.
 * No OS calls and no heap: usable on any platform. */
#ifndef LUNAR_HIL_CONFIG_TEXT_H
#define LUNAR_HIL_CONFIG_TEXT_H

#include <stddef.h>

#include "fsw_config.h"

/* 0 on success; -1 with a message in err (always NUL-terminated when errlen > 0). */
int fsw_config_parse(const char *text, size_t len, const char *source, fsw_config_t *out,
                     char *err, size_t errlen);

#endif
