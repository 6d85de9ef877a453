"""C headers for the FSW's configuration, generated from ``fsw_stub.config`` -- no
hand-copied numbers.

* ``fsw_config.h`` (committed, drift-tested): the ``fsw_config_t`` struct, one member per
  FSW.toml key (``<section>_<key>``), the defaults of every optional key, and the key table
  (section, key, kind, required, bounds) that the C FSW.toml reader in
  ``core/config_text.c`` validates against. ``python -m fsw_stub.firmware.config_header
  > fsw_stub/firmware/core/fsw_config.h`` regenerates it.
* a build-config header for one FSW.toml (``build_config_header``): that file resolved by
  ``fsw_stub.config.load_config`` (defaults filled, validated) as the initialiser
  ``FSW_BUILD_CONFIG`` -- how the constants reach a board image at build time.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any

from fsw_stub.config import _BOUNDS, _POSITIVE, _SECTIONS, PROFILES, FswConfig

REGENERATE = "python -m fsw_stub.firmware.config_header > fsw_stub/firmware/core/fsw_config.h"
#: top-level keys that are not sections
_TOP = (("profile", "profile"), ("period_us", "int"))
_PERIOD_MAX_US = 10_000_000


def _kind(f: dataclasses.Field[Any]) -> str:
    return "int" if f.type in ("int", int) else "real"


def config_keys() -> list[tuple[str, str, str, bool, float, float, bool, Any]]:
    """(section, key, kind, required, lo, hi, lo_exclusive, default) of every FSW.toml key."""
    out: list[tuple[str, str, str, bool, float, float, bool, Any]] = [
        ("", "profile", "profile", True, 0, len(PROFILES) - 1, False, None),
        ("", "period_us", "int", True, 1, _PERIOD_MAX_US, False, None),
    ]
    for section, (cls, required) in _SECTIONS.items():
        for f in dataclasses.fields(cls):
            kind = _kind(f)
            lo, hi, excl = (1.0, math.inf, False) if kind == "int" else (0.0, math.inf, False)
            if (section, f.name) in _BOUNDS:
                lo, hi = _BOUNDS[(section, f.name)]
            elif (section, f.name) in _POSITIVE:
                lo, excl = 0.0, True
            default = None if f.default is dataclasses.MISSING else f.default
            out.append((section, f.name, kind, f.name in required, lo, hi, excl, default))
    return out


def _member(section: str, key: str) -> str:
    return f"{section}_{key}" if section else key


def _c_real(x: float) -> str:
    if math.isinf(x):
        return "HUGE_VAL" if x > 0 else "-HUGE_VAL"
    return repr(float(x))


def config_struct_header() -> str:
    """``fsw_config.h``, ending in one newline."""
    keys = config_keys()
    lines = [
        "/* The FSW's configuration (FSW.toml) for C: generated from fsw_stub/config.py; do not",
        f" * edit. Regenerate with `{REGENERATE}`.",
        " * One member per key, <section>_<key>; reals are fsw_real (double on the host,",
        " * float on the board). */",
        "#ifndef LUNAR_HIL_FSW_CONFIG_H",
        "#define LUNAR_HIL_FSW_CONFIG_H",
        "",
        "#include <math.h>",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "fsw_real.h"',
        "",
        *[f"#define FSW_PROFILE_{p.upper()} {i}" for i, p in enumerate(PROFILES)],
        f"#define FSW_N_PROFILES {len(PROFILES)}",
        "static const char *const FSW_PROFILE_NAMES[FSW_N_PROFILES] = {"
        + ", ".join(f'"{p}"' for p in PROFILES)
        + "};",
        "",
        "typedef struct {",
    ]
    for section, key, kind, _, _, _, _, _ in keys:
        ctype = "fsw_real" if kind == "real" else "int32_t"
        lines.append(f"    {ctype} {_member(section, key)};")
    lines += [
        "} fsw_config_t;",
        "",
        "typedef enum { FSW_CFG_REAL, FSW_CFG_INT, FSW_CFG_PROFILE } fsw_cfg_kind_t;",
        "",
        "/* One FSW.toml key: where it goes, what it must be, its default (optional keys). */",
        "typedef struct {",
        '    const char *section; /* "" for top-level keys */',
        "    const char *key;",
        "    size_t offset;",
        "    fsw_cfg_kind_t kind;",
        "    int required;",
        "    double lo, hi; /* inclusive bounds, lo exclusive when lo_exclusive */",
        "    int lo_exclusive;",
        "    double default_value;",
        "} fsw_cfg_key_t;",
        "",
        f"#define FSW_CFG_N_KEYS {len(keys)}",
        "static const fsw_cfg_key_t FSW_CFG_KEYS[FSW_CFG_N_KEYS] = {",
    ]
    kinds = {"real": "FSW_CFG_REAL", "int": "FSW_CFG_INT", "profile": "FSW_CFG_PROFILE"}
    for section, key, kind, required, lo, hi, excl, default in keys:
        d = 0.0 if default is None else float(default)
        lines.append(
            f'    {{"{section}", "{key}", offsetof(fsw_config_t, {_member(section, key)}),'
            f" {kinds[kind]}, {int(required)}, {_c_real(lo)}, {_c_real(hi)}, {int(excl)},"
            f" {_c_real(d)}}},"
        )
    lines += ["};", "", "#endif /* LUNAR_HIL_FSW_CONFIG_H */"]
    return "\n".join(lines) + "\n"


def _flat(cfg: FswConfig) -> dict[str, Any]:
    values: dict[str, Any] = {
        "profile": PROFILES.index(cfg.profile),
        "period_us": cfg.period_us,
    }
    for section in _SECTIONS:
        for f in dataclasses.fields(getattr(cfg, section)):
            values[_member(section, f.name)] = getattr(getattr(cfg, section), f.name)
    return values


def build_config_header(cfg: FswConfig) -> str:
    """One vehicle's constants for a board build: ``FSW_BUILD_CONFIG``, from ``cfg``."""
    lines = [
        f"/* Build-time constants resolved from {cfg.source} by fsw_stub.config; generated by",
        " * `python -m fsw_stub.firmware.build board --config FSW.toml`; do not edit. */",
        "#ifndef LUNAR_HIL_FSW_BUILD_CONFIG_H",
        "#define LUNAR_HIL_FSW_BUILD_CONFIG_H",
        '#include "fsw_config.h"',
        "static const fsw_config_t FSW_BUILD_CONFIG = {",
    ]
    for name, v in _flat(cfg).items():
        text = repr(float(v)) if isinstance(v, float) else str(int(v))
        lines.append(f"    .{name} = {text},")
    lines += [
        "};",
        "/* for build-time checks against the core's fixed sizes */",
        f"#define FSW_BUILD_REBASELINE_N {cfg.gates.rebaseline_n}",
        "#endif",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    sys.stdout.write(config_struct_header())
    return 0


if __name__ == "__main__":
    sys.exit(main())
