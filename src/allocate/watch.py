"""A running solve and its caller: Ctrl-C as a request to stop, and a heartbeat.

A planner who presses Ctrl-C (or "interrupt" in a notebook) during a long solve wants it to end,
not to lose what it found: while `solve()` runs in the main thread, the first Ctrl-C asks its
`Budget` to stop, and the solve returns the best plan so far, checked; a second one raises
`KeyboardInterrupt` as usual, for when even that takes too long. In another thread, or when the
caller has a SIGINT handler of their own, nothing changes (Python lets only the main thread
handle signals).

A progress display that hears nothing for a minute cannot tell a search from a hang, so
`Heartbeat` calls back every few seconds when nothing else was reported in that time; `Relay`
is what the caller hears: each improvement with the best bound known, and the heartbeat.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

from allocate.budget import Budget
from allocate.strategies.base import SolveProgress

log = logging.getLogger("allocate")

INTERRUPTED = "interrupted (Ctrl-C)"
HEARTBEAT_SECONDS = 1.0
"""A progress callback hears from the solve at least this often."""
PRINTED_HEARTBEAT_SECONDS = 5.0
"""`progress=True` prints a line at least this often."""


@contextmanager
def interrupts_stop(budget: Budget) -> Iterator[None]:
    """While the block runs: the first Ctrl-C asks `budget` to stop, a second one raises
    KeyboardInterrupt. Only in the main thread, and only over Python's own handler."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    pressed = []

    def handler(signum, frame) -> None:
        if pressed:
            raise KeyboardInterrupt
        pressed.append(time.perf_counter())
        log.warning("stopping: the best plan so far comes back (Ctrl-C again to abort)")
        budget.request_stop(INTERRUPTED)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Heartbeat:
    """Calls `beat` every `seconds` from a thread of its own, from entering the block to leaving
    it, whenever nothing was reported (`touch()`) within the last `seconds`."""

    def __init__(self, seconds: float, beat: Callable[[], None]):
        self.seconds, self.beat = seconds, beat
        self.last = time.perf_counter()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="allocate-heartbeat", daemon=True)

    def touch(self) -> None:
        """Something was reported just now: the next beat is due `seconds` from now."""
        self.last = time.perf_counter()

    def _run(self) -> None:
        while not self._done.wait(max(0.0, self.last + self.seconds - time.perf_counter())):
            if time.perf_counter() - self.last >= self.seconds:
                self.beat()
                self.touch()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


class Relay:
    """The solve's progress for the caller: each improvement, with time counted from the start
    of `solve` and the best bound known (ours or the strategy's), to the caller's callable or
    printed to stderr; and the latest one again on a heartbeat when the search is quiet."""

    def __init__(self, progress: bool | Callable[[SolveProgress], None], budget: Budget):
        self.deliver = progress if callable(progress) else (_print_progress if progress else None)
        self.budget = budget
        self.bounds: tuple[float, ...] = ()
        self.latest = SolveProgress(0.0, (), (), 0)
        self.lock = threading.Lock()
        self.beats: Heartbeat | None = None

    def __call__(self, update: SolveProgress) -> None:
        if self.deliver is None:
            return
        theirs = update.bound or (0.0,) * len(self.bounds)
        best = tuple(max(a, b) for a, b in zip(self.bounds, theirs, strict=False))
        self._send(SolveProgress(self.budget.elapsed(), update.objective, best, update.solutions))

    def heartbeat(self):
        """A context in which the latest progress is repeated when nothing else is reported."""
        if self.deliver is None:
            return nullcontext()
        printed = self.deliver is _print_progress
        self.beats = Heartbeat(
            PRINTED_HEARTBEAT_SECONDS if printed else HEARTBEAT_SECONDS, self._beat
        )
        return self.beats

    def _beat(self) -> None:
        latest = self.latest
        bound = latest.bound or self.bounds
        self._send(SolveProgress(self.budget.elapsed(), latest.objective, bound, latest.solutions))

    def _send(self, update: SolveProgress) -> None:
        with self.lock:
            if self.beats is not None:
                self.beats.touch()
            self.latest = update
            self.deliver(update)


def _print_progress(update: SolveProgress) -> None:
    objective = " / ".join(f"{v:,.1f}" for v in update.objective) or "-"
    bound = " / ".join(f"{v:,.1f}" for v in update.bound) or "-"
    print(f"  {update.elapsed:6.1f} s  objective {objective}  bound {bound}", file=sys.stderr)
