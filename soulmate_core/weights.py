"""Pure weighting helpers: comparable artist weights from any source, and idf-style rarity.

Every source weighting returns weights in the input order that are positive and sum to 1.

- Amounts (plays, ms played) are damped with a power below 1. A power law is scale-free: plays and
  milliseconds for the same listening give the same shares, which a logarithm would not.
- Ranks (Spotify top lists) get the shape an average listener's damped amounts have by rank, so a
  Spotify profile and a listens-table profile of the same taste come out alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

AMOUNT_POWER = 0.75
"""Damping of plays or ms played: 1 keeps obsessions whole, 0 treats every listed artist alike."""

RANK_DECAY = 0.6
"""Exponent of ``(rank + 1) ** -RANK_DECAY``: the mean shape of ``plays ** AMOUNT_POWER`` by rank
on the Last.fm dev users' top-50 lists (see docs/matching.md)."""


def rank_weights(count: int) -> list[float]:
    """Weights for a ranked list, best first: a gentle power-law decay by rank."""
    raw = [(rank + 1.0) ** -RANK_DECAY for rank in range(count)]
    return _shares(raw)


def amount_weights(amounts: Sequence[float]) -> list[float]:
    """Weights from amounts (plays, ms played): power-damped, so one obsession does not drown the rest."""
    raw = [max(a, 0.0) ** AMOUNT_POWER for a in amounts]
    if not any(raw):
        return rank_weights(len(amounts))
    return _shares(raw)


def idf(holders: int, population: int) -> float:
    """Rarity of an item ``holders`` of ``population`` people have: ``log(1 + (1 + n) / (1 + df))``.

    Always positive (log 2 when everyone has it), so no profile's vector vanishes, and finite for an
    item outside the population.
    """
    return math.log(1.0 + (1.0 + population) / (1.0 + holders))


def _shares(raw: Sequence[float]) -> list[float]:
    total = sum(raw)
    return [v / total for v in raw] if total > 0 else []
