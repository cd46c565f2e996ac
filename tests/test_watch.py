"""A running solve and its caller: Ctrl-C handling only where Python allows it, and a heartbeat
that speaks up when nothing else does. (Ctrl-C during a real solve: tests/test_time_limits.py.)"""

import signal
import threading

from allocate.budget import Budget
from allocate.strategies.base import SolveProgress
from allocate.watch import Heartbeat, Relay, interrupts_stop

HANG = 60


def test_the_heartbeat_beats_while_nothing_is_reported_and_stops_with_its_block():
    """Beats come one interval after the last report; none after the block ends."""
    beats = threading.Semaphore(0)
    count = []

    def beat() -> None:
        count.append(1)
        beats.release()

    with Heartbeat(0.01, beat) as heart:
        for _ in range(3):
            assert beats.acquire(timeout=HANG)
        heart.touch()
    after = len(count)
    threading.Event().wait(0.05)
    assert len(count) == after >= 3


def test_a_heartbeat_repeats_the_latest_progress_with_a_new_elapsed_time():
    """The relay sends the last improvement again (same objective, bound and solution count),
    never two at once."""
    received: list[SolveProgress] = []
    relay = Relay(received.append, Budget(60))
    relay.bounds = (1.0,)
    relay(SolveProgress(0.0, (5.0,), (), 2))
    relay._beat()
    first, again = received
    assert (again.objective, again.bound, again.solutions) == ((5.0,), (1.0,), 2)
    assert again.elapsed >= first.elapsed


def test_ctrl_c_is_left_alone_outside_the_main_thread():
    """In another thread the handler is not touched (Python lets only the main thread set it)."""
    seen = []

    def work() -> None:
        with interrupts_stop(Budget(1)):
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(HANG)
    assert seen == [signal.getsignal(signal.SIGINT)]
