"""Which of CP-SAT's subsolvers run, per class of model, where measurements chose other than
CP-SAT's default portfolio (docs/design.md, "CP-SAT's subsolvers per class of model")."""

from __future__ import annotations

from allocate.problem import Problem

NOT_SCHEDULING = (
    "feasibility_pump",
    "fj",
    "ls",
    "rins/rens",
    "graph_arc_lns",
    "graph_cst_lns",
    "graph_dec_lns",
    "graph_var_lns",
    "rnd_cst_lns",
    "rnd_var_lns",
)
"""Subsolvers left out where every task has a fixed duration: first-solution and local searches
(the greedy plan is the first solution) and neighbourhoods drawn from the constraint graph or at
random; CP-SAT's scheduling neighbourhoods (time windows, intervals, precedences) keep the
second worker."""

SUBSOLVER_FIELDS = ("subsolvers", "extra_subsolvers", "ignore_subsolvers", "filter_subsolvers")
"""CP-SAT parameters that choose subsolvers: a caller's `CpSat(params=...)` naming any of them
replaces the choice made here."""


def subsolvers(problem: Problem, workers: int, pooled: bool) -> str:
    """CP-SAT parameters (text format) choosing the subsolvers; '' for CP-SAT's default."""
    if pooled:
        return _pooled(workers)
    if problem.fixed_durations and workers > 1:
        return " ".join(f'ignore_subsolvers: "{name}"' for name in NOT_SCHEDULING)
    return ""


def _pooled(workers: int) -> str:
    """For a pooled model: the reduced-cost search raises the makespan bound where CP-SAT's
    default for fewer than eight workers leaves it out (on two: one LP search, and
    neighbourhood search on the second)."""
    if workers == 1:
        return 'subsolvers: "reduced_costs"'
    if workers == 2:
        return 'subsolvers: "default_lp" subsolvers: "reduced_costs" num_full_subsolvers: 2'
    return 'extra_subsolvers: "reduced_costs"'


__all__ = ["NOT_SCHEDULING", "SUBSOLVER_FIELDS", "subsolvers"]
