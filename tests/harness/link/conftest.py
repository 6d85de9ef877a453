"""Fixtures: one pair of link ends per kind (see ``pairs``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness.link.pairs import DUPLEX, PAIRS, Pair


@pytest.fixture(params=list(PAIRS))
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    with PAIRS[request.param]() as p:
        yield p


@pytest.fixture(params=list(DUPLEX))
def duplex_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)
