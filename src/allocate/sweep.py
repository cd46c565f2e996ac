"""Independent jobs on any `concurrent.futures.Executor`: risk samples, what-if solves, benchmark
instances.

A process pool, a thread pool or Dask's `client.get_executor()` all work; without one the jobs run
here, one after the other. Results come back in the order of the jobs, so a sweep gives the same
answer whatever runs it. Callers batch their work (a batch of samples, not one sample, per job),
so that shipping the compiled problem to a worker costs little against the work done there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_all(job: Callable[[T], R], items: Iterable[T], executor: Executor | None = None) -> list[R]:
    """`job(item)` for every item, in order; on `executor` when given. `job` and the items must
    pickle (a module-level function and plain data) for process pools and Dask."""
    items = list(items)
    if executor is None:
        return [job(item) for item in items]
    futures = [executor.submit(job, item) for item in items]
    return [future.result() for future in futures]
