"""Each objective term as an integer CP-SAT expression, and the same integer from a schedule.

A term is split into components (one per due for `lateness` and `late_projects`, one otherwise),
each counted in whole units whose size in the term's domain unit is exact (`unit`): ticks of
lateness or makespan, lateness flags, cent-ticks of cost, misses, person-project pairs, handovers,
basis points of utilisation. `units` computes a component from a schedule, `state` adds it to the
model; both count the same thing, so a level's integer value can be recomputed from any plan.

Who does what enters through the options' presence literals `x[t, p]`:

* cost: `sum effort_t * rate_p * x[t, p]`; preferences: `1 - sum_{p preferred} x[t, p]` per task
  with preferences, plus `sum_{p avoided} x[t, p]`;
* people_per_project: `y[j, p] >= x[t, p]` for each task t of project j, counted `sum y`;
* handovers: `h[a, b] >= |m[a, p] - m[b, p]|` for each person p who can do a or b, where
  `m[t, p]` is the sum of `x` over the slots of t's team (a crew changes iff someone moves);
* utilisation: `U_p = ceil(10000 * booked_p / available_p)` by two linear inequalities, then
  `max U` (peak) and `max U - min U` (spread);
* late_projects: a flag `L_d` with `T_d <= range_d * L_d`;
* unplaced: `sum priority_t * effort_t * (1 - P_t)` over optional tasks (constants for those
  without variables: left out by construction, or held left out in a neighbourhood).

A left-out optional task counts for nothing but `unplaced`: its preference misses and the
handovers it would take part in are multiplied by (or enforced with) its presence `P_t`.

In a neighbourhood the held tasks enter as constants (their `x` is 0 or 1), so every expression
equals the whole plan's value, not only the free part's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model

from allocate.objective import BASIS_POINTS
from allocate.problem import NONE, Problem
from allocate.strategies.cpsat.variables import Variables
from allocate.terms import utilisation_basis_points as _basis_points

Value = Callable[[np.ndarray, np.ndarray], int]
"""A derived variable's value from a whole schedule's end ticks and people."""


@dataclass(frozen=True)
class Component:
    """One summand of a term: the term's name, and the due it is about (for the per-due terms)."""

    term: str
    due: int = NONE


@dataclass(frozen=True)
class Part:
    """A component with its weight factor (a due's priority), its unit and its largest value."""

    component: Component
    factor: float
    unit: Fraction
    """The size of one integer unit in the term's domain unit (hours, money, percent, count)."""
    upper: int


def parts(problem: Problem, term: str, horizon: int, only=None) -> list[Part]:
    """The components of `term` that can be non-zero inside `horizon`; with `only`, the per-due
    terms keep only those dues (the ones a neighbourhood can change)."""
    tick = Fraction(problem.resolution, 60)
    if term in ("lateness", "late_projects"):
        dues = [
            (d, due)
            for d, due in enumerate(problem.dues)
            if due.tick < horizon and (only is None or d in only)
        ]
        if term == "lateness":
            return [
                Part(Component(term, d), due.weight, tick, horizon - due.tick) for d, due in dues
            ]
        return [Part(Component(term, d), 1.0, Fraction(1), 1) for d, due in dues if due.project]
    upper = {
        "makespan": lambda: (tick, max(0, horizon - problem.first_tick)),
        "cost": lambda: (tick / 100, _most_cost(problem)),
        "preferences": lambda: (
            Fraction(1),
            sum(_could_miss(problem, t) for t in _staffed(problem)),
        ),
        "people_per_project": lambda: (Fraction(1), len(_pairs(problem))),
        "handovers": lambda: (Fraction(1), len(problem.handovers)),
        "unplaced": lambda: (tick, int(left_out_weights(problem).sum())),
        "peak_utilisation": lambda: (Fraction(1, 100), _most_basis_points(problem)),
        "utilisation_spread": lambda: (Fraction(1, 100), _most_basis_points(problem)),
    }
    if term not in upper:
        raise ValueError(f"CP-SAT cannot state the objective term '{term}'")
    unit, most = upper[term]()
    return [Part(Component(term), 1.0, unit, most)]


def units(problem: Problem, component: Component, end: np.ndarray, person: np.ndarray) -> int:
    """The component's value, in its integer units, for a whole schedule."""
    term = component.term
    if term in ("lateness", "late_projects"):
        due = problem.dues[component.due]
        finish = int(end[list(due.tasks)].max())
        late = 0 if finish == NONE else max(0, finish - due.tick)
        return late if term == "lateness" else int(late > 0)
    if term == "makespan":
        return max(0, int(end.max()) - problem.first_tick) if len(end) else 0
    if term == "unplaced":
        return int(left_out_weights(problem)[end == NONE].sum())
    if term == "cost":
        staffed = person != NONE
        return int((problem.effort[staffed] * problem.rate_cents[person[staffed]]).sum())
    if term == "preferences":
        return sum(
            _misses(problem, t, int(person[t])) for t in range(problem.n_tasks) if end[t] != NONE
        )
    if term == "people_per_project":
        staffed = (person != NONE) & (problem.project_of != NONE)
        pairs = zip(problem.project_of[staffed].tolist(), person[staffed].tolist(), strict=True)
        return len(set(pairs))
    if term == "handovers":
        return sum(
            1
            for a, b in problem.handovers
            if end[a] != NONE
            and end[b] != NONE
            and _crew(problem, person, a) != _crew(problem, person, b)
        )
    points = list(_basis_points(problem, person).values()) or [0]
    return max(points) if term == "peak_utilisation" else max(points) - min(points)


class Statement:
    """Adds components to one model, sharing what several need (literals, bookings, U_p)."""

    def __init__(self, model: cp_model.CpModel, problem: Problem, variables: Variables):
        self.model, self.problem, self.variables = model, problem, variables
        fixing = variables.fixing
        self.held = None if fixing is None else fixing.schedule
        self.literals: dict[int, dict[int, cp_model.IntVar]] = {
            task: {option.person: option.present for option in v.options}
            for task, v in variables.tasks.items()
        }
        self._utilisation: dict[int, cp_model.IntVar] | None = None

    def expression(self, component: Component) -> cp_model.LinearExprT:
        method = getattr(self, f"_{component.term}")
        return method(component) if component.term in ("lateness", "late_projects") else method()

    # --- who does what -----------------------------------------------------------------------

    def x(self, task: int, person: int) -> cp_model.LinearExprT:
        """1 if `task` goes to `person`: a presence literal, or a constant for a held task (0
        for an optional task left out by construction)."""
        if task in self.literals:
            return self.literals[task].get(person, 0)
        if self.held is None:
            return 0
        return int(self.held.person[task] == person)

    def people_of(self, task: int) -> list[int]:
        if task in self.literals:
            return [p for p in self.literals[task] if p != NONE]
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

    def derive(self, var: cp_model.IntVar, value: Value) -> cp_model.IntVar:
        self.variables.derived.append((var, value))
        return var

    # --- terms -----------------------------------------------------------------------------

    def _lateness(self, component: Component) -> cp_model.LinearExprT:
        return self.variables.lateness[component.due]

    def _late_projects(self, component: Component) -> cp_model.LinearExprT:
        late = self.variables.lateness[component.due]
        problem, d = self.problem, component.due
        flag = self.model.new_bool_var(f"L{d}")
        most = list(late.proto.domain)[-1]  # the proto's repeated field ignores negative indices
        self.model.add(late <= most * flag)
        return self.derive(flag, lambda end, person: units(problem, component, end, person))

    def _makespan(self) -> cp_model.LinearExprT:
        return self.variables.makespan - self.problem.first_tick

    def _cost(self) -> cp_model.LinearExprT:
        problem = self.problem
        rates = problem.rate_cents
        terms = [
            int(problem.effort[t]) * int(rates[p]) * self.x(t, p)
            for t in self.literals
            for p in self.people_of(t)
        ]
        return sum(terms) + self._held_sum(lambda t, p: int(problem.effort[t]) * int(rates[p]))

    def _preferences(self) -> cp_model.LinearExprT:
        problem = self.problem
        terms = []
        for t in self.literals:
            if not problem.staffed[t] or problem.is_milestone(t):
                terms.append(_misses(problem, t, NONE) * self.present(t))
                continue
            if len(problem.preferred[t]):
                terms.append(self.present(t) - sum(self.x(t, int(p)) for p in problem.preferred[t]))
            terms += [self.x(t, int(p)) for p in problem.avoided[t]]
        return sum(terms) + self._held_sum(
            lambda t, p: _misses(problem, t, p) if self.held.start[t] != NONE else 0,
            staffed=False,
        )

    def _people_per_project(self) -> cp_model.LinearExprT:
        problem = self.problem
        pairs: dict[tuple[int, int], list[int]] = {}
        for t in range(problem.n_tasks):
            if problem.project_of[t] != NONE:
                for p in self.people_of(t):
                    pairs.setdefault((int(problem.project_of[t]), p), []).append(t)
        count = []
        for (project, p), tasks in pairs.items():
            literals = [self.x(t, p) for t in tasks]
            if any(isinstance(literal, int) and literal == 1 for literal in literals):
                count.append(1)
                continue
            on = self.model.new_bool_var(f"y{project}_{p}")
            for literal in literals:
                self.model.add(on >= literal)
            count.append(self.derive(on, _on_project(problem, project, p)))
        return sum(count)

    def _handovers(self) -> cp_model.LinearExprT:
        problem = self.problem
        count = []
        for a, b in problem.handovers:
            both = [self.present(a), self.present(b)]
            if any(isinstance(p, int) and p == 0 for p in both):
                continue  # one of them is left out: no handover
            enforced = [p for p in both if not isinstance(p, int)]
            team_a, team_b = problem.team(a), problem.team(b)
            if not any(t in self.literals for t in (*team_a, *team_b)):
                held = self.held.person
                count.append(int(_crew(problem, held, a) != _crew(problem, held, b)))
            elif (not _has_people(problem, a) or not _has_people(problem, b)) and not enforced:
                count.append(int(_has_people(problem, a) != _has_people(problem, b)))
            else:
                change = self.model.new_bool_var(f"h{a}_{b}")
                if _has_people(problem, a) != _has_people(problem, b):
                    self.model.add(change == 1).only_enforce_if(enforced)
                people = {p for t in (*team_a, *team_b) for p in self.people_of(t)}
                for p in people:  # the crews differ iff someone is on one and not the other
                    on_a = sum(self.x(t, p) for t in team_a)
                    on_b = sum(self.x(t, p) for t in team_b)
                    self.model.add(change >= on_a - on_b).only_enforce_if(enforced)
                    self.model.add(change >= on_b - on_a).only_enforce_if(enforced)
                count.append(self.derive(change, _handed_over(problem, a, b)))
        return sum(count)

    def _unplaced(self) -> cp_model.LinearExprT:
        weights = left_out_weights(self.problem)
        absent = [int(weights[t]) * (1 - self.present(t)) for t in np.flatnonzero(weights).tolist()]
        return sum(absent)

    def _peak_utilisation(self) -> cp_model.LinearExprT:
        utilisation = self.utilisation()
        if not utilisation:
            return 0
        peak = self.model.new_int_var(0, _most_basis_points(self.problem), "Umax")
        self.model.add_max_equality(peak, list(utilisation.values()))
        return self.derive(
            peak, lambda end, person: max(_basis_points(self.problem, person).values())
        )

    def _utilisation_spread(self) -> cp_model.LinearExprT:
        utilisation = self.utilisation()
        if not utilisation:
            return 0
        problem, most = self.problem, _most_basis_points(self.problem)
        top, bottom = (
            self.model.new_int_var(0, most, "Utop"),
            self.model.new_int_var(0, most, "Ubot"),
        )
        self.model.add_max_equality(top, list(utilisation.values()))
        self.model.add_min_equality(bottom, list(utilisation.values()))
        self.derive(top, lambda end, person: max(_basis_points(problem, person).values()))
        self.derive(bottom, lambda end, person: min(_basis_points(problem, person).values()))
        return top - bottom

    def utilisation(self) -> dict[int, cp_model.IntVar]:
        """`U_p`, each person's utilisation in basis points rounded up, exactly."""
        if self._utilisation is not None:
            return self._utilisation
        problem = self.problem
        booked: dict[int, list] = {p: [] for p in range(problem.n_people)}
        for t in self.literals:
            for p in self.people_of(t):
                booked[p].append(int(problem.effort[t]) * self.x(t, p))
        held = self._held_bookings()
        self._utilisation = {}
        for p, available in enumerate(problem.available.tolist()):
            if available <= 0:
                continue
            points = BASIS_POINTS * (sum(booked[p]) + int(held[p]))
            most = math.ceil(BASIS_POINTS * int(_eligible_effort(problem)[p]) / available)
            u = self.model.new_int_var(0, max(most, 0), f"U{p}")
            self.model.add(available * u >= points)
            self.model.add(available * u <= points + available - 1)
            self._utilisation[p] = self.derive(
                u, lambda end, person, p=p: _basis_points(problem, person)[p]
            )
        return self._utilisation

    # --- held tasks --------------------------------------------------------------------------

    def _held_sum(self, value: Callable[[int, int], int], staffed: bool = True) -> int:
        """`value(task, person)` summed over the held tasks (person NONE for those without)."""
        if self.held is None:
            return 0
        total = 0
        for t in np.flatnonzero(~self.variables.fixing.mask).tolist():
            person = int(self.held.person[t])
            if not staffed or person != NONE:
                total += value(t, person)
        return total

    def _held_bookings(self) -> np.ndarray:
        booked = np.zeros(self.problem.n_people, dtype=np.int64)
        if self.held is not None:
            held = ~self.variables.fixing.mask & (self.held.person != NONE)
            np.add.at(booked, self.held.person[held], self.problem.effort[held])
        return booked


def left_out_weights(problem: Problem) -> np.ndarray:
    """Per task, what leaving it out adds to `unplaced`, in ticks (0 for mandatory tasks)."""
    return problem.priority * problem.effort * problem.optional


def _crew(problem: Problem, person: np.ndarray, task: int) -> set[int]:
    """The people of `task`'s team (one person for most tasks; {NONE} for none)."""
    return {int(person[slot]) for slot in problem.team(task)}


def _handed_over(problem: Problem, a: int, b: int) -> Value:
    """Does the stream change hands from `a` to `b` (both in the plan)?"""

    def value(end, person) -> int:
        placed = end[a] != NONE and end[b] != NONE
        return int(placed and _crew(problem, person, a) != _crew(problem, person, b))

    return value


def _staffed(problem: Problem) -> list[int]:
    return [t for t in range(problem.n_tasks) if _has_people(problem, t)]


def _has_people(problem: Problem, task: int) -> bool:
    return bool(problem.staffed[task]) and not problem.is_milestone(task)


def _misses(problem: Problem, task: int, person: int) -> int:
    """Preference misses of `task` given to `person` (as `terms.preferences` counts them)."""
    preferred, avoided = problem.preferred[task], problem.avoided[task]
    return int(len(preferred) > 0 and person not in preferred) + int(person in avoided)


def _could_miss(problem: Problem, task: int) -> int:
    return int(len(problem.preferred[task]) > 0) + int(len(problem.avoided[task]) > 0)


def _pairs(problem: Problem) -> set[tuple[int, int]]:
    return {
        (int(problem.project_of[t]), int(p))
        for t in range(problem.n_tasks)
        if problem.project_of[t] != NONE
        for p in problem.eligible[t]
    }


def _on_project(problem: Problem, project: int, p: int) -> Value:
    def value(end, person) -> int:
        return int(bool(((problem.project_of == project) & (person == p)).any()))

    return value


def _most_cost(problem: Problem) -> int:
    rates = problem.rate_cents
    return sum(
        int(problem.effort[t]) * max((int(rates[p]) for p in problem.eligible[t]), default=0)
        for t in _staffed(problem)
    )


def _eligible_effort(problem: Problem) -> np.ndarray:
    """Per person, the effort of every task they could do: the most they can be booked. Made
    once per problem: each sub-model of a neighbourhood search asks for it once per person, and
    at 150 x 2,000 summing it anew took 1.7 s of each sub-model's build."""
    return problem.shared(_summed_eligible_effort)


def _summed_eligible_effort(problem: Problem) -> np.ndarray:
    most = np.zeros(problem.n_people, dtype=np.int64)
    for t in _staffed(problem):
        most[np.asarray(problem.eligible[t], dtype=np.int64)] += int(problem.effort[t])
    return most


def _most_basis_points(problem: Problem) -> int:
    most = _eligible_effort(problem)
    return max(
        (
            math.ceil(BASIS_POINTS * int(most[p]) / int(a))
            for p, a in enumerate(problem.available.tolist())
            if a > 0
        ),
        default=0,
    )
