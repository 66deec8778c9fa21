"""Choosing the blend weights by cross-validation over users, with friendships as the only labels.

Rarity and the latent space are unsupervised (learned from listening alone), so they are fitted on
everyone; only the blend weights see friendships. Each fold picks the blend with the best mean
recall@k on the other folds' users and is scored on its own users.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.evaluation import per_user_metrics
from soulmate_core.index import MatchIndex, blend_scores
from soulmate_core.scoring import Blend


@dataclass(frozen=True, slots=True)
class SweepPoint:
    blend: Blend
    recall: NDArray[np.float64]
    """Per user with a friend, in index order."""


@dataclass(frozen=True, slots=True)
class CrossValidation:
    chosen: tuple[Blend, ...]
    """The blend each fold chose on its training users."""
    held_out: tuple[float, ...]
    """Each fold's recall@k on its own users, with the blend it chose."""
    best: Blend
    """The blend with the best mean recall over all users."""


def blend_grid(step: float = 0.1) -> list[Blend]:
    """Every blend on the simplex at ``step`` resolution with a non-zero artist weight."""
    parts = round(1 / step)
    return [
        Blend(artists=a * step, genres=g * step, latent=(parts - a - g) * step)
        for a in range(1, parts + 1)
        for g in range(parts + 1 - a)
    ]


def sweep(
    index: MatchIndex, friends: Mapping[str, set[str]], blends: Sequence[Blend], k: int = 10
) -> list[SweepPoint]:
    """Per-user recall@k of each blend; the component scores are computed once."""
    everyone = np.arange(len(index), dtype=np.intp)
    components = index.component_scores(everyone)
    points = []
    for blend in blends:

        def scorer(rows: NDArray[np.intp], blend: Blend = blend) -> NDArray[np.float32]:
            return blend_scores({n: (v[rows], a[rows]) for n, (v, a) in components.items()}, blend)

        recall, _, _ = per_user_metrics(index, scorer, friends, k)
        points.append(SweepPoint(blend, recall))
    return points


def cross_validate(points: Sequence[SweepPoint], folds: int = 5, seed: int = 0) -> CrossValidation:
    """K-fold over users: pick on the training folds, report on the held-out fold."""
    users = points[0].recall.size
    fold_of = np.random.default_rng(seed).permutation(users) % folds
    table = np.array([p.recall for p in points])
    chosen, held_out = [], []
    for fold in range(folds):
        train, test = fold_of != fold, fold_of == fold
        pick = int(np.argmax(table[:, train].mean(axis=1)))
        chosen.append(points[pick].blend)
        held_out.append(float(table[pick, test].mean()))
    best = points[int(np.argmax(table.mean(axis=1)))].blend
    return CrossValidation(tuple(chosen), tuple(held_out), best)
