"""Per-person limits in the CP-SAT model (the checker's `max_projects` and `max_hours_per_week`).

* max_projects: per limited person `p` and project `P` with an option of `p` on a task of `P`, one
  optional span interval `[A, B)`, present iff `p` does a task of `P` (`y = OR x`), with
  `A <= S_t` and `B >= E_t` whenever `x_{t,p}`; the spans of `p` go into a cumulative of capacity
  `max_projects` (a NoOverlap when it is 1). Spans may be longer than the hull of the tasks, which
  only makes the constraint stricter, and the hull itself is always a solution: exact. In a
  neighbourhood, `p`'s fixed tasks of `P` make the span present and bound it by their hull; a
  project `p` has only fixed tasks of is a fixed interval.
* max_hours_per_week: see `weeks.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from allocate.limits import project_spans
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule
from allocate.strategies.cpsat.variables import OptionVars, Variables


@dataclass
class ProjectSpan:
    """Person `person` on project `project`: the span `[start, end)` and whether it is present."""

    person: int
    project: int
    start: cp_model.IntVar
    end: cp_model.IntVar
    size: cp_model.IntVar
    present: cp_model.IntVar


def max_projects(
    model: cp_model.CpModel, problem: Problem, variables: Variables
) -> list[ProjectSpan]:
    """The span intervals and cumulatives of every person with a project limit."""
    if not len(problem.project_limit) or not (problem.project_limit != NONE).any():
        return []
    options: dict[tuple[int, int], list[OptionVars]] = {}
    for option in variables.options:
        project = int(problem.project_of[option.task])
        if option.person != NONE and project != NONE and problem.project_limit[option.person] >= 0:
            options.setdefault((option.person, project), []).append(option)
    fixed = _fixed_spans(problem, variables.fixing)
    spans, intervals = [], {}
    for key in sorted(options.keys() | fixed.keys()):
        person, project = key
        hull = fixed.get(key)
        if key not in options:
            interval = model.new_fixed_size_interval_var(hull[0], hull[1] - hull[0], "")
            intervals.setdefault(person, []).append(interval)
            continue
        span = _span(model, variables.horizon, person, project, options[key], hull)
        spans.append(span)
        intervals.setdefault(person, []).append(
            model.new_optional_interval_var(span.start, span.size, span.end, span.present, "")
        )
    for person, held in intervals.items():
        limit = int(problem.project_limit[person])
        if len(held) <= limit:
            continue
        if limit == 1:
            model.add_no_overlap(held)
        else:
            model.add_cumulative(held, [1] * len(held), limit)
    return spans


def _span(model, horizon: int, person: int, project: int, options, hull) -> ProjectSpan:
    start = model.new_int_var(0, horizon, f"A{person}_{project}")
    end = model.new_int_var(0, horizon, f"B{person}_{project}")
    size = model.new_int_var(0, horizon, f"L{person}_{project}")
    present = model.new_bool_var(f"y{person}_{project}")
    for option in options:
        model.add_implication(option.present, present)
        model.add(start <= option.interval.start_expr()).only_enforce_if(option.present)
        model.add(end >= option.interval.end_expr()).only_enforce_if(option.present)
    if hull is None:
        model.add_bool_or([option.present for option in options]).only_enforce_if(present)
    else:
        model.add(present == 1)
        model.add(start <= hull[0])
        model.add(end >= hull[1])
    return ProjectSpan(person, project, start, end, size, present)


def _fixed_spans(problem: Problem, fixing) -> dict[tuple[int, int], tuple[int, int]]:
    """Per (limited person, project), the hull of the person's fixed tasks of it."""
    if fixing is None:
        return {}
    held = fixing.schedule
    schedule = Schedule(held.start, held.end, np.where(fixing.mask, NONE, held.person))
    found = {}
    for person in np.flatnonzero(problem.project_limit != NONE).tolist():
        for project, hull in project_spans(problem, schedule, person).items():
            found[(person, project)] = hull
    return found


def hint_spans(spans: list[ProjectSpan], problem: Problem, hint: Schedule, pairs: list) -> None:
    """Hint each span with the hull of the hint's tasks (absent where the person has none)."""
    hulls: dict[int, dict[int, tuple[int, int]]] = {}
    for span in spans:
        if span.person not in hulls:
            hulls[span.person] = project_spans(problem, hint, span.person)
        hull = hulls[span.person].get(span.project)
        start, end = hull if hull is not None else (0, 0)
        present = int(hull is not None)
        pairs += [(span.start, start), (span.end, end), (span.size, end - start)]
        pairs.append((span.present, present))


def limits_problem(problem: Problem, schedule: Schedule) -> str | None:
    """Why a complete schedule breaks a project limit; None if it keeps them."""
    from allocate.limits import most_at_once

    if not len(problem.project_limit):
        return None
    for person in np.flatnonzero(problem.project_limit != NONE).tolist():
        spans = project_spans(problem, schedule, person).values()
        if most_at_once(spans) > problem.project_limit[person]:
            return f"'{problem.person_ids[person]}' is on more projects at once than allowed"
    return None
