"""Scheduling strategies behind one small contract (`base.Strategy`), looked up by name.

Only this package imports a solver; everything else sees the compiled `Problem` and `Schedule`.
A strategy is registered as a factory taking its options as keywords, so that
`get_strategy("lns", size=60)` validates them at construction like `Lns(size=60)` does.
"""

from __future__ import annotations

from collections.abc import Callable

from allocate.strategies.base import Outcome, Schedule, Strategy
from allocate.strategies.greedy import Greedy


def _cpsat(**options) -> Strategy:
    from allocate.strategies.cpsat import CpSat

    return CpSat(**options)


def _lns(**options) -> Strategy:
    from allocate.strategies.lns import Lns

    return Lns(**options)


REGISTRY: dict[str, Callable[..., Strategy]] = {"greedy": Greedy, "cpsat": _cpsat, "lns": _lns}


def register(name: str, factory: Callable[..., Strategy]) -> None:
    """Make `factory` (a Strategy class, or a function of keyword options) available by `name`
    to `get_strategy`, `solve(strategy=name)` and the conformance suite."""
    if not name or name == "auto":
        raise ValueError(f"'{name}' cannot name a strategy")
    if not callable(factory):
        raise TypeError(f"the factory for '{name}' is not callable")
    REGISTRY[name] = factory


def get_strategy(name: str, **options) -> Strategy:
    """A new instance of the strategy registered as `name`, built with `options`."""
    try:
        factory = REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown strategy '{name}' (choose from {', '.join(sorted(REGISTRY))})"
        ) from None
    return factory(**options)


__all__ = ["Greedy", "Outcome", "REGISTRY", "Schedule", "Strategy", "get_strategy", "register"]
