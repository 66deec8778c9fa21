"""What a score means here: how it ranks among the scores of pairs of listeners in this population.

A score of 0.4 can be the best match a listener has or an ordinary one, depending on who is here.
The snapshot build scores a sample of listeners against a sample of everyone (``ScoreSpread.sample``)
and keeps the spread; a match then says "closer than 97% of pairs of listeners here" and a word.
Among fewer listeners than rarity needs (``rarity.MIN_LISTENERS``) a percentile is chance, so none
is kept and a match says nothing of the kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.rarity import claimed

KEPT = 1001
"""Quantiles kept of the sampled scores."""
ASKERS = 200
OTHERS = 2000

WORDS = ((99.0, "a rare match"), (95.0, "very close"), (80.0, "close"), (50.0, "some common ground"))
"""(percentile from which, word), highest first; below the last: ``FAR``."""
FAR = "far apart"


@dataclass(frozen=True)
class ScoreSpread:
    quantiles: NDArray[np.float32]
    """``KEPT`` ascending quantiles of the sampled pair scores; empty when there were no pairs."""

    @classmethod
    def sample(
        cls,
        size: int,
        score: Callable[[int, NDArray[np.intp]], NDArray[np.float32]],
        seed: int,
    ) -> ScoreSpread:
        """Spread of ``score(asker, others)`` (the blended score of row ``asker`` against rows
        ``others``) over ``ASKERS`` rows drawn from ``size``, each against ``OTHERS`` others;
        nothing among too few listeners to place a score."""
        if not claimed(size):
            return cls(np.zeros(0, dtype=np.float32))
        random = np.random.default_rng(seed)
        scores: list[NDArray[np.float32]] = []
        for asker in random.choice(size, min(size, ASKERS), replace=False).tolist():
            others = random.choice(size, min(size, OTHERS), replace=False)
            scores.append(score(asker, others[others != asker]))
        found = np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32)
        if not len(found):
            return cls(np.zeros(0, dtype=np.float32))
        return cls(np.quantile(found, np.linspace(0.0, 1.0, KEPT)).astype(np.float32))

    def percentile(self, score: float) -> float | None:
        """The share of sampled pairs (0–100) that scored below ``score``; None without a sample."""
        if not len(self.quantiles):
            return None
        below = int(np.searchsorted(self.quantiles, np.float32(score), side="left"))
        return 100.0 * below / len(self.quantiles)


def word_for(percentile: float) -> str:
    """A plain word for a match at ``percentile``."""
    return next((word for lowest, word in WORDS if percentile >= lowest), FAR)
