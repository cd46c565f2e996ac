"""What a solve may spend, as one object asked how much is left and whether it is over.

`solve()` starts one `Budget` for the caller's time limit and hands it down: the strategies, the
model builder, the neighbourhood search and the conflict diagnosis ask it (`left()`, `expired`)
instead of each turning seconds into a clock reading and back. A part of the work that gets a
share of its own (`part(seconds)`: the search after the greedy plan, the conflict diagnosis) is a
budget too, and shares the reasons to stop.

A budget ends for one of three reasons (`reason`): its clock runs out; someone asks it to stop
(the caller's `stop` signal, a `threading.Event` set by another thread, or `request_stop()`,
which Ctrl-C calls); or, in a deterministic run, its `work` is spent. Work is counted in CP-SAT's
deterministic time units (a machine-independent count of operations, about a second each on a
typical core), so a run that ends on work ends at the same point on every machine: that is what
makes `solve(deterministic=True)` repeatable. A deterministic budget has no clock of its own
(`seconds` is infinite); only work and stop requests end it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol


class StopSignal(Protocol):
    """Anything that says whether to stop: `threading.Event` is one."""

    def is_set(self) -> bool: ...


class Budget:
    """`seconds` of wall-clock time from now (on `clock`, `time.perf_counter` by default), until
    `stop` is set or `request_stop()` is called, and at most `work` deterministic units (None:
    not counted)."""

    __slots__ = ("seconds", "clock", "started", "stop", "work", "_spent", "_asked")

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.perf_counter,
        *,
        stop: StopSignal | None = None,
        work: float | None = None,
    ):
        self.seconds = seconds
        self.clock = clock
        self.started = clock()
        self.stop = stop
        self.work = work
        self._spent = 0.0
        self._asked: list[str] = []  # why, once asked to stop (shared with every part)

    @classmethod
    def deterministic(cls, work: float, *, stop: StopSignal | None = None) -> Budget:
        """A budget of `work` deterministic units and no clock."""
        return cls(math.inf, stop=stop, work=work)

    def left(self) -> float:
        """Seconds until the budget is spent; 0 once it is, for whatever reason."""
        if self.stopped or self.work_left() <= 0:
            return 0.0
        return max(0.0, self.started + self.seconds - self.clock())

    @property
    def expired(self) -> bool:
        """Is the budget spent: out of time or work, or asked to stop?"""
        return self.left() <= 0

    @property
    def stopped(self) -> bool:
        """Has the caller (or Ctrl-C) asked the solve to stop?"""
        return bool(self._asked) or (self.stop is not None and bool(self.stop.is_set()))

    @property
    def reason(self) -> str:
        """Why the budget is spent: "stopped", "work" or "time"; "" while it is not."""
        if self.stopped:
            return "stopped"
        if self.work_left() <= 0:
            return "work"
        return "time" if self.left() <= 0 else ""

    @property
    def stopped_by(self) -> str:
        """Who asked to stop, in words ("asked to stop": the caller's `stop` signal); "" if
        nobody did."""
        if self._asked:
            return self._asked[0]
        return "asked to stop" if self.stopped else ""

    def request_stop(self, why: str = "asked to stop") -> None:
        """Ask every part of the solve to stop and return the best plan so far."""
        self._asked.append(why)

    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return self.clock() - self.started

    def work_left(self) -> float:
        """Deterministic units left (infinite when work is not counted)."""
        return math.inf if self.work is None else max(0.0, self.work - self._spent)

    def spend(self, units: float) -> None:
        """Count `units` of deterministic work as done."""
        self._spent += units

    def part(self, seconds: float, work: float | None = None) -> Budget:
        """A budget of its own for a part of the work: `seconds` from now on the same clock (the
        caller decides whether that may outlast this one, as a floor for a short search does;
        none when this one has no clock), at most `work` units and at most the work left here,
        stopped with this one. The part counts its own work: the caller spends it here if the
        part's work should count against the whole (decided in one thread, in a fixed order, it
        keeps a deterministic run deterministic)."""
        part = Budget(self.seconds if math.isinf(self.seconds) else seconds, self.clock)
        part.stop, part._asked = self.stop, self._asked
        if self.work is not None:
            part.work = self.work_left() if work is None else min(work, self.work_left())
        else:
            part.work = work
        return part

    def __repr__(self) -> str:
        work = "" if self.work is None else f", {self.work_left():.3g} work units left"
        return f"Budget({self.seconds:g} s, {self.left():.3g} s left{work})"
