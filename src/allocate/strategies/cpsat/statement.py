"""The CP-SAT model as the objective terms see it: who does what, what is held, what ends when.

Each term (`allocate.terms`) states itself on a `Statement`: `x(t, p)` is 1 when task t goes to
person p (an option's presence literal, or a constant for a task a neighbourhood holds), `present`
is 1 when a task is in the plan, `start(t)` is when it starts, `late(d)` and `last_end()` are the
ticks due d is late and the last end (made once, shared), `held_sum` totals a value over the held
tasks, and `derive` records how a new variable's value follows from a whole schedule (so that
hints cover it and level values can be recomputed). In a neighbourhood the held tasks are
constants, so every expression is the whole plan's value, not only the free part's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.strategies.cpsat.variables import Variables

Value = Callable[[np.ndarray, np.ndarray], int]
"""A derived variable's value from a whole schedule's end ticks and people."""


class Statement:
    """One model's objective statement: the view above, and what several terms share."""

    def __init__(self, model: cp_model.CpModel, problem: Problem, variables: Variables):
        self.model, self.problem, self.variables = model, problem, variables
        fixing = variables.fixing
        self.held = None if fixing is None else fixing.schedule
        """The schedule a neighbourhood holds its fixed tasks to (None for a whole model)."""
        self._literals: dict[int, dict[int, cp_model.IntVar]] = {
            task: {option.person: option.present for option in v.options}
            for task, v in variables.tasks.items()
        }
        self._shared: dict[Hashable, object] = {}

    @property
    def tasks(self) -> list[int]:
        """The tasks the model has variables for, in task order."""
        return list(self._literals)

    def in_model(self, task: int) -> bool:
        return task in self._literals

    # --- who does what -----------------------------------------------------------------------

    def x(self, task: int, person: int) -> cp_model.LinearExprT:
        """1 if `task` goes to `person`: a presence literal, or a constant for a held task (0
        for an optional task left out by construction)."""
        if task in self._literals:
            return self._literals[task].get(person, 0)
        if self.held is None:
            return 0
        return int(self.held.person[task] == person)

    def people_of(self, task: int) -> list[int]:
        """Who may do `task` in the model (a held task: its person)."""
        if task in self._literals:
            return [p for p in self._literals[task] if p != NONE]
        person = NONE if self.held is None else int(self.held.person[task])
        return [] if person == NONE else [person]

    def present(self, task: int) -> cp_model.LinearExprT:
        """1 if `task` is in the plan: its presence literal if optional, else a constant."""
        v = self.variables.tasks.get(task)
        if v is not None:
            return 1 if v.present is None else v.present
        if self.held is None:
            return 0  # left out by construction
        return int(self.held.start[task] != NONE)

    def held_sum(self, value: Callable[[int, int], int], staffed: bool = True) -> int:
        """`value(task, person)` summed over the held tasks (with `staffed`, only those done by
        someone; else person NONE for the others)."""
        if self.held is None:
            return 0
        total = 0
        for t in np.flatnonzero(~self.variables.fixing.mask).tolist():
            person = int(self.held.person[t])
            if not staffed or person != NONE:
                total += value(t, person)
        return total

    def held_bookings(self) -> np.ndarray:
        """Per person, the effort of the held tasks they do."""
        booked = np.zeros(self.problem.n_people, dtype=np.int64)
        if self.held is not None:
            held = ~self.variables.fixing.mask & (self.held.person != NONE)
            np.add.at(booked, self.held.person[held], self.problem.effort[held])
        return booked

    # --- when --------------------------------------------------------------------------------

    def start(self, task: int) -> cp_model.LinearExprT:
        """When `task` starts: its start variable, or a held task's start tick (NONE when a
        neighbourhood holds it left out)."""
        v = self.variables.tasks.get(task)
        if v is not None:
            return v.start
        return NONE if self.held is None else int(self.held.start[task])

    def late(self, due: int, value: Value | None = None) -> cp_model.IntVar:
        """`T_d = max(0, max_{i in d} E_i - tick_d)`, the ticks due `due` is late (made on the
        first call, which gives its `value` on a schedule). In a neighbourhood the fixed tasks'
        latest end is one constant inside the max."""
        key = ("late", due)
        if key not in self._shared:
            problem, variables = self.problem, self.variables
            item = problem.dues[due]
            fixed = _fixed_ends(variables.fixing, item.tasks)
            top = max([variables.horizon, *fixed]) - item.tick
            late = self.model.new_int_var(0, top, f"T{due}")
            constants = [0, *(f - item.tick for f in fixed)]
            self._max_of(late, item.tasks, constants, item.tick)
            self._shared[key] = self.derive(late, value)
        return self._shared[key]

    def last_end(self, value: Value | None = None) -> cp_model.IntVar:
        """`M = max_i E_i`, the last end of the plan (made on the first call, with its
        `value`)."""
        if "last end" not in self._shared:
            problem, variables = self.problem, self.variables
            fixed = _fixed_ends(variables.fixing, range(problem.n_tasks))
            top = max([variables.horizon, *fixed])
            last = self.model.new_int_var(problem.first_tick, top, "M")
            self._max_of(last, variables.tasks, fixed, 0)
            self._shared["last end"] = self.derive(last, value)
        return self._shared["last end"]

    def _max_of(self, target, tasks, constants: list[int], offset: int) -> None:
        """`target = max(constants, E_i - offset for the model's tasks i)`; as `>=` only, each
        enforced by its task's presence, when an optional task is among them (a left-out task
        ends nothing)."""
        model, variables = self.model, self.variables
        free = [variables.tasks[i] for i in tasks if i in variables.tasks]
        if all(v.present is None for v in free):
            model.add_max_equality(target, [*constants, *(v.end - offset for v in free)])
            return
        for constant in constants:
            model.add(target >= constant)
        for v in free:
            enforced = [] if v.present is None else [v.present]
            model.add(target >= v.end - offset).only_enforce_if(enforced)

    # --- bookkeeping ---------------------------------------------------------------------------

    def derive(self, var: cp_model.IntVar, value: Value) -> cp_model.IntVar:
        """`var`, noted with how its value follows from a whole schedule (for hints)."""
        self.variables.derived.append((var, value))
        return var

    def once(self, key: Hashable, build: Callable[[], object]):
        """What `build` makes, made once per model and shared by every term that asks."""
        if key not in self._shared:
            self._shared[key] = build()
        return self._shared[key]


def _fixed_ends(fixing, tasks) -> list[int]:
    """The latest end among the fixed tasks of `tasks`, as a one-element list (empty if none)."""
    if fixing is None:
        return []
    end = fixing.fixed_end(tasks)
    return [] if end == NONE else [end]
