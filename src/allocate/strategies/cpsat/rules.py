"""Where the exact model keeps each of the checker's rules (`check.RULES`).

A rule with a statement of its own has a function of its name (`constraints.one_at_a_time`,
`resources.capacity`, `weeks.max_hours_per_week`, ...); the rules about which people and which
starts a task may have live in the variables' domains instead (`model.option_starts`,
`partition.feasible_starts`). A neighbourhood of LNS is the same model with some tasks held
(`lns.rules`).
"""

from __future__ import annotations

from allocate.strategies.base import Enforcement
from allocate.strategies.cpsat import constraints, limits, objective, resources, weeks
from allocate.strategies.cpsat.model import option_starts
from allocate.strategies.cpsat.partition import feasible_starts

RULE_MAP = {
    "placed": Enforcement(
        constraints.placed,
        "exactly one option per task (an optional task: as many as its presence literal); a "
        "task no option can hold makes the model unplaceable, with why",
    ),
    "people": Enforcement(
        constraints.people,
        "an option is one person (the organisation calendar for a task that needs nobody, "
        "none for a milestone); a team's slots share start and end and its options' intervals "
        "cover the whole stretch, so one person cannot take two slots",
    ),
    "qualified": Enforcement(
        option_starts, "options only for the eligible people of each slot, or the pinned one"
    ),
    "working_time": Enforcement(
        constraints.working_time,
        "each option's starts are working ticks, grouped into classes of equal calendar span; "
        "the chosen class fixes the interval's size",
    ),
    "one_at_a_time": Enforcement(
        constraints.one_at_a_time,
        "one NoOverlap of each person's option intervals; where interchangeable people are "
        "pooled (`pools.py`), a cumulative of each class's size, its people named afterwards "
        "so that none has two tasks at once",
    ),
    "capacity": Enforcement(
        resources.capacity,
        "one cumulative per resource, fixed intervals where its capacity is lower; "
        "NoOverlaps of tasks that never fit together",
    ),
    "dependency": Enforcement(
        constraints.dependency,
        "`S_succ >= E_pred + lag` and the SS, FF, SF variants while both tasks are present; a "
        "working lag through one element table",
    ),
    "release": Enforcement(feasible_starts, "no feasible start before the release"),
    "planning_start": Enforcement(
        feasible_starts, "releases are compiled no earlier than the planning start's tick"
    ),
    "pinned": Enforcement(
        option_starts,
        "a pinned person is the task's only option; a pinned start its only feasible start "
        "(`feasible_starts`)",
    ),
    "progress": Enforcement(
        option_starts,
        "work in progress is compiled pinned to the people on it (`problem._pins`): a pinned "
        "person is the slot's only option",
    ),
    "horizon": Enforcement(feasible_starts, "no feasible start ends after the model horizon"),
    "max_hours_per_week": Enforcement(
        weeks.max_hours_per_week,
        "per limited person and week at risk, the options' loads on the working axis sum to at "
        "most the limit",
    ),
    "max_projects": Enforcement(
        limits.max_projects,
        "per limited person, one optional span interval per project, at most the limit at once",
    ),
    "objective": Enforcement(
        objective.add_term_vars,
        "each level's terms stated exactly by `allocate.terms`, solved lexicographically; "
        "level values are recomputed from the plan, never read off the solver",
    ),
}
