"""Where the neighbourhood search keeps each of the checker's rules (`check.RULES`).

Every neighbourhood is the exact model (`cpsat.rules`) of its free tasks, the other tasks held
where the incumbent has them; what the held tasks impose on the free ones is said here. A plan
is only kept after `hint.hint_problem` finds it complete and within every rule (a sub-solve that
finishes after another was accepted is merged into the newer plan and checked again), and
compaction moves a task only where every rule still holds.
"""

from __future__ import annotations

from allocate.strategies.base import Enforcement
from allocate.strategies.cpsat import constraints, limits, objective, resources, weeks
from allocate.strategies.cpsat.fixing import fit, windows
from allocate.strategies.cpsat.hint import hint_problem
from allocate.strategies.cpsat.model import option_starts
from allocate.strategies.cpsat.partition import feasible_starts
from allocate.strategies.lns.compact import compact

RULE_MAP = {
    "placed": Enforcement(
        hint_problem, "every plan kept places every task that must be (as the start did)"
    ),
    "people": Enforcement(
        constraints.people,
        "as CP-SAT; a team is freed as a whole, and its members' held bookings join their "
        "NoOverlap",
    ),
    "qualified": Enforcement(
        option_starts, "as CP-SAT: a free task's options are eligible (or pinned) people"
    ),
    "working_time": Enforcement(constraints.working_time, "as CP-SAT, for the free tasks"),
    "one_at_a_time": Enforcement(
        fit, "a free task's starts keep only those whose span misses the person's held tasks"
    ),
    "capacity": Enforcement(
        resources.capacity, "held tasks' holdings are fixed intervals in each cumulative"
    ),
    "dependency": Enforcement(
        windows,
        "a dependency on a held task bounds the free one's start or end; between free tasks as "
        "CP-SAT; `compact` moves a task no earlier than its predecessors allow",
    ),
    "release": Enforcement(feasible_starts, "as CP-SAT, for the free tasks"),
    "planning_start": Enforcement(feasible_starts, "as CP-SAT, for the free tasks"),
    "pinned": Enforcement(compact, "as CP-SAT; compaction leaves pinned tasks where they are"),
    "progress": Enforcement(option_starts, "as CP-SAT: work in progress keeps its people"),
    "horizon": Enforcement(
        feasible_starts, "as CP-SAT; the model horizon holds the whole incumbent"
    ),
    "max_hours_per_week": Enforcement(
        weeks.max_hours_per_week,
        "the room each week has left after the held tasks; compaction leaves limited people's "
        "tasks in place",
    ),
    "max_projects": Enforcement(
        limits.max_projects,
        "held tasks fix or bound each project span; compaction leaves those tasks in place",
    ),
    "objective": Enforcement(
        objective.add_term_vars,
        "each sub-solve states the whole plan's levels (held tasks as constants); a plan is kept "
        "when no worse on the levels in focus",
    ),
}
