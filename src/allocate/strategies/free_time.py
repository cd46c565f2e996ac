"""Who is free when, counted in each person's working ticks, for constructive strategies.

A slot search asks "from here, where does `effort` working ticks of free time begin?" for every
qualified person of every task. In a person's own working-tick indices (index k: their k-th working
tick) a task is `effort` consecutive indices, and two intervals that begin on working ticks overlap
in real ticks exactly when they share a working tick. So bookings become merged busy runs of
indices, and the question no longer needs the calendar: skip the busy run you are in, then every
free run shorter than `effort`.

Two forms of the same answer: per person, the runs as sorted lists (`Bookings.first_free`, a few
bisects for one person); for everyone, arrays that say for each index the first free index at or
after it and how long that free run is (`FreeTime.first_free`, one numpy step for all candidates of
a task, exact whenever the first free run is long enough, which it usually is).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np

from allocate.problem import Problem, Timeline


class Bookings:
    """One person's booked [start, end) intervals, sorted and disjoint; and the same as merged
    runs of their working-tick indices, mirrored into their rows of `FreeTime`."""

    __slots__ = ("starts", "ends", "cum", "runs_from", "runs_to", "free_from", "free_len")

    def __init__(self, timeline: Timeline, free_from: np.ndarray, free_len: np.ndarray):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum = timeline.cum
        self.runs_from: list[int] = []
        self.runs_to: list[int] = []
        self.free_from, self.free_len = free_from, free_len

    def first_clash(self, start: int, end: int) -> int | None:
        """The end of the first booking overlapping [start, end), if any."""
        index = bisect_right(self.ends, start)
        if index < len(self.starts) and self.starts[index] < end:
            return self.ends[index]
        return None

    def first_free(self, k: int, effort: int) -> int:
        """The first working-tick index >= k that begins `effort` free working ticks."""
        runs_from, runs_to = self.runs_from, self.runs_to
        index = bisect_right(runs_to, k)
        while index < len(runs_from) and runs_from[index] < k + effort:
            k = runs_to[index]
            index += 1
        return k

    def add(self, start: int, end: int) -> None:
        """Book [start, end), which must not overlap an earlier booking."""
        index = bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        low, high = self.cum[start], self.cum[end]
        if high <= low:
            return
        first, last = bisect_left(self.runs_to, low), bisect_right(self.runs_from, high)
        if first < last:  # touches runs: merge them
            low, high = min(low, self.runs_from[first]), max(high, self.runs_to[last - 1])
        self.runs_from[first:last] = [low]
        self.runs_to[first:last] = [high]
        free = self.runs_to[first - 1] if first else 0  # where the free run before it begins
        self.free_len[free:low] = np.arange(low - free, 0, -1)
        self.free_len[low:high] = 0
        self.free_from[low:high] = high


class FreeTime:
    """(people, most working ticks + 1) arrays over working-tick indices: `work`, the tick of
    each index (the horizon past a person's last); `free_from`, the first free index at or after
    each; `free_len`, how many free indices begin there (0 when busy or past the last)."""

    def __init__(self, problem: Problem):
        self.count = problem.cum_work[:, -1].astype(np.int64)
        size = int(self.count.max(initial=0)) + 1
        self.work = np.full((problem.n_people, size), problem.horizon, dtype=np.int64)
        for person in range(problem.n_people):
            ticks = problem.timeline(person).work
            self.work[person, : len(ticks)] = ticks
        index = np.arange(size, dtype=np.int32)
        self.free_from = np.tile(index, (problem.n_people, 1))
        self.free_len = np.maximum(self.count[:, None].astype(np.int32) - index, 0)

    def bookings(self, problem: Problem, person: int) -> Bookings:
        return Bookings(problem.timeline(person), self.free_from[person], self.free_len[person])

    def first_free(self, people: np.ndarray, k: np.ndarray, effort: int) -> np.ndarray:
        """Per person, the first index >= k that begins `effort` free ones if the first free
        run at or after k is long enough, else -1 (ask `Bookings.first_free`). One lookup, no
        more: following further runs in numpy measured slower than the per-person bisects."""
        found = self.free_from[people, k]
        return np.where(self.free_len[people, found] >= effort, found, -1)
