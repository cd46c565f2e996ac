"""Interchangeable people pooled: the exact model chooses a class of identical people per team
place, not a person, and names the people afterwards.

When calendars never pause and the objective only counts time (makespan, lateness, late
projects, left-out work), two people who may do exactly the same tasks are interchangeable: any
plan stays valid and equally good with them swapped. The per-person model then holds every
permutation of them as a different solution, and of the places of one team that need the same
skills too (multi-skill benchmarks have 10-250 people in 1-13 classes), which CP-SAT's search and
bound never see through. Stated per class instead (the formulation study is in docs/design.md):

* each place (slot task) has one option per *class* it may draw from, the class's first person
  standing for it in the compiled problem (`Pools.problem`);
* per class, a cumulative of its options' intervals with the class size as capacity (a NoOverlap
  when the class is one person);
* places of one team with the same eligible people take their classes in ascending order;
* per group of people some places must come from (each union of distinct eligible sets, and
  everybody), a redundant cumulative of the teams' intervals, demand = the team's places that
  need the group, capacity = its size: the skill-capacity reasoning of the published MSPSP
  models, extended to every union of skills (Hall's condition at every moment), and a
  NoOverlap per clique of teams no two of which fit one group together.

Naming the people afterwards is exact: per class, the tasks drawn from it overlap at most
`size` at a time, so giving each task, in order of start, a member free at its start always
succeeds (an interval graph needs no more colours than its largest overlap; `Pools.staff`).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.schedule import Schedule
from allocate.strategies.cpsat.resources import CLIQUE_TASKS_LIMIT, exclusive_cliques
from allocate.strategies.cpsat.variables import Variables
from allocate.terms import TERMS

CLIQUES = True
"""State a NoOverlap per clique of teams that cannot share some group (`_exclusive_teams`); kept
switchable to measure it (docs/design.md)."""
UNION_SETS = 5
"""Up to this many distinct eligible sets, every union of them gets a redundant cumulative (31
at most); above, each set and everybody. MSLIB instances have four (one per skill)."""


@dataclass(frozen=True)
class Pools:
    members: tuple[tuple[int, ...], ...]
    """Per class, its people (ascending); the first stands for the class."""
    of_person: np.ndarray
    """Per person, their class."""
    problem: Problem
    """The problem with each task's eligible people cut to the classes' first members."""

    @property
    def size(self) -> np.ndarray:
        """Per person standing for a class, the class size (0 for everybody else)."""
        sizes = np.zeros(len(self.of_person), dtype=np.int64)
        for people in self.members:
            sizes[people[0]] = len(people)
        return sizes

    def to_classes(self, schedule: Schedule) -> Schedule:
        """`schedule` with each person replaced by their class's first member, the places of a
        team that need the same people in ascending class order (as the model states them)."""
        found = schedule.copy()
        placed = found.person != NONE
        found.person[placed] = self.stand_in(found.person[placed])
        for places in self.alike_places():
            order = np.sort(self.of_person[found.person[places]])
            found.person[places] = [self.members[c][0] for c in order.tolist()]
        return found

    def stand_in(self, people: np.ndarray) -> np.ndarray:
        firsts = np.array([members[0] for members in self.members], dtype=np.int64)
        return firsts[self.of_person[people]]

    def staff(self, schedule: Schedule) -> Schedule:
        """`schedule` (classes) with people: per class, in order of start, each task gets the
        lowest-numbered member free at its start (one always is: see the module's docstring)."""
        found = schedule.copy()
        found.reasons.update(schedule.reasons)
        for members in self.members:
            tasks = np.flatnonzero(schedule.person == members[0])
            if len(members) == 1 or not len(tasks):
                continue
            order = tasks[np.lexsort((schedule.end[tasks], schedule.start[tasks]))]
            free, busy = list(members), []
            heapq.heapify(free)
            for task in order.tolist():
                start = int(schedule.start[task])
                while busy and busy[0][0] <= start:
                    heapq.heappush(free, heapq.heappop(busy)[1])
                if not free:
                    raise RuntimeError(f"class of {members} overbooked at tick {start}")
                person = heapq.heappop(free)
                found.person[task] = person
                heapq.heappush(busy, (int(schedule.end[task]), person))
        return found

    def alike_places(self) -> list[list[int]]:
        """Per team, each group (two or more) of unpinned places with the same eligible people."""
        problem = self.problem
        groups: list[list[int]] = []
        for lead in np.flatnonzero(problem.leader == np.arange(problem.n_tasks)).tolist():
            by_people: dict[tuple, list[int]] = {}
            for slot in problem.team(lead):
                if problem.staffed[slot] and problem.pinned_person[slot] == NONE:
                    by_people.setdefault(tuple(problem.eligible[slot].tolist()), []).append(slot)
            groups += [slots for slots in by_people.values() if len(slots) > 1]
        return groups

    def add_constraints(self, model: cp_model.CpModel, variables: Variables) -> None:
        """Class capacities, ordered alike places and the redundant group loads."""
        self._capacities(model, variables)
        self._ordered_places(model, variables)
        self._group_loads(model, variables)

    def _capacities(self, model: cp_model.CpModel, variables: Variables) -> None:
        intervals: dict[int, list[cp_model.IntervalVar]] = {}
        for option in variables.options:
            if option.person != NONE:
                intervals.setdefault(option.person, []).append(option.interval)
        sizes = self.size
        for person, mine in intervals.items():
            if sizes[person] == 1 and len(mine) > 1:
                model.add_no_overlap(mine)
            elif len(mine) > sizes[person]:
                model.add_cumulative(mine, [1] * len(mine), int(sizes[person]))

    def _ordered_places(self, model: cp_model.CpModel, variables: Variables) -> None:
        for places in self.alike_places():
            rank = [
                sum(int(self.of_person[o.person]) * o.present for o in variables.tasks[s].options)
                for s in places
            ]
            for lower, higher in zip(rank, rank[1:], strict=False):
                model.add(lower <= higher)

    def _group_loads(self, model: cp_model.CpModel, variables: Variables) -> None:
        problem, sizes = self.problem, self.size
        eligible = {frozenset(problem.eligible[t].tolist()) for t in variables.tasks}
        groups = unions(eligible - {frozenset()}) | {frozenset(np.flatnonzero(sizes).tolist())}
        leads = [
            t
            for t, v in variables.tasks.items()
            if problem.leader[t] == t and not v.milestone and problem.effort[t] > 0
        ]
        spans: dict[int, cp_model.IntervalVar] = {}
        loads: list[tuple[dict[int, int], int]] = []
        for group in sorted(groups, key=sorted):
            capacity = int(sum(sizes[p] for p in group))
            needs = {
                t: sum(
                    1
                    for s in problem.team(t)
                    if problem.staffed[s] and set(problem.eligible[s].tolist()) <= group
                )
                for t in leads
            }
            needs = {t: k for t, k in needs.items() if k}
            if sum(needs.values()) <= capacity:
                continue  # never more than the group at once
            for t in needs:
                if t not in spans:
                    lead = variables.tasks[t]
                    effort = int(problem.effort[t])
                    spans[t] = (
                        model.new_fixed_size_interval_var(lead.start, effort, "")
                        if lead.present is None
                        else model.new_optional_fixed_size_interval_var(
                            lead.start, effort, lead.present, ""
                        )
                    )
            model.add_cumulative([spans[t] for t in needs], list(needs.values()), capacity)
            loads.append((needs, capacity))
        self._exclusive_teams(model, spans, loads)

    @staticmethod
    def _exclusive_teams(
        model: cp_model.CpModel,
        spans: dict[int, cp_model.IntervalVar],
        loads: list[tuple[dict[int, int], int]],
    ) -> None:
        """A NoOverlap per clique of teams no two of which fit some group together (as
        `resources` does for PSPLIB, within the same size limit)."""
        teams = sorted(spans)
        if not CLIQUES or len(teams) < 2 or len(teams) > CLIQUE_TASKS_LIMIT:
            return
        demand = np.array([[needs.get(t, 0) for needs, _ in loads] for t in teams])
        capacity = np.array([capacity for _, capacity in loads])
        for clique in exclusive_cliques(demand, capacity):
            model.add_no_overlap([spans[teams[k]] for k in clique])


def unions(sets: set[frozenset]) -> set[frozenset]:
    """Every union of some of `sets` when there are at most `UNION_SETS` of them (Hall's
    condition for any choice of skills), else `sets` themselves."""
    if len(sets) > UNION_SETS:
        return set(sets)
    found = {frozenset()}
    for one in sets:
        found |= {union | one for union in found}
    return found - {frozenset()}


def pools(problem: Problem) -> Pools | None:
    """The classes of interchangeable people, when pooling them is exact and some class holds
    two or more: calendars that never pause (then a task's span is its effort, whoever does
    it), no weekly or project limits, and an objective of time terms only. A pinned person is a
    class of their own."""
    if not _exact(problem):
        return None
    pinned = set(problem.pinned_person[problem.pinned_person != NONE].tolist())
    staffed = np.flatnonzero(problem.staffed).tolist()
    sets = sorted({tuple(problem.eligible[t].tolist()) for t in staffed})
    member_of = [set() for _ in range(problem.n_people)]
    for k, people in enumerate(sets):
        for p in people:
            member_of[p].add(k)
    classes: dict[tuple, list[int]] = {}
    for p in range(problem.n_people):
        key = (p,) if p in pinned else tuple(sorted(member_of[p]))
        classes.setdefault(("pinned", *key) if p in pinned else key, []).append(p)
    members = tuple(tuple(people) for people in classes.values())
    if all(len(people) == 1 for people in members):
        return None
    of_person = np.zeros(problem.n_people, dtype=np.int64)
    for c, people in enumerate(members):
        of_person[list(people)] = c
    firsts = {people[0] for people in members}
    eligible = tuple(
        _frozen(np.array([p for p in e.tolist() if p in firsts])) for e in problem.eligible
    )
    return Pools(members, of_person, replace(problem, eligible=eligible))


def pooled_choices(problem: Problem) -> int | None:
    """The (task, class) choices of the pooled model; None when people are not pooled."""
    found = pools(problem)
    return None if found is None else found.problem.options


def _exact(problem: Problem) -> bool:
    terms = {name for level in problem.objective for name in level}
    limited = (problem.week_limit != NONE).any() or (problem.project_limit != NONE).any()
    never_pauses = bool(problem.working.all()) and int(problem.org_cum_work[-1]) == problem.horizon
    time_only = not any(TERMS[name].needs_people for name in terms)
    return never_pauses and not limited and time_only and problem.n_people > 1


def _frozen(array: np.ndarray) -> np.ndarray:
    array = array.astype(np.int64)
    array.setflags(write=False)
    return array
