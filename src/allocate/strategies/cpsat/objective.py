"""The scenario's lexicographic objective as one (or a few) integer CP-SAT objectives.

Terms, in ticks of the compiled problem (converted to hours for reporting):

* lateness: `sum_d w_d * T_d`, `T_d = max(0, max_{i in d} E_i - tick_d)` per due (task or project
  deadline), by `AddMaxEquality`. Dues that cannot be late within the model horizon are omitted.
* makespan: `M - first_tick`, `M = max_i E_i`: ticks from the first tick of the plan (a constant
  away from the hours after the true scenario start, `Problem.start_offset`, that are reported).
* unplaced: `U = sum_i priority_i * effort_i * (1 - P_i)` over optional tasks (left-out ones
  without variables count as constants). Where a due or the makespan covers an optional task,
  its max is stated as `>=` inequalities enforced by `P_i` (a left-out task ends nothing).

Within a level, term weights (level weight x due priority) are scaled to integers: exactly when
each has at most 6 decimals (then divided by their gcd), else to 1e-4 relative precision. Levels
are combined as mixed-radix digits, `sum_l v_l * m_l` with `m_l = prod_{j > l} (upper_j + 1)`,
which makes the order exact; consecutive levels share one objective ("stage") while the product
of their ranges stays below 2**53 (so that bounds, reported as doubles, decompose exactly). A later
stage is solved only once the earlier one is proven optimal, with the earlier optimum fixed.

Presolve may relax `T_d = max(...)` to `T_d >= ...`, so level values are recomputed from the
solution's end ticks (`Problem.level_values`), never read off the solver's objective.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.strategies.cpsat.variables import Variables

MAKESPAN = -1
"""The `due` index of the makespan term."""
UNPLACED = -2
"""The `due` index of the unplaced term."""
STAGE_RANGE = 2**53
LEVEL_RANGE = 2**62
TERMS = ("lateness", "makespan", "unplaced")


@dataclass(frozen=True)
class Level:
    dues: tuple[int, ...]
    """Due index of each term (`MAKESPAN` for the makespan)."""
    weights: tuple[float, ...]
    """Weight of each term per hour (level weight x due priority)."""
    coefficients: tuple[int, ...]
    """Integer coefficient per tick of each term, `~= scale * weight`."""
    scale: float
    exact: bool
    """Whether every coefficient is exactly `scale * weight`."""
    upper: int
    """The largest integer value the level can take inside the model horizon."""


@dataclass(frozen=True)
class Stage:
    levels: tuple[int, ...]
    multipliers: tuple[int, ...]


def term_ticks(problem: Problem, end: np.ndarray, due: int) -> int:
    """Ticks late of due `due` (or the makespan in ticks) for a schedule's end ticks."""
    if due == MAKESPAN:
        return max(0, int(end.max()) - problem.first_tick) if len(end) else 0
    if due == UNPLACED:
        return int(left_out_weights(problem)[end == NONE].sum())
    finish = int(end[list(problem.dues[due].tasks)].max())
    return 0 if finish == NONE else max(0, finish - problem.dues[due].tick)


def left_out_weights(problem: Problem) -> np.ndarray:
    """Per task, what leaving it out adds to `U` (0 for mandatory tasks)."""
    return problem.priority * problem.effort * problem.optional


def require_stated_terms(problem: Problem) -> None:
    """Fail at once, by name, on objective terms the model cannot state."""
    unknown = {name for level in problem.objective for name in level} - set(TERMS)
    if unknown:
        raise ValueError(f"CP-SAT cannot optimise objective terms {sorted(unknown)}; knows {TERMS}")


def build_levels(
    problem: Problem, horizon: int, only: Collection[int] | None = None
) -> list[Level]:
    """The levels of the objective; with `only`, lateness counts only those dues (the ones a
    neighbourhood can change)."""
    require_stated_terms(problem)
    levels = []
    for level in problem.objective:
        dues, weights, uppers = [], [], []
        for name, weight in level.items():
            if name == "makespan":
                dues.append(MAKESPAN)
                weights.append(weight)
                uppers.append(max(0, horizon - problem.first_tick))
            elif name == "unplaced":
                dues.append(UNPLACED)
                weights.append(weight)
                uppers.append(int(left_out_weights(problem).sum()))
            else:
                for d, due in enumerate(problem.dues):
                    if due.tick < horizon and (only is None or d in only):
                        dues.append(d)
                        weights.append(weight * due.weight)
                        uppers.append(horizon - due.tick)
        scale, exact = _integer_scale(weights)
        coefficients = [max(1, round(w * scale)) for w in weights]
        upper = sum(c * u for c, u in zip(coefficients, uppers, strict=True))
        if upper > LEVEL_RANGE:  # extreme weights: trade precision for range
            shrink = upper / LEVEL_RANGE * 2
            scale, exact = scale / shrink, False
            coefficients = [max(1, round(c / shrink)) for c in coefficients]
            upper = sum(c * u for c, u in zip(coefficients, uppers, strict=True))
        levels.append(Level(tuple(dues), tuple(weights), tuple(coefficients), scale, exact, upper))
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
    """The makespan `M` and the lateness `T_d` of every due some level uses.

    In a neighbourhood the fixed tasks' latest end is one constant inside each max.
    """
    used = {due for level in levels for due in level.dues}
    fixing = variables.fixing
    if MAKESPAN in used:
        fixed = _fixed_ends(fixing, range(problem.n_tasks))
        top = max([variables.horizon, *fixed])
        variables.makespan = model.new_int_var(problem.first_tick, top, "M")
        _max_of(model, variables.makespan, variables, variables.tasks, fixed, 0)
    if UNPLACED in used:
        variables.unplaced = _unplaced(model, problem, variables)
    for d in sorted(used - {MAKESPAN, UNPLACED}):
        due = problem.dues[d]
        fixed = _fixed_ends(fixing, due.tasks)
        late = model.new_int_var(0, max([variables.horizon, *fixed]) - due.tick, f"T{d}")
        _max_of(model, late, variables, due.tasks, [0, *(f - due.tick for f in fixed)], due.tick)
        variables.lateness[d] = late


def _max_of(model, target, variables: Variables, tasks, constants: list[int], offset: int):
    """`target = max(constants, E_i - offset for the model's tasks i)`; as `>=` only, each
    enforced by its task's presence, when an optional task is among them."""
    free = [variables.tasks[i] for i in tasks if i in variables.tasks]
    if all(v.present is None for v in free):
        model.add_max_equality(target, [*constants, *(v.end - offset for v in free)])
        return
    for constant in constants:
        model.add(target >= constant)
    for v in free:
        enforced = [] if v.present is None else [v.present]
        model.add(target >= v.end - offset).only_enforce_if(enforced)


def _unplaced(model, problem: Problem, variables: Variables) -> cp_model.IntVar:
    """`U`: the model's optional tasks that are absent, plus the constant left-out ones (without
    variables: dropped, or fixed in a neighbourhood and left out there)."""
    weights = left_out_weights(problem)
    fixing = variables.fixing
    constant = 0
    for task in np.flatnonzero(problem.optional).tolist():
        if task in variables.tasks:
            continue
        free = fixing is None or fixing.mask[task]
        if free or fixing.schedule.start[task] == NONE:
            constant += int(weights[task])
    absent = [
        (v.present, int(weights[t])) for t, v in variables.tasks.items() if v.present is not None
    ]
    total = model.new_int_var(0, int(weights.sum()), "U")
    model.add(total == constant + sum(w * (1 - present) for present, w in absent))
    return total


def _fixed_ends(fixing, tasks) -> list[int]:
    """The latest end among the fixed tasks of `tasks`, as a one-element list (empty if none)."""
    if fixing is None:
        return []
    end = fixing.fixed_end(tasks)
    return [] if end == NONE else [end]


def stage_expression(
    stage: Stage, levels: list[Level], variables: Variables, problem: Problem
) -> cp_model.LinearExpr:
    terms, coefficients, offset = [], [], 0
    for index, multiplier in zip(stage.levels, stage.multipliers, strict=True):
        level = levels[index]
        for due, coefficient in zip(level.dues, level.coefficients, strict=True):
            if due == MAKESPAN:
                terms.append(variables.makespan)
                offset -= multiplier * coefficient * problem.first_tick
            elif due == UNPLACED:
                terms.append(variables.unplaced)
            else:
                terms.append(variables.lateness[due])
            coefficients.append(multiplier * coefficient)
    return cp_model.LinearExpr.weighted_sum(terms, coefficients) + offset


def integer_value(level: Level, problem: Problem, end: np.ndarray) -> int:
    return sum(
        c * term_ticks(problem, end, d) for d, c in zip(level.dues, level.coefficients, strict=True)
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


def hours(level: Level, lower: int, problem: Problem) -> float:
    """A lower bound in hours (as `Problem.level_values` counts them) from an integer one."""
    value = lower / level.scale
    if not level.exact:
        value *= 1 - 1e-4  # coefficients were rounded to 5e-5 relative precision
    offset = problem.first_tick - problem.start_offset  # makespan counts from the true start
    value += sum(
        w * offset for d, w in zip(level.dues, level.weights, strict=True) if d == MAKESPAN
    )
    return max(0.0, value * problem.hours_per_tick)


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
