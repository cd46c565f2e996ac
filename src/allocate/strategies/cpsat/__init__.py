"""The exact strategy: assignment and calendar-exact scheduling as one CP-SAT model.

`partition` finds where each task can start on each person's calendar and groups the starts into
classes of equal span; `variables`, `constraints`, `resources` and `objective` turn those into the
model; `fixing` narrows it to a neighbourhood (free tasks re-planned, the rest held as constants,
which is what `lns` re-solves); `hint` adds a complete hint from a given schedule; `run` solves
the lexicographic stages; `strategy` (`CpSat.solve`, `CpSat.reoptimise`) maps the answer back.
"""

from allocate.strategies.cpsat.strategy import CpSat

__all__ = ["CpSat"]
