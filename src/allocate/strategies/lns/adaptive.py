"""Which kind of neighbourhood to try next and how large, learnt from how the last ones went.

Kinds are drawn by roulette over weights that follow each kind's recent payoff (adaptive LNS,
Ropke & Pisinger 2006): the relative gain it brought per unit of work, where a plan of equal value
that moved something counts as a tiny gain; every kind keeps a floor share, so none is starved for
good. Work is CP-SAT's deterministic time plus a build cost per model variable, never wall time:
with one worker the choices, and so the whole search, then repeat exactly for a seed.

Sizes are per kind and follow what the solver says about the last neighbourhood: proven optimal
quickly *without* a gain means it was too small to hold a better plan (grow); cut off by the
limit means too large to search (shrink); proven optimal with a gain means the size pays (keep).
Measured on 40 x 500: growing on every quick proof drove sizes to where a sub-solve takes seconds,
while a third of the gains came from neighbourhoods of under 30 tasks solved in a tenth of that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

REACTION = 0.3
"""How fast a weight follows new payoffs."""
FLOOR = 0.05
"""A kind's least share of the draws."""
EQUAL_GAIN = 1e-4
"""The payoff of a different plan of equal value, as if it were this relative gain."""
GROW, SHRINK = 1.25, 0.8
MIN_WORK = 0.01
FILLED = 0.8
"""A neighbourhood that frees less than this share of its size says nothing about larger ones."""
QUICK = 0.5
"""A proof within this share of the limit is quick."""


@dataclass
class KindStats:
    size: float
    weight: float = 1.0
    tried: int = 0
    improved: int = 0
    accepted: int = 0
    work: float = 0.0


@dataclass
class Adaptive:
    kinds: tuple[str, ...]
    size: int
    min_size: int
    max_size: int
    stats: dict[str, KindStats] = field(init=False)

    def __post_init__(self):
        self.stats = {kind: KindStats(float(self.size)) for kind in self.kinds}

    def choose(self, rng: np.random.Generator) -> tuple[str, int]:
        """A kind, drawn by weight, and its current size."""
        weights = np.array([self.stats[k].weight for k in self.kinds])
        shares = weights / weights.sum()
        shares = np.maximum(shares, FLOOR)
        kind = self.kinds[int(rng.choice(len(self.kinds), p=shares / shares.sum()))]
        return kind, round(self.stats[kind].size)

    def update(
        self,
        kind: str,
        freed: int,
        gain: float,
        changed: bool,
        proven: bool,
        used: float,
        work: float,
    ) -> None:
        """Record one sub-solve of `freed` tasks: relative `gain` (> 0 if better), whether the
        plan `changed`, whether it was `proven` optimal, the share of its limit `used`, its
        `work`."""
        stats = self.stats[kind]
        stats.tried += 1
        stats.work += work
        stats.improved += gain > 0
        stats.accepted += changed
        payoff = gain if gain > 0 else EQUAL_GAIN if changed else 0.0
        stats.weight = (1 - REACTION) * stats.weight + REACTION * payoff / max(work, MIN_WORK)
        if not proven:
            stats.size = max(self.min_size, stats.size * SHRINK)
        elif gain <= 0 and used < QUICK and freed >= FILLED * stats.size:
            stats.size = min(self.max_size, stats.size * GROW)

    def summary(self) -> dict[str, float | int | str]:
        """Per kind: tries, improvements, accepted moves, final size, work (flat keys)."""
        result: dict[str, float | int | str] = {}
        for kind, s in self.stats.items():
            result[f"lns_{kind}"] = (
                f"{s.tried} tried, {s.improved} improved, {s.accepted} accepted, "
                f"size {round(s.size)}, work {s.work:.1f}"
            )
        return result
