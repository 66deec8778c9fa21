"""Map what each source measures (ranks, plays, milliseconds) to comparable artist weights.

Every function returns weights in the input order that are positive and sum to 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def rank_weights(count: int) -> list[float]:
    """Weights for a ranked list (Spotify top lists): a gentle, DCG-style decay by rank."""
    raw = [1.0 / math.log2(rank + 2) for rank in range(count)]
    return _shares(raw)


def amount_weights(amounts: Sequence[float]) -> list[float]:
    """Weights from amounts (plays, ms played): log-damped, so one obsession does not drown the rest."""
    raw = [math.log1p(max(a, 0.0)) for a in amounts]
    if not any(raw):
        return rank_weights(len(amounts))
    return _shares(raw)


def _shares(raw: Sequence[float]) -> list[float]:
    total = sum(raw)
    return [v / total for v in raw] if total > 0 else []
