"""The scenario's lexicographic objective as one (or a few) integer CP-SAT objectives.

Each level is a weighted sum of components, each stated by its term (`allocate.terms`): one per
due for lateness (ticks late, `T_d = max(0, max_{i in d} E_i - tick_d)` by `AddMaxEquality`) and
late projects, one for each other term (makespan `M - first_tick`, cost in cent-ticks, misses,
pairs, handovers, basis points of utilisation). Components that cannot be non-zero inside the
model horizon are omitted.

Within a level, weights (level weight x due priority x the component's unit) are scaled to
integers: exactly when each level weight has at most 6 decimals, else to 1e-4 relative precision.
Levels are combined as mixed-radix digits, `sum_l v_l * m_l` with
`m_l = prod_{j > l} (upper_j + 1)`, which makes the order exact; consecutive levels share one
objective ("stage") while the product of their ranges stays below 2**31 (so that bounds, reported
as doubles, decompose exactly). A later stage is solved only once the earlier one is proven
optimal, with the earlier optimum fixed.

Presolve may relax `T_d = max(...)` to `T_d >= ...`, so level values are recomputed from the
solution (`terms.level_values`), never read off the solver's objective. Where a due or the
makespan covers an optional task, the max is stated as `>=` inequalities enforced by the task's
presence `P` (a left-out task ends nothing).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.strategies.cpsat.statement import Statement
from allocate.strategies.cpsat.variables import Variables
from allocate.terms import TERMS, Component

STAGE_RANGE = 2**31
"""Levels share one CP-SAT objective only while their combined range stays below this. Bounds
stay exact up to 2**53, but huge mixed-radix multipliers slow the search: with the default
four-level objective, 80 neighbourhoods reached 1,476 / 12,400 / 7,048 h lateness on the example
and generated 10 x 100 seeds 1-2 with 2**53, against 680 / 11,219 / 6,637 with 2**31 and
680 / 11,646 / 6,072 with every level in its own stage (lateness alone: 680 / 11,318 / 5,432)."""
LEVEL_RANGE = 2**62


@dataclass(frozen=True)
class Level:
    components: tuple[Component, ...]
    weights: tuple[float, ...]
    """Weight of each component per unit of its term (level weight x due priority)."""
    units: tuple[Fraction, ...]
    """Size of each component's integer unit in its term's unit."""
    coefficients: tuple[int, ...]
    """Integer coefficient per integer unit of each component, `~= scale * weight * unit`."""
    scale: float
    exact: bool
    """Whether every coefficient is exactly `scale * weight * unit`."""
    upper: int
    """The largest integer value the level can take inside the model horizon."""


@dataclass(frozen=True)
class Stage:
    levels: tuple[int, ...]
    multipliers: tuple[int, ...]


def build_levels(
    problem: Problem, horizon: int, only: Collection[int] | None = None
) -> list[Level]:
    """The levels of the objective; with `only`, the per-due terms count only those dues (the
    ones a neighbourhood can change)."""
    levels = []
    for level in problem.objective:
        found = [
            (part, weight, TERMS[name].unit(problem))
            for name, weight in level.items()
            for part in TERMS[name].parts(problem, horizon, only)
        ]
        components = tuple(part.component for part, _, _ in found)
        weights = [weight * part.factor for part, weight, _ in found]
        unit = tuple(size for _, _, size in found)
        uppers = [part.upper for part, _, _ in found]
        base, exact = _integer_scale(weights)
        multiple = math.lcm(*(u.denominator for u in unit)) if unit else 1
        scale = base * multiple
        coefficients = [
            max(1, round(base * w) * int(multiple * u) if exact else round(scale * w * float(u)))
            for w, u in zip(weights, unit, strict=True)
        ]
        upper = sum(c * u for c, u in zip(coefficients, uppers, strict=True))
        if upper > LEVEL_RANGE:  # extreme weights: trade precision for range
            shrink = upper / LEVEL_RANGE * 2
            scale, exact = scale / shrink, False
            coefficients = [max(1, round(c / shrink)) for c in coefficients]
            upper = sum(c * u for c, u in zip(coefficients, uppers, strict=True))
        levels.append(
            Level(components, tuple(weights), unit, tuple(coefficients), scale, exact, upper)
        )
    return levels


def stages(levels: list[Level]) -> list[Stage]:
    """Consecutive levels grouped while their combined range fits in `STAGE_RANGE`."""
    groups: list[list[int]] = []
    size = 0
    for index, level in enumerate(levels):
        if groups and size * (level.upper + 1) <= STAGE_RANGE:
            groups[-1].append(index)
            size *= level.upper + 1
        else:
            groups.append([index])
            size = level.upper + 1
    result = []
    for group in groups:
        multipliers = [1]
        for index in reversed(group[1:]):
            multipliers.insert(0, multipliers[0] * (levels[index].upper + 1))
        result.append(Stage(tuple(group), tuple(multipliers)))
    return result


def add_term_vars(
    model: cp_model.CpModel, problem: Problem, variables: Variables, levels: list[Level]
) -> None:
    """Each component's expression (`variables.terms`), stated by its term. What components
    share (the last end, a due's lateness) is made first, in one order for every model."""
    used = {c for level in levels for c in level.components}
    statement = Statement(model, problem, variables)
    for component in sorted(used, key=lambda c: (c.due != NONE, c.due, c.term)):
        TERMS[component.term].prepare(statement, component)
    for component in sorted(used, key=lambda c: (c.term, c.due)):
        variables.terms[component] = TERMS[component.term].state(statement, component)


def stage_expression(
    stage: Stage, levels: list[Level], variables: Variables
) -> cp_model.LinearExpr:
    terms, coefficients = [], []
    for index, multiplier in zip(stage.levels, stage.multipliers, strict=True):
        level = levels[index]
        for component, coefficient in zip(level.components, level.coefficients, strict=True):
            terms.append(variables.terms[component])
            coefficients.append(multiplier * coefficient)
    return sum(c * t for c, t in zip(coefficients, terms, strict=True))


def integer_value(level: Level, problem: Problem, end: np.ndarray, person: np.ndarray) -> int:
    return sum(
        c * TERMS[component.term].count(problem, end, person, component)
        for component, c in zip(level.components, level.coefficients, strict=True)
    )


def decompose(
    bound: float, stage: Stage, levels: list[Level], values: list[int] | None
) -> dict[int, int]:
    """Integer lower bounds per level of `stage` from a bound on its combined objective.

    The first level's bound is `floor(bound / m_1)`; a later level's is derived only while every
    earlier level's bound meets its found value (`values`), i.e. it is proven optimal.
    """
    result: dict[int, int] = {}
    if not math.isfinite(bound):
        return result
    remaining = math.floor(bound + 1e-6)
    for position, (index, multiplier) in enumerate(
        zip(stage.levels, stage.multipliers, strict=True)
    ):
        lower = max(0, remaining // multiplier)
        if values is not None:
            lower = min(lower, values[position])
        result[index] = lower
        if values is None or lower < values[position]:
            break
        remaining -= values[position] * multiplier
    return result


def level_bound(level: Level, lower: int, problem: Problem) -> float:
    """A lower bound in the level's units (as `terms.level_values` counts them) from an
    integer one."""
    value = lower / level.scale
    if not level.exact:
        value *= 1 - 1e-4  # coefficients were rounded to 5e-5 relative precision
    value += sum(  # what a term's value adds to its units (a makespan's true start)
        w * TERMS[c.term].offset(problem)
        for c, w in zip(level.components, level.weights, strict=True)
    )
    return max(0.0, value)


def _integer_scale(weights: list[float]) -> tuple[float, bool]:
    """Integer units per weight unit: exact for weights with at most 6 decimals, else 1e4 units
    for the smallest weight (every coefficient then within 5e-5 of its weight, relatively)."""
    if not weights:
        return 1.0, True
    for digits in range(7):
        scaled = [w * 10**digits for w in weights]
        if all(abs(s - round(s)) <= 1e-9 * max(1.0, abs(s)) for s in scaled):
            divisor = math.gcd(*(round(s) for s in scaled)) or 1
            return float(Fraction(10**digits, divisor)), True
    return 1e4 / min(weights), False
