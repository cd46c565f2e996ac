"""A running solve and its caller: Ctrl-C as a request to stop, and a heartbeat.

A planner who presses Ctrl-C (or "interrupt" in a notebook) during a long solve wants it to end,
not to lose what it found: while `solve()` runs in the main thread, the first Ctrl-C asks its
`Budget` to stop, and the solve returns the best plan so far, checked; a second one raises
`KeyboardInterrupt` as usual, for when even that takes too long. In another thread, or when the
caller has a SIGINT handler of their own, nothing changes (Python lets only the main thread
handle signals).

A progress display that hears nothing for a minute cannot tell a search from a hang, so
`Heartbeat` calls back every few seconds when nothing else was reported in that time.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from allocate.budget import Budget

log = logging.getLogger("allocate")

INTERRUPTED = "interrupted (Ctrl-C)"


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
