"""Campaign files under hil_configs/campaigns/ name a scenario that loads and key paths
that exist in it (the campaign runner itself is issue 10's)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.config.table import load_toml
from harness.scenario import load_scenario

CAMPAIGNS = Path(__file__).resolve().parents[2] / "hil_configs" / "campaigns"
FILES = sorted(CAMPAIGNS.glob("*.toml"))


def resolve(doc: Any, key: str) -> Any:
    for part in key.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_campaign_file_names_a_scenario_and_keys_that_exist(path: Path) -> None:
    campaign = tomllib.loads(path.read_text())
    scenario = (path.parent / campaign["scenario"]).resolve()
    load_scenario(scenario)
    doc = load_toml(scenario)
    assert set(campaign["profiles"]) <= {"naive", "robust"}
    for axis in campaign.get("sweep", []) + campaign.get("disperse", []):
        if axis["key"].startswith("fsw.stub."):
            continue  # free-form FSW.toml keys: the stub's reader checks them before launch
        resolve(doc, axis["key"])  # KeyError / IndexError: a key the scenario lacks
        if "from" in axis:
            assert axis["from"] < axis["to"] and axis["step"] > 0


def test_the_full_m2_sweep_exists() -> None:
    assert (CAMPAIGNS / "m2_full_acquisition_sweep.toml") in FILES
