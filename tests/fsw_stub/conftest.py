"""Shared helpers for the FSW stub's tests: a ready config and frame builders."""

from __future__ import annotations

from fsw_stub.config import FswConfig, config_from_mapping

VEHICLE = {"dry_mass_kg": 340.0, "max_thrust_n": 3600.0, "min_throttle": 0.15, "isp_s": 310.0}


def config(profile: str = "robust", **sections: object) -> FswConfig:
    doc: dict[str, object] = {
        "profile": profile,
        "period_us": 50_000,
        "vehicle": dict(VEHICLE),
        "lrf": {"mount_tilt_rad": 0.0},
    }
    doc.update(sections)
    return config_from_mapping(doc, "<test>")
