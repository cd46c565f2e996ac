"""The exact strategy: assignment and calendar-exact scheduling as one CP-SAT model.

`partition` finds where each task can start on each person's calendar and groups the starts into
classes of equal span; `variables`, `constraints` and `objective` turn those into the model;
`hint` adds a complete hint from a given schedule; `strategy` solves and maps the answer back.
"""

from allocate.strategies.cpsat.strategy import CpSat

__all__ = ["CpSat"]
