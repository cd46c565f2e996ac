"""What an objective term is on the compiled problem: one class owns all of it.

A term counts whole *units* (ticks late, cent-ticks of cost, basis points of utilisation, misses)
whose size in the term's own unit (hours, money, percent, count) is exact (`unit`), so that its
value on a schedule, its bounds and its CP-SAT statement are one definition:

* `count`: the units of one component on a schedule (end ticks and people);
* `value`: the term on a schedule, in its own unit (the units times the unit's size);
* `parts`: its components with their weight factor and largest value inside a model horizon (a
  term is one component, or one per due: `lateness`, `late_projects`);
* `lower`: a lower bound on the value over every complete plan, from the problem's floors
  (`allocate.bounds.Floors`);
* `state`: the component as an integer CP-SAT expression, built on a `Statement` (the model's
  view of who does what, `strategies/cpsat/statement.py`), so that this package never imports
  OR-Tools itself;
* `targets`: the tasks where a plan loses on the term, for neighbourhood search.

`allocate.objective` holds the same terms on a plan's datetimes: the checker's independent mirror.
Adding a term is one `Term` subclass here, listed in `TERMS`, plus its mirror there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from allocate.problem import NONE, Problem

if TYPE_CHECKING:
    from allocate.bounds import Floors
    from allocate.schedule import Schedule
    from allocate.strategies.cpsat.statement import Statement

Loss = tuple[int, float]
"""A task where a plan loses on a term, and how much (in the term's unit, weighted)."""


@dataclass(frozen=True)
class Component:
    """One summand of a term: the term's name, and the due it is about (per-due terms)."""

    term: str
    due: int = NONE


@dataclass(frozen=True)
class Part:
    """A component with its weight factor (a due's priority) and its largest integer value."""

    component: Component
    factor: float
    upper: int


class Term(ABC):
    """One objective term on the compiled problem (see the module docstring)."""

    name: ClassVar[str]
    needs_people: ClassVar[bool] = True
    """Does the value depend on who does what (not only on when tasks end)?"""

    @abstractmethod
    def unit(self, problem: Problem) -> Fraction:
        """The size of one integer unit in the term's own unit."""

    def upper(self, problem: Problem, horizon: int) -> int:
        """The largest value, in units, of a one-component term inside `horizon` (a term with
        several components gives theirs in `parts` instead)."""
        raise NotImplementedError(f"{self.name} gives its components' upper bounds in parts()")

    def parts(self, problem: Problem, horizon: int, only=None) -> list[Part]:
        """The components that can be non-zero inside `horizon` (with `only`, per-due terms
        keep only those dues: the ones a neighbourhood can change)."""
        return [Part(Component(self.name), 1.0, self.upper(problem, horizon))]

    @abstractmethod
    def count(
        self, problem: Problem, end: np.ndarray, person: np.ndarray, component: Component
    ) -> int:
        """The component's value in units for a whole schedule (NONE ends: left out)."""

    def units(self, problem: Problem, end: np.ndarray, person: np.ndarray) -> float:
        """The term's value in units: its components weighted by their factors."""
        return self.count(problem, end, person, Component(self.name))

    def value(self, problem: Problem, end: np.ndarray, person: np.ndarray) -> float:
        """The term in its own unit (hours, money, percent, count) for a whole schedule."""
        return self.measure(problem, self.units(problem, end, person))

    def measure(self, problem: Problem, units: float) -> float:
        """`units` in the term's own unit, plus its `offset`."""
        unit = self.unit(problem)
        return units * unit.numerator / unit.denominator + self.offset(problem)

    def offset(self, problem: Problem) -> float:
        """What the value adds to its units (a makespan counts from the true planning start,
        its units from the first tick)."""
        return 0.0

    def lower(self, problem: Problem, floors: Floors) -> float:
        """A lower bound on the value over every complete plan (0 is always one)."""
        return 0.0

    def prepare(self, statement: Statement, component: Component) -> None:  # noqa: B027
        """Create the model variables this component shares with others (a due's lateness, the
        last end) before any term is stated, so that every model numbers them alike; most
        terms share nothing."""

    @abstractmethod
    def state(self, statement: Statement, component: Component):
        """The component as an integer CP-SAT expression, equal to `count` on every solution."""

    def targets(self, problem: Problem, schedule: Schedule, earliest_end: np.ndarray) -> list[Loss]:
        """Tasks where `schedule` loses on this term (`earliest_end`: the resource-free earliest
        end of each task, below which no plan ends it)."""
        return []


def by_due(problem: Problem, end: np.ndarray, due: int) -> int:
    """When the last task of due `due` ends (NONE if all are left out)."""
    return int(end[list(problem.dues[due].tasks)].max())


def ticks_late(problem: Problem, end: np.ndarray, due: int) -> int:
    """Ticks the last task of due `due` ends after its tick (0 when on time or left out)."""
    finish = by_due(problem, end, due)
    return 0 if finish == NONE else max(0, finish - problem.dues[due].tick)
