"""Pruning a failing case frame by frame, after hypothesis has shrunk its bytes.

Hypothesis shrinks the byte string a case is decoded from; a choice it cannot zero
without shifting the others (a write in the middle, a frame before the one that
matters) may survive that. This pass works on the decoded case itself: it drops whole
writes, then single parts (frames, garbage), then the cuts between chunks, keeping each
change that still violates the same oracle -- on a fresh FSW each try, so what is left
is a reproducer in its own right.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.fuzz.generate import Write
from harness.fuzz.judge import Violation

#: plays writes on a fresh FSW: the violation, or None
Trial = Callable[[list[Write]], Violation | None]


def prune(
    writes: list[Write],
    oracle: str,
    trial: Trial,
    out_of_time: Callable[[], bool] = lambda: False,
    max_trials: int = 400,
) -> list[Write]:
    """The smallest case reachable by dropping writes, parts and cuts that still fails
    ``oracle`` (greedy, one change at a time, at most ``max_trials`` plays and until
    ``out_of_time()``)."""
    trials = 0

    def still_fails(candidate: list[Write]) -> bool:
        nonlocal trials
        trials += 1
        if out_of_time():
            trials = max_trials
            return False
        v = trial(candidate)
        return v is not None and v.oracle == oracle

    best = writes
    changed = True
    while changed and trials < max_trials:
        changed = False
        i = 1
        while i < len(best) - 1 and trials < max_trials:  # keep the baseline and the end
            cand = best[:i] + best[i + 1 :]
            if still_fails(cand):
                best, changed = cand, True
            else:
                i += 1
        for i in range(len(best)):
            j = 0
            while j < len(best[i].parts) and trials < max_trials:
                w = best[i]
                if len(w.parts) == 1:
                    break
                smaller = Write(w.parts[:j] + w.parts[j + 1 :], _cuts_without(w, j))
                cand = [*best[:i], smaller, *best[i + 1 :]]
                if still_fails(cand):
                    best, changed = cand, True
                else:
                    j += 1
        for i, w in enumerate(best):
            if w.cuts and trials < max_trials:
                cand = [*best[:i], Write(w.parts), *best[i + 1 :]]
                if still_fails(cand):
                    best, changed = cand, True
    return best


def _cuts_without(w: Write, j: int) -> list[int]:
    """The cuts of ``w`` moved as if part ``j`` were gone (cuts inside it go to its start)."""
    start = sum(len(p) for p, _ in w.parts[:j])
    n = len(w.parts[j][0])
    return [c if c <= start else max(start, c - n) for c in w.cuts]
