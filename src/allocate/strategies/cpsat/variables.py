"""The CP-SAT variables of the model, one container per task and per (task, person) option.

Per task: start `S` and end `E` (one shared variable for a milestone, which takes no time); in the
day-hour formulation also the day `Y` and hour `R` of the start, `S + shift = ticks_per_day*Y + R`.
An optional task also has a presence literal `P` (its options' presences sum to it).
Per option (eligible person p): presence `x`, calendar span `D` and the optional interval
`[S, E)` of size `D` that goes into p's NoOverlap, plus one literal per class of starts of equal
span (see `partition.py`). In a slot task of a team, `D` is the team's span (the last member's
finish), at least the option's own span (`constraints.people`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from allocate.problem import Precedence
from allocate.strategies.cpsat.fixing import Fixing
from allocate.strategies.cpsat.partition import Partition, Starts

FORMULATIONS = ("day-hour", "start-partition")


@dataclass
class OptionVars:
    task: int
    person: int
    starts: Starts
    partition: Partition
    present: cp_model.IntVar
    size: cp_model.IntVar
    interval: cp_model.IntervalVar
    classes: list[cp_model.IntVar]
    team: bool = False
    """A slot of a team: the interval lasts until the last member finishes."""


@dataclass
class TaskVars:
    start: cp_model.IntVar
    end: cp_model.IntVar
    options: list[OptionVars] = field(default_factory=list)
    day: cp_model.IntVar | None = None
    hour: cp_model.IntVar | None = None
    shift: int = 0
    days: tuple[int, int] = (0, 0)
    """The range of `day`."""
    present: cp_model.IntVar | None = None
    """Is this optional task in the plan? (None: a mandatory task, always.)"""

    @property
    def milestone(self) -> bool:
        return not self.options


@dataclass
class LagVars:
    """A working lag: `target >= after[source]`, `after` tabulated over the model horizon."""

    precedence: Precedence
    source: cp_model.IntVar
    shifted: cp_model.IntVar
    after: np.ndarray


@dataclass
class Variables:
    horizon: int
    ticks_per_day: int
    tasks: dict[int, TaskVars]
    """By task index, in task order: every task, or a neighbourhood's free tasks."""
    fixing: Fixing | None = None
    lags: list[LagVars] = field(default_factory=list)
    holds: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """Per task that holds resources, the size of its whole interval (`resources.py`)."""
    dropped: dict[int, str] = field(default_factory=dict)
    """Optional tasks no option can hold: left out, with why (they have no variables)."""
    project_spans: list = field(default_factory=list)
    """Per (person, project) under a project limit, its span (`limits.ProjectSpan`)."""
    week_loads: list = field(default_factory=list)
    """Per option of a person with a weekly hour limit, its loads per week (`weeks.WeekLoads`)."""
    terms: dict = field(default_factory=dict)
    """Per objective component (`allocate.terms.Component`), its integer expression (stated on
    a `statement.Statement`)."""
    derived: list = field(default_factory=list)
    """(variable, value) for each variable the objective adds: `value(end, person)` of a whole
    schedule gives its value there (for hints)."""

    @property
    def options(self) -> list[OptionVars]:
        return [option for task in self.tasks.values() for option in task.options]


def milestone_vars(model: cp_model.CpModel, task: int, earliest: int, horizon: int) -> TaskVars:
    when = model.new_int_var(earliest, horizon, f"S{task}")
    return TaskVars(start=when, end=when)


def task_vars(
    model: cp_model.CpModel,
    task: int,
    options: list[tuple[int, Starts]],
    ticks_per_day: int,
    shift: int | None,
) -> TaskVars:
    """S and E between the options' first and last start and end; Y and R if `shift` is given.

    Only the bounds: the class literals state the exact start sets, and domains made of many
    intervals (one per working day) make CP-SAT's presolve about twice as slow.
    """
    first = min(int(s.ticks[0]) for _, s in options)
    last = max(int(s.ticks[-1]) for _, s in options)
    first_end = min(int(s.ticks[0] + s.spans[0]) for _, s in options)
    last_end = max(int(s.ticks[-1] + s.spans[-1]) for _, s in options)
    variables = TaskVars(
        start=model.new_int_var(first, last, f"S{task}"),
        end=model.new_int_var(first_end, last_end, f"E{task}"),
    )
    if shift is not None:
        variables.days = (first + shift) // ticks_per_day, (last + shift) // ticks_per_day
        variables.day = model.new_int_var(*variables.days, f"Y{task}")
        variables.hour = model.new_int_var(0, ticks_per_day - 1, f"R{task}")
        variables.shift = shift
    return variables


def option_vars(
    model: cp_model.CpModel,
    task: TaskVars,
    index: int,
    person: int,
    starts: Starts,
    partition: Partition,
    team: bool = False,
) -> OptionVars:
    name = f"{index}_{person}"
    present = model.new_bool_var(f"x{name}")
    spans = Domain.from_values([0, *partition.spans.tolist()])
    if team:  # until the team's last finish: anything up to the task's longest stretch
        longest = list(task.end.proto.domain)[-1] - list(task.start.proto.domain)[0]
        spans = Domain(0, longest)
    size = model.new_int_var_from_domain(spans, f"D{name}")
    interval = model.new_optional_interval_var(task.start, size, task.end, present, f"I{name}")
    classes = [model.new_bool_var(f"c{name}_{k}") for k in range(len(partition))]
    option = OptionVars(index, person, starts, partition, present, size, interval, classes, team)
    task.options.append(option)
    return option
