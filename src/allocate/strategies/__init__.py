"""Scheduling strategies behind one small contract (`base.Strategy`), looked up by name.

Only this package imports a solver; everything else sees the compiled `Problem` and `Schedule`.
"""

from __future__ import annotations

from collections.abc import Callable

from allocate.strategies.base import Outcome, Schedule, Strategy
from allocate.strategies.greedy import Greedy


def _cpsat() -> Strategy:
    from allocate.strategies.cpsat import CpSat

    return CpSat()


REGISTRY: dict[str, Callable[[], Strategy]] = {"greedy": Greedy, "cpsat": _cpsat}


def get_strategy(name: str) -> Strategy:
    try:
        return REGISTRY[name]()
    except KeyError:
        raise ValueError(
            f"unknown strategy '{name}' (choose from {', '.join(sorted(REGISTRY))})"
        ) from None


__all__ = ["Greedy", "Outcome", "REGISTRY", "Schedule", "Strategy", "get_strategy"]
