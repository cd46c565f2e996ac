"""The time a solve may take, as one object asked how much is left and whether it is over.

`solve()` starts one `Budget` for the caller's time limit and hands it down: the strategies, the
model builder, the neighbourhood search and the conflict diagnosis ask it (`left()`, `expired`)
instead of each turning seconds into a clock reading and back. A part of the work that gets a
share of its own (`part(seconds)`: the search after the greedy plan, the conflict diagnosis) is a
budget too.

Expiry is one property so that more reasons to stop can join the clock: a caller's request to
stop (a cancel event) belongs in `expired` and `left()`, passed on to each part.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Budget:
    """`seconds` of wall-clock time from now (on `clock`, `time.perf_counter` by default)."""

    __slots__ = ("seconds", "clock", "started")

    def __init__(self, seconds: float, clock: Callable[[], float] = time.perf_counter):
        self.seconds = seconds
        self.clock = clock
        self.started = clock()

    def left(self) -> float:
        """Seconds until the budget is spent; 0 once it is."""
        return max(0.0, self.started + self.seconds - self.clock())

    @property
    def expired(self) -> bool:
        """Is the budget spent?"""
        return self.left() <= 0

    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return self.clock() - self.started

    def part(self, seconds: float) -> Budget:
        """A budget of its own for a part of the work, `seconds` from now on the same clock (the
        caller decides whether that may outlast this one, as a floor for a short search does)."""
        return Budget(seconds, self.clock)

    def __repr__(self) -> str:
        return f"Budget({self.seconds:g} s, {self.left():.3g} s left)"
