"""The terms about who does what: cost, preferences, people per project, hand-overs.

In CP-SAT who does what enters through the options' presence literals `x[t, p]`
(`Statement.x`; a held task of a neighbourhood is a constant 0 or 1, so every expression is the
whole plan's value):

* cost: `sum effort_t * rate_p * x[t, p]` (cent-ticks);
* preferences: `P_t - sum_{p preferred} x[t, p]` per task with preferences (its presence `P_t`:
  a left-out task misses nothing), plus `sum_{p avoided} x[t, p]`;
* people_per_project: `y[j, p] >= x[t, p]` for each task t of project j, counted `sum y`;
* handovers: `h[a, b] >= |m[a, p] - m[b, p]|` for each person p who can do a or b, where
  `m[t, p]` is the sum of `x` over the slots of t's team (a crew changes iff someone moves),
  enforced while both tasks are in the plan.

Lower bounds follow from who *may* do each task (its pinned person, else its eligible people;
each team slot on its own), for every complete plan whoever does what and whenever.
"""

from __future__ import annotations

from fractions import Fraction
from functools import reduce
from operator import or_

import numpy as np

from allocate.problem import NONE, Problem
from allocate.schedule import candidates, required
from allocate.terms.base import Component, Loss, Term


class Cost(Term):
    """Hours x each person's hourly rate (units: cent-ticks)."""

    name = "cost"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(problem.resolution, 60) / 100

    def upper(self, problem: Problem, horizon: int) -> int:
        return problem.shared(_most_cost)

    def count(self, problem, end, person: np.ndarray, component) -> int:
        staffed = person != NONE
        return int((problem.effort[staffed] * problem.rate_cents[person[staffed]]).sum())

    def lower(self, problem: Problem, floors) -> float:
        """Every slot at the lowest rate among the people who may do it, except that slots of
        one team with the same candidates take that many distinct people: the cheapest ones."""
        cents = 0
        for lead in _leaders(problem):
            alike: dict[tuple[int, ...], int] = {}
            for slot in problem.team(lead):
                if problem.staffed[slot] and len(candidates(problem, slot)):
                    key = tuple(candidates(problem, slot).tolist())
                    alike[key] = alike.get(key, 0) + 1
            for people, count in alike.items():
                cheapest = np.sort(problem.rate_cents[list(people)])[:count]
                cents += int(problem.effort[lead]) * int(cheapest.sum())
        return self.measure(problem, cents)

    def state(self, statement, component: Component):
        problem, rates = statement.problem, statement.problem.rate_cents
        terms = [
            int(problem.effort[t]) * int(rates[p]) * statement.x(t, p)
            for t in statement.tasks
            for p in statement.people_of(t)
        ]
        held = statement.held_sum(lambda t, p: int(problem.effort[t]) * int(rates[p]))
        return sum(terms) + held

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        rates = problem.rate_cents
        result = []
        for t in np.flatnonzero(schedule.person != NONE).tolist():
            cheapest = int(rates[problem.eligible[t]].min())
            extra = int(problem.effort[t]) * (int(rates[schedule.person[t]]) - cheapest)
            if extra > 0:
                result.append((t, extra * problem.hours_per_tick / 100))
        return result


class Preferences(Term):
    """Per person placed on a task (each member of a team): one miss if the task prefers other
    people, one if it avoids this person."""

    name = "preferences"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(1)

    def upper(self, problem: Problem, horizon: int) -> int:
        return problem.shared(_most_misses)

    def count(self, problem, end, person: np.ndarray, component) -> int:
        return sum(
            misses(problem, t, int(person[t])) for t in range(problem.n_tasks) if end[t] != NONE
        )

    def lower(self, problem: Problem, floors) -> float:
        """Per slot, the fewest misses any person who may do it would cost."""
        total = 0
        for t in _required_work(problem):
            preferred = set(problem.preferred[t].tolist())
            avoided = set(problem.avoided[t].tolist())
            total += min(
                (bool(preferred) and p not in preferred) + (p in avoided)
                for p in candidates(problem, t).tolist()
            )
        return float(total)

    def state(self, statement, component: Component):
        problem = statement.problem
        terms = []
        for t in statement.tasks:
            if not has_people(problem, t):
                terms.append(misses(problem, t, NONE) * statement.present(t))
                continue
            if len(problem.preferred[t]):
                preferred = sum(statement.x(t, int(p)) for p in problem.preferred[t])
                terms.append(statement.present(t) - preferred)
            terms += [statement.x(t, int(p)) for p in problem.avoided[t]]
        held = statement.held_sum(
            lambda t, p: misses(problem, t, p) if statement.held.start[t] != NONE else 0,
            staffed=False,
        )
        return sum(terms) + held

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        person = schedule.person
        return [
            (t, 1.0)
            for t in np.flatnonzero(person != NONE).tolist()
            if (len(problem.preferred[t]) and person[t] not in problem.preferred[t])
            or person[t] in problem.avoided[t]
        ]


class PeoplePerProject(Term):
    """Distinct people on each project, summed (a (project, person) pair is one unit)."""

    name = "people_per_project"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(1)

    def upper(self, problem: Problem, horizon: int) -> int:
        return problem.shared(_most_project_people)

    def count(self, problem, end, person: np.ndarray, component) -> int:
        staffed = (person != NONE) & (problem.project_of != NONE)
        pairs = zip(problem.project_of[staffed].tolist(), person[staffed].tolist(), strict=True)
        return len(set(pairs))

    def lower(self, problem: Problem, floors) -> float:
        """Per project, teams whose possible people are pairwise disjoint need distinct people:
        a greedy packing of such teams (smallest candidate sets first) counts their sizes."""
        crews: dict[int, list[tuple[int, int]]] = {}
        for t in _leaders(problem):
            crew = _possible_crew(problem, t)
            if problem.project_of[t] != NONE and crew[1]:
                crews.setdefault(int(problem.project_of[t]), []).append(crew)
        total = 0
        for mine in crews.values():
            used, packed = 0, 0
            for mask, size in sorted(mine, key=lambda c: c[0].bit_count()):
                if not mask & used:
                    used, packed = used | mask, packed + size
            total += max(packed, max(size for _, size in mine))
        return float(total)

    def state(self, statement, component: Component):
        problem = statement.problem
        pairs: dict[tuple[int, int], list[int]] = {}
        for t in range(problem.n_tasks):
            if problem.project_of[t] != NONE:
                for p in statement.people_of(t):
                    pairs.setdefault((int(problem.project_of[t]), p), []).append(t)
        count = []
        for (project, p), tasks in pairs.items():
            literals = [statement.x(t, p) for t in tasks]
            if any(isinstance(literal, int) and literal == 1 for literal in literals):
                count.append(1)
                continue
            on = statement.model.new_bool_var(f"y{project}_{p}")
            for literal in literals:
                statement.model.add(on >= literal)
            count.append(statement.derive(on, _on_project(problem, project, p)))
        return sum(count)

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        """Each task of a (project, person) pair, weighted 1 / the pair's tasks: a pair with one
        task is the cheapest to dissolve."""
        person = schedule.person
        staffed = np.flatnonzero((person != NONE) & (problem.project_of != NONE)).tolist()
        pairs: dict[tuple[int, int], list[int]] = {}
        for t in staffed:
            pairs.setdefault((int(problem.project_of[t]), int(person[t])), []).append(t)
        return [(t, 1.0 / len(tasks)) for tasks in pairs.values() for t in tasks]


class Handovers(Term):
    """Dependencies inside a work stream whose two tasks go to different people (for teams:
    different sets of people)."""

    name = "handovers"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(1)

    def upper(self, problem: Problem, horizon: int) -> int:
        return len(problem.handovers)

    def count(self, problem, end, person: np.ndarray, component) -> int:
        return sum(
            1
            for a, b in problem.handovers
            if end[a] != NONE
            and end[b] != NONE
            and crew(problem, person, a) != crew(problem, person, b)
        )

    def lower(self, problem: Problem, floors) -> float:
        """Hand-overs whose two crews cannot be equal: different sizes, or fewer people who may
        do both than a crew has (both tasks required: a hand-over with a left-out task is none)."""
        must = required(problem)
        count = 0
        for a, b in ((a, b) for a, b in problem.handovers if must[a] and must[b]):
            (mask_a, size_a), (mask_b, size_b) = (
                _possible_crew(problem, a),
                _possible_crew(problem, b),
            )
            count += size_a != size_b or (mask_a & mask_b).bit_count() < size_a
        return float(count)

    def state(self, statement, component: Component):
        problem = statement.problem
        count = []
        for a, b in problem.handovers:
            both = [statement.present(a), statement.present(b)]
            if any(isinstance(p, int) and p == 0 for p in both):
                continue  # one of them is left out: no handover
            count.append(_handover(statement, a, b, [p for p in both if not isinstance(p, int)]))
        return sum(count)

    def targets(self, problem, schedule, earliest_end) -> list[Loss]:
        return [(b, 1.0) for a, b in problem.handovers if schedule.person[a] != schedule.person[b]]


def _handover(statement, a: int, b: int, enforced: list):
    """Does the stream change hands from `a` to `b` (both in the plan while `enforced`)?"""
    problem = statement.problem
    team_a, team_b = problem.team(a), problem.team(b)
    if not any(statement.in_model(t) for t in (*team_a, *team_b)):
        held = statement.held.person
        return int(crew(problem, held, a) != crew(problem, held, b))
    if (not has_people(problem, a) or not has_people(problem, b)) and not enforced:
        return int(has_people(problem, a) != has_people(problem, b))
    model = statement.model
    change = model.new_bool_var(f"h{a}_{b}")
    if has_people(problem, a) != has_people(problem, b):
        model.add(change == 1).only_enforce_if(enforced)
    people = {p for t in (*team_a, *team_b) for p in statement.people_of(t)}
    for p in people:  # the crews differ iff someone is on one and not the other
        on_a = sum(statement.x(t, p) for t in team_a)
        on_b = sum(statement.x(t, p) for t in team_b)
        model.add(change >= on_a - on_b).only_enforce_if(enforced)
        model.add(change >= on_b - on_a).only_enforce_if(enforced)
    return statement.derive(change, _handed_over(problem, a, b))


def crew(problem: Problem, person: np.ndarray, task: int) -> set[int]:
    """The people of `task`'s team in a schedule (one person for most tasks; {NONE} for none)."""
    return {int(person[slot]) for slot in problem.team(task)}


def misses(problem: Problem, task: int, person: int) -> int:
    """Preference misses of `task` given to `person`."""
    preferred, avoided = problem.preferred[task], problem.avoided[task]
    return int(len(preferred) > 0 and person not in preferred) + int(person in avoided)


def has_people(problem: Problem, task: int) -> bool:
    """Does `task` take a person's time (staffed and not a milestone)?"""
    return bool(problem.staffed[task]) and not problem.is_milestone(task)


def with_people(problem: Problem) -> list[int]:
    """The tasks that take a person's time."""
    return [t for t in range(problem.n_tasks) if has_people(problem, t)]


def _handed_over(problem: Problem, a: int, b: int):
    def value(end, person) -> int:
        placed = end[a] != NONE and end[b] != NONE
        return int(placed and crew(problem, person, a) != crew(problem, person, b))

    return value


def _on_project(problem: Problem, project: int, p: int):
    def value(end, person) -> int:
        return int(bool(((problem.project_of == project) & (person == p)).any()))

    return value


def _required_work(problem: Problem) -> np.ndarray:
    """Tasks every complete plan places with work for a person who exists (a task nobody may do
    has no plan to bound)."""
    must = required(problem)
    return np.array(
        [
            t
            for t in range(problem.n_tasks)
            if problem.staffed[t] and must[t] and len(candidates(problem, t))
        ],
        dtype=np.int64,
    )


def _leaders(problem: Problem) -> list[int]:
    """The first slot of every team (every task of one person or none) that must be placed."""
    lead = (
        problem.leader == np.arange(problem.n_tasks)
        if len(problem.leader)
        else np.ones(problem.n_tasks, dtype=bool)
    )
    return np.flatnonzero(lead & required(problem)).tolist()


def _possible_crew(problem: Problem, task: int) -> tuple[int, int]:
    """The people who may be on `task`'s team (a bit mask) and how many it has (0 for nobody)."""
    slots = [s for s in problem.team(task) if problem.staffed[s]]
    mask = reduce(or_, (1 << p for s in slots for p in candidates(problem, s).tolist()), 0)
    return mask, len(slots)


# Upper bounds, made once per problem (`Problem.shared`): every sub-model of a neighbourhood
# search asks for them, and at 150 x 2,000 the cost's alone took 0.03 s of each 0.2 s build.


def _most_cost(problem: Problem) -> int:
    rates = problem.rate_cents
    return sum(
        int(problem.effort[t]) * max((int(rates[p]) for p in problem.eligible[t]), default=0)
        for t in with_people(problem)
    )


def _most_misses(problem: Problem) -> int:
    return sum(
        int(len(problem.preferred[t]) > 0) + int(len(problem.avoided[t]) > 0)
        for t in with_people(problem)
    )


def _most_project_people(problem: Problem) -> int:
    return len(
        {
            (int(problem.project_of[t]), int(p))
            for t in range(problem.n_tasks)
            if problem.project_of[t] != NONE
            for p in problem.eligible[t]
        }
    )
