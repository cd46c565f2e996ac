"""Answers best first that behave like the tuple of them: `recommend(...)[0]` is the pick,
`len(advice)` the number of options, `for departure in departures(...)` goes over the people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from allocate.scenario import Frozen

T = TypeVar("T")


class Ranked(Frozen, Generic[T]):
    """Base of an answer holding its items best first (`ranked`); indexing, `len` and iteration
    go over them."""

    @property
    def ranked(self) -> tuple[T, ...]:
        raise NotImplementedError

    def __getitem__(self, index):
        return self.ranked[index]

    def __len__(self) -> int:
        return len(self.ranked)

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        return iter(self.ranked)


__all__ = ["Ranked"]
