"""Boundary search over a known step: the bracket holds the flip; a resumed search
replays the same run ids from the store and flies nothing twice."""

from __future__ import annotations

from pathlib import Path

from harness.campaign import coordinator
from harness.campaign.plan import load_campaign
from harness.campaign.pool import ProcessPool
from harness.campaign.progress import Progress
from harness.campaign.search import bracket_sentence, run_search
from harness.campaign.stats import steps_for
from tests.harness.campaign._fixtures import FLIP_ALT_M, campaign_file, soft_above_1234_5

SEARCH = (
    'profiles = ["naive", "robust"]\nkeep = "none"\n'
    '[search]\nkey = "initial.alt_m"\nlow = 500.0\nhigh = 3000.0\nresolution = 20.0\n'
    "repeats = 3\npredicate = 'verdict == \"soft\"'\n"
)


def test_search_brackets_the_flip_and_resumes_from_the_store(tmp_path: Path) -> None:
    c = load_campaign(campaign_file(tmp_path, SEARCH))
    out = tmp_path / "out"
    store = coordinator.create(c, out)
    pool = ProcessPool(2, 30.0, work=soft_above_1234_5)
    brackets, finish = run_search(c, store, out, pool, Progress(False))
    assert finish is not None and finish.completed
    steps = steps_for(500.0, 3000.0, 20.0)
    assert store.counts() == {"done": 2 * steps * 3}  # every point once, 3 seeds each
    for b in brackets:
        assert b.low <= FLIP_ALT_M <= b.high and b.high - b.low <= 20.0 and b.passes_above
        text = bracket_sentence(b, c.search.predicate.text)  # type: ignore[union-attr]
        assert "above" in text and "3 seeds a point" in text
    first = store.rows()
    again, finish2 = run_search(
        c, store, out, ProcessPool(1, 30.0, work=soft_above_1234_5), Progress(False)
    )
    assert finish2 is not None and finish2.ran == 0  # replayed from the store
    assert again == brackets and store.rows() == first
