"""Property-based fuzzing of any FSW over its real link (``lunar-hil fuzz``/``replay``).

``generate`` decodes a case (a lockstep session with mutations) from bytes; ``driver``
plays it through the FSW's ``FswPort``; ``judge`` holds the oracles; ``search`` runs
cases until the budget is spent and has hypothesis shrink a failure; ``prune`` drops
what the failure does not need; ``reproducer`` writes and replays captures.
"""
