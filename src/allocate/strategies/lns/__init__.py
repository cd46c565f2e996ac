"""Large-neighbourhood search: a complete plan improved a neighbourhood at a time with CP-SAT.

`neighbourhoods` picks the tasks to free (around where the plan loses most), `adaptive` learns
which kinds and sizes pay, `strategy` runs the loop.
"""

from allocate.strategies.lns.strategy import Lns

__all__ = ["Lns"]
