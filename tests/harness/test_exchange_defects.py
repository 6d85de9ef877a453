"""The F→H defects found flying a third-party FSW (issue 8), each over a real pty with a
small fake FSW, and each recorded the same whether the trailing frames came in the same
read as ENGINE_CMD(k) or 20 ms later (ICD §2 rule 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.verdict import Verdict
from tests.harness.test_session_supervision import _session

CHUNKINGS = [pytest.param(False, id="same-write"), pytest.param(True, id="written-later")]


@pytest.mark.parametrize("split", CHUNKINGS)
def test_an_event_after_the_command_is_recorded(tmp_path: Path, split: bool) -> None:
    flown, _, _ = _session("event_after", tmp_path, split=split)
    ticks = len(flown.rows)
    assert flown.verdict is Verdict.CRASH
    # written later, the last tick's trailing EVENT may not have come by touchdown
    assert len(flown.events) == ticks or (split and len(flown.events) == ticks - 1)
    assert flown.link["received"]["by_name"]["EVENT"] == len(flown.events)
    # each EVENT keeps the time it carries (t_k of its tick), not the tick it was read in
    assert [t for t, _ in flown.events] == pytest.approx(
        [e.value * 0.05 for _, e in flown.events], abs=1e-4
    )
    assert all(r.status is not None for r in flown.rows)
    assert flown.link["stale_answers"] == 0


def test_event_record_is_the_same_whatever_the_chunking(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    same, _, _ = _session("event_after", tmp_path / "a")
    later, _, _ = _session("event_after", tmp_path / "b", split=True)
    n = min(len(same.events), len(later.events))
    assert n >= len(same.rows) - 1
    assert same.events[:n] == later.events[:n]


@pytest.mark.parametrize("split", CHUNKINGS)
def test_a_status_after_the_command_is_stale_and_leaves_the_row_blank(
    tmp_path: Path, split: bool
) -> None:
    flown, _, _ = _session("status_after", tmp_path, split=split)
    ticks = len(flown.rows)
    assert all(r.status is None for r in flown.rows)
    stale = flown.link["stale_answers"]
    assert stale == ticks or (split and stale == ticks - 1)  # the last may come too late
    assert "stale_answers" in flown.causes


@pytest.mark.parametrize("split", CHUNKINGS)
def test_a_duplicate_command_is_counted(tmp_path: Path, split: bool) -> None:
    flown, sim, _ = _session("dup_cmd", tmp_path, split=split)
    ticks = len(flown.rows)
    stale = flown.link["stale_answers"]
    assert stale == ticks or (split and stale == ticks - 1)
    assert flown.link["received"]["by_name"]["ENGINE_CMD"] == ticks + stale
    assert len(sim.commands) == ticks  # one command applied per tick, never two


def test_a_bad_pec_command_is_lost_held_and_the_run_goes_on(tmp_path: Path) -> None:
    flown, sim, elapsed = _session("bad_pec", tmp_path, n=4, watchdog_s=5.0)
    assert flown.verdict is Verdict.CRASH  # flew to touchdown, no fsw_timeout
    assert flown.link["engine_cmd_lost"] == 1
    assert flown.link["received"]["crc_errors"] == 1
    assert "engine_cmd_lost" in flown.causes
    assert len(sim.commands) == len(flown.rows)
    assert elapsed < 5.0  # cost the resync time (0.2 s), not the 5 s watchdog


def test_a_tc_bit_clear_command_names_the_field(tmp_path: Path) -> None:
    flown, _, _ = _session("tc_clear", tmp_path, n=3)
    assert flown.verdict is Verdict.CRASH
    assert flown.link["engine_cmd_lost"] == 1
    reasons = [r["reason"] for r in flown.link["received_rejections"]]
    assert "header: ENGINE_CMD: type bit 0, expected 1 (TC)" in reasons
    assert all("expects" not in r for r in reasons)


def test_a_range_rejected_command_is_known_at_once_and_no_false_gap(tmp_path: Path) -> None:
    flown, _, elapsed = _session("range_cmd", tmp_path, n=3, watchdog_s=5.0)
    assert flown.verdict is Verdict.CRASH
    assert flown.link["engine_cmd_rejected"] == 1
    assert flown.link["engine_cmd_lost"] == 0
    assert flown.link["received"]["seq_gaps"] == 0  # nothing was lost (ICD §2 rule 3)
    assert elapsed < 2.0


def test_no_valid_command_for_too_long_is_fsw_protocol(tmp_path: Path) -> None:
    flown, sim, elapsed = _session(
        "bad_pec_all", tmp_path, resync_quiet_s=0.05, max_missed_commands=4, watchdog_s=5.0
    )
    assert flown.verdict is Verdict.FSW_PROTOCOL
    assert "no valid ENGINE_CMD for 5 ticks in a row" in flown.end_reason
    assert "bad PEC" in flown.end_reason
    assert len(sim.commands) == 5
    assert elapsed < 5.0


def test_silence_after_a_status_is_fsw_timeout_naming_what_came(tmp_path: Path) -> None:
    flown, _, _ = _session("status_only", tmp_path, n=5, watchdog_s=0.5)
    assert flown.verdict is Verdict.FSW_TIMEOUT
    assert "no ENGINE_CMD(5) within the 0.5 s watchdog" in flown.end_reason
    assert "received for tick 5: FSW_STATUS(5)" in flown.end_reason
