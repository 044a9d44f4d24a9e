"""How much work one matching call may do: item pairs compared and time spent.

Matching compares the items of one entry with those of many candidates, so one call's cost
grows with candidates x items x items. A budget stops it early: the candidates scored within
it are ranked, the rest are left out, and the call says it was cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MatchLimits:
    """The bounds of one matching call."""

    # Candidates read from the database and scored at most.
    candidates: int = 200
    # Items of candidates (in categories that can match) read at most.
    items: int = 2_000
    # Item pairs compared at most, over all candidates.
    pairs: int = 20_000
    # Time the scoring may take, in seconds.
    seconds: float = 0.25


@dataclass
class WorkBudget:
    """What is left of one call's limits; `clock` reads seconds (time.monotonic)."""

    limits: MatchLimits
    clock: Callable[[], float]
    pairs_used: int = 0
    exhausted: bool = False
    _deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self._deadline = self.clock() + self.limits.seconds

    def spend(self, pairs: int) -> bool:
        """Take `pairs` comparisons from the budget; False (and nothing taken) when they would
        exceed it or the time is up: the caller stops there."""
        if self.exhausted:
            return False
        if self.pairs_used + pairs > self.limits.pairs or self.clock() >= self._deadline:
            self.exhausted = True
            return False
        self.pairs_used += pairs
        return True
