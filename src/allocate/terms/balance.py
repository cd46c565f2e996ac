"""The balance terms: the highest utilisation, and the spread between the highest and lowest.

A person's utilisation is their booked ticks over the ticks they can work in the balance window
(`Problem.available`), in basis points rounded up (`utilisation_basis_points`), which is what
lets CP-SAT state it exactly: `U_p = ceil(10000 * booked_p / available_p)` by two linear
inequalities, then `max U` for the peak and `max U - min U` for the spread.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from allocate.objective import BASIS_POINTS
from allocate.problem import NONE, Problem
from allocate.schedule import candidates
from allocate.terms.base import Component, Loss, Term
from allocate.terms.people import with_people


class PeakUtilisation(Term):
    """The highest utilisation of anyone, in percent (units: basis points)."""

    name = "peak_utilisation"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(1, 100)

    def upper(self, problem: Problem, horizon: int) -> int:
        return _most_basis_points(problem)

    def count(self, problem, end, person: np.ndarray, component) -> int:
        return max(utilisation_basis_points(problem, person).values(), default=0)

    def lower(self, problem: Problem, floors) -> float:
        return self.measure(problem, _peak_floor(problem, floors))

    def state(self, statement, component: Component):
        utilisation = _utilisation(statement)
        if not utilisation:
            return 0
        problem = statement.problem
        peak = statement.model.new_int_var(0, _most_basis_points(problem), "Umax")
        statement.model.add_max_equality(peak, list(utilisation.values()))
        return statement.derive(
            peak, lambda end, person: max(utilisation_basis_points(problem, person).values())
        )

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        """The tasks of the most utilised people, by how far each is above the average."""
        points = utilisation_basis_points(problem, schedule.person)
        if not points:
            return []
        mean = sum(points.values()) / len(points)
        return [
            (t, (points[p] - mean) / 100)
            for p in points
            if points[p] > mean
            for t in np.flatnonzero(schedule.person == p).tolist()
        ]


class UtilisationSpread(Term):
    """Highest minus lowest utilisation, in percent (units: basis points)."""

    name = "utilisation_spread"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(1, 100)

    def upper(self, problem: Problem, horizon: int) -> int:
        return _most_basis_points(problem)

    def count(self, problem, end, person: np.ndarray, component) -> int:
        points = list(utilisation_basis_points(problem, person).values()) or [0]
        return max(points) - min(points)

    def lower(self, problem: Problem, floors) -> float:
        """The peak's floor minus an upper bound on the lowest utilisation."""
        lowest = _lowest_ceiling(problem)
        spread = max(0, _peak_floor(problem, floors) - lowest) if lowest is not None else 0
        return self.measure(problem, spread)

    def state(self, statement, component: Component):
        utilisation = _utilisation(statement)
        if not utilisation:
            return 0
        problem, model = statement.problem, statement.model
        most = _most_basis_points(problem)
        top, bottom = model.new_int_var(0, most, "Utop"), model.new_int_var(0, most, "Ubot")
        model.add_max_equality(top, list(utilisation.values()))
        model.add_min_equality(bottom, list(utilisation.values()))
        statement.derive(
            top, lambda end, person: max(utilisation_basis_points(problem, person).values())
        )
        statement.derive(
            bottom, lambda end, person: min(utilisation_basis_points(problem, person).values())
        )
        return top - bottom

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        return PeakUtilisation().targets(problem, schedule, earliest_end)


def utilisation_basis_points(problem: Problem, person: np.ndarray) -> dict[int, int]:
    """Per person who can work in the balance window: booked over available ticks, in basis
    points rounded up."""
    booked = np.zeros(problem.n_people, dtype=np.int64)
    staffed = person != NONE
    np.add.at(booked, person[staffed], problem.effort[staffed])
    return {
        p: _basis_points(int(booked[p]), int(problem.available[p]))
        for p in range(problem.n_people)
        if problem.available[p] > 0
    }


def _basis_points(work: int, available: int) -> int:
    return math.ceil(round(BASIS_POINTS * work / available, 6))


def _utilisation(statement) -> dict:
    """`U_p`, each person's utilisation in basis points rounded up, exactly (made once per
    model, shared by both terms)."""
    return statement.once("utilisation", lambda: _state_utilisation(statement))


def _state_utilisation(statement) -> dict:
    problem = statement.problem
    booked: dict[int, list] = {p: [] for p in range(problem.n_people)}
    for t in statement.tasks:
        for p in statement.people_of(t):
            booked[p].append(int(problem.effort[t]) * statement.x(t, p))
    held = statement.held_bookings()
    hinted = _OneSchedule(problem)
    found = {}
    for p, available in enumerate(problem.available.tolist()):
        if available <= 0:
            continue
        points = BASIS_POINTS * (sum(booked[p]) + int(held[p]))
        most = math.ceil(BASIS_POINTS * int(_eligible_effort(problem)[p]) / available)
        u = statement.model.new_int_var(0, max(most, 0), f"U{p}")
        statement.model.add(available * u >= points)
        statement.model.add(available * u <= points + available - 1)
        found[p] = statement.derive(u, lambda end, person, p=p: hinted(person)[p])
    return found


class _OneSchedule:
    """`utilisation_basis_points` of the last schedule asked about: a hint asks once per person
    (at 150 x 2,000, computing it anew each time was a quarter of a sub-model's build)."""

    def __init__(self, problem: Problem):
        self.key: bytes | None
        self.problem, self.key, self.points = problem, None, {}

    def __call__(self, person: np.ndarray) -> dict[int, int]:
        key = person.tobytes()
        if key != self.key:
            self.key, self.points = key, utilisation_basis_points(self.problem, person)
        return self.points


def _eligible_effort(problem: Problem) -> np.ndarray:
    """Per person, the effort of every task they could do: the most they can be booked. Made
    once per problem: each sub-model of a neighbourhood search asks for it once per person, and
    at 150 x 2,000 summing it anew took 1.7 s of each sub-model's build."""
    return problem.shared(_summed_eligible_effort)


def _summed_eligible_effort(problem: Problem) -> np.ndarray:
    most = np.zeros(problem.n_people, dtype=np.int64)
    for t in with_people(problem):
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


def _peak_floor(problem: Problem, floors) -> int:
    """The highest utilisation is at least that of the group with the most work it alone can
    do: someone in a pool S is booked at least S's average, work(S) / available(S). Only pools
    whose members all count in the measure (available > 0) qualify. Rounded as the measure is,
    which keeps the order (both round up monotonically)."""
    best = 0
    for pool, exclusive in zip(floors.pools, floors.exclusive_work.tolist(), strict=True):
        hours = [int(problem.available[p]) for p in _members(pool)]
        if min(hours) > 0:
            best = max(best, _basis_points(exclusive, sum(hours)))
    return best


def _lowest_ceiling(problem: Problem) -> int | None:
    """An upper bound on the lowest utilisation: nobody's is above the work they may do over
    their hours, and somebody's is at most the average (all work over all hours). None when no
    one counts in the measure."""
    counted = [p for p in range(problem.n_people) if problem.available[p] > 0]
    if not counted:
        return None
    reachable = np.zeros(problem.n_people, dtype=np.int64)
    staffed = np.array(  # an upper bound counts optional work too
        [t for t in range(problem.n_tasks) if problem.staffed[t] and len(candidates(problem, t))],
        dtype=np.int64,
    )
    for t in staffed.tolist():
        reachable[candidates(problem, t)] += int(problem.effort[t])
    total = int(problem.effort[staffed].sum())
    everyone = _basis_points(total, int(problem.available[counted].sum()))
    return min(
        [everyone, *(_basis_points(int(reachable[p]), int(problem.available[p])) for p in counted)]
    )


def _members(mask: int) -> list[int]:
    return [p for p in range(mask.bit_length()) if mask >> p & 1]
