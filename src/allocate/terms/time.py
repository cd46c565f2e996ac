"""The terms that depend only on when tasks end: lateness, late projects, makespan, unplaced.

In CP-SAT each due's lateness is one variable `T_d = max(0, max_{i in d} E_i - tick_d)` and the
makespan one variable `M = max E_i` (`Statement.late`, `Statement.last_end`); a late project is a
flag `L_d` with `T_d <= range_d * L_d`; left-out work is `sum priority_t * effort_t * (1 - P_t)`
over optional tasks.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from allocate.problem import NONE, Problem
from allocate.terms.base import Component, Loss, Part, Term, ticks_late


class Lateness(Term):
    """Priority-weighted hours past deadlines, one component per due (in ticks late)."""

    name = "lateness"
    needs_people = False

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(problem.resolution, 60)

    def parts(self, problem: Problem, horizon: int, only=None) -> list[Part]:
        return [
            Part(Component(self.name, d), due.weight, horizon - due.tick)
            for d, due in enumerate(problem.dues)
            if due.tick < horizon and (only is None or d in only)
        ]

    def count(self, problem, end, person, component: Component) -> int:
        return ticks_late(problem, end, component.due)

    def units(self, problem: Problem, end: np.ndarray, person) -> float:
        return sum(due.weight * ticks_late(problem, end, d) for d, due in enumerate(problem.dues))

    def lower(self, problem, floors) -> float:
        return self.measure(problem, floors.weighted_lateness)

    def prepare(self, statement, component: Component) -> None:
        _late(statement, component.due)

    def state(self, statement, component: Component):
        return _late(statement, component.due)

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        return [
            (task, problem.dues[d].weight * excess * problem.hours_per_tick)
            for d, task, excess in _excess(problem, schedule, earliest_end)
        ]


class LateProjects(Term):
    """How many projects end after their deadline: a flag per project due."""

    name = "late_projects"
    needs_people = False

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(1)

    def parts(self, problem: Problem, horizon: int, only=None) -> list[Part]:
        return [
            Part(Component(self.name, d), 1.0, 1)
            for d, due in enumerate(problem.dues)
            if due.tick < horizon and (only is None or d in only) and due.project
        ]

    def count(self, problem, end, person, component: Component) -> int:
        return int(ticks_late(problem, end, component.due) > 0)

    def units(self, problem: Problem, end: np.ndarray, person) -> float:
        return sum(
            1 for d, due in enumerate(problem.dues) if due.project and ticks_late(problem, end, d)
        )

    def lower(self, problem, floors) -> float:
        late = [due.project and t for due, t in zip(problem.dues, floors.late, strict=True)]
        return float(sum(late))

    def prepare(self, statement, component: Component) -> None:
        _late(statement, component.due)

    def state(self, statement, component: Component):
        late = _late(statement, component.due)
        flag = statement.model.new_bool_var(f"L{component.due}")
        most = list(late.proto.domain)[-1]  # the proto's repeated field ignores negative indices
        statement.model.add(late <= most * flag)
        problem = statement.problem
        return statement.derive(
            flag, lambda end, person: self.count(problem, end, person, component)
        )

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        return [
            (task, 1.0)
            for d, task, excess in _excess(problem, schedule, earliest_end)
            if problem.dues[d].project and excess > 0
        ]


class Makespan(Term):
    """Hours from the planning start until the last task ends (units: ticks from the first)."""

    name = "makespan"
    needs_people = False

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(problem.resolution, 60)

    def upper(self, problem: Problem, horizon: int) -> int:
        return max(0, horizon - problem.first_tick)

    def count(self, problem, end, person, component) -> int:
        return max(0, int(end.max()) - problem.first_tick) if len(end) else 0

    def value(self, problem: Problem, end: np.ndarray, person) -> float:
        return self._hours(problem, int(end.max())) if len(end) else 0.0

    def offset(self, problem: Problem) -> float:
        return (problem.first_tick - problem.start_offset) * problem.hours_per_tick

    def lower(self, problem, floors) -> float:
        return self._hours(problem, floors.last_end)

    def _hours(self, problem: Problem, last_end: int) -> float:
        unit = self.unit(problem)
        return max(0.0, last_end - problem.start_offset) * unit.numerator / unit.denominator

    def prepare(self, statement, component: Component) -> None:
        first = statement.problem.first_tick
        statement.last_end(lambda end, person: max(first, int(end.max())))

    def state(self, statement, component: Component):
        return statement.last_end() - statement.problem.first_tick

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        last = int(np.argmax(schedule.end))
        excess = int(schedule.end[last]) - int(earliest_end.max())
        return [(last, excess * problem.hours_per_tick)]


class Unplaced(Term):
    """Priority-weighted hours of the optional work left out (units: priority x ticks)."""

    name = "unplaced"
    needs_people = False

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(problem.resolution, 60)

    def upper(self, problem: Problem, horizon: int) -> int:
        return int(left_out_weights(problem).sum())

    def count(self, problem, end, person, component) -> int:
        if not problem.optional.any():
            return 0
        return int(left_out_weights(problem)[end == NONE].sum())

    def state(self, statement, component: Component):
        weights = left_out_weights(statement.problem)
        tasks = np.flatnonzero(weights).tolist()
        return sum(int(weights[t]) * (1 - statement.present(t)) for t in tasks)

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        return [
            (task, float(problem.priority[task] * problem.effort[task]) * problem.hours_per_tick)
            for task in schedule.left_out.tolist()
        ]


def _late(statement, due: int):
    """`T_d`, the ticks due `due` is late in the model (made once, shared by both terms)."""
    problem = statement.problem
    return statement.late(due, lambda end, person: ticks_late(problem, end, due))


def left_out_weights(problem: Problem) -> np.ndarray:
    """Per task, what leaving it out adds to `unplaced`, in units (0 for mandatory tasks)."""
    return problem.priority * problem.effort * problem.optional


def _excess(problem: Problem, schedule, earliest_end: np.ndarray):
    """Per due: (its index, its last task, ticks it ends past both its tick and the
    resource-free earliest end of its tasks)."""
    for d, due in enumerate(problem.dues):
        tasks = list(due.tasks)
        last = tasks[int(np.argmax(schedule.end[tasks]))]
        floor = max(due.tick, int(earliest_end[tasks].max()))
        yield d, last, int(schedule.end[last]) - floor
