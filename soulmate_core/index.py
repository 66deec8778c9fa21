"""The match index: every profile as rows of vectors, scored against everyone at once.

Rows are L2-normalised, so one matrix product per component gives every cosine. The blend weights
follow the same availability rules as ``scoring.match``, whose score equals the vectorised one.
Candidates are the discoverable users other than the one asking; the top k are then explained with
the pure ``scoring.match``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.errors import UnknownUserError
from soulmate_core.population import Population, Taste, dense_rows, unit_rows
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import DEFAULT_BLEND, Blend, Match, explain

Matrix = NDArray[np.float32]

_BLOCK = 512  # users scored per block in ``top_k_all``: bounds memory at BLOCK x population


@dataclass(frozen=True)
class MatchIndex:
    profiles: tuple[TasteProfile, ...]
    positions: Mapping[str, int]
    population: Population
    blend: Blend
    tastes: tuple[Taste, ...]
    artists: Matrix
    genres: Matrix
    latent: Matrix
    has_genres: NDArray[np.bool_]
    has_latent: NDArray[np.bool_]
    discoverable: NDArray[np.bool_]

    @classmethod
    def build(
        cls,
        profiles: Sequence[TasteProfile],
        blend: Blend = DEFAULT_BLEND,
        population: Population | None = None,
    ) -> MatchIndex:
        """Index ``profiles``; the population context is learned from them unless given."""
        ordered = tuple(profiles)
        population = population or Population.fit(ordered)
        tastes = tuple(population.taste(p) for p in ordered)
        artist_rows = [t.artists for t in tastes]
        genre_rows = [t.genres for t in tastes]
        latent = np.array([t.latent if t.latent is not None else np.zeros(population.dims) for t in tastes])
        latent = latent.reshape(len(ordered), population.dims)
        return cls(
            profiles=ordered,
            positions={p.user_id: i for i, p in enumerate(ordered)},
            population=population,
            blend=blend,
            tastes=tastes,
            artists=_unit_matrix(artist_rows),
            genres=_unit_matrix(genre_rows),
            latent=latent.astype(np.float32),
            has_genres=np.array([bool(g) for g in genre_rows], dtype=bool),
            has_latent=np.array([t.latent is not None for t in tastes], dtype=bool),
            discoverable=np.array([p.discoverable for p in ordered], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.profiles)

    def component_scores(self, rows: NDArray[np.intp]) -> dict[str, tuple[Matrix, NDArray[np.bool_]]]:
        """Per component: values of the given users (rows) against everyone, and where it applies."""
        everyone = np.ones((len(rows), len(self)), dtype=bool)
        latent = np.clip(self.latent[rows] @ self.latent.T, 0.0, 1.0)
        return {
            "artists": (np.clip(self.artists[rows] @ self.artists.T, 0.0, 1.0), everyone),
            "genres": (self.genres[rows] @ self.genres.T, self.has_genres[rows][:, None] & self.has_genres),
            "latent": (latent, self.has_latent[rows][:, None] & self.has_latent),
        }

    def scores(self, rows: NDArray[np.intp], blend: Blend | None = None) -> Matrix:
        """Scores of the given users (rows) against everyone (columns)."""
        return blend_scores(self.component_scores(rows), blend or self.blend)

    def top_k(self, user_id: str, k: int) -> list[Match]:
        position = self.positions.get(user_id)
        if position is None:
            raise UnknownUserError(user_id)
        rows = np.array([position], dtype=np.intp)
        (best,) = self._best(rows, self.scores(rows), k)
        return self._explain(position, best)

    def top_k_all(self, k: int) -> Iterator[tuple[str, list[Match]]]:
        """(user_id, matches) for every user, best match first, in blocks of rows."""
        for start in range(0, len(self), _BLOCK):
            rows = np.arange(start, min(start + _BLOCK, len(self)), dtype=np.intp)
            for position, best in zip(rows, self._best(rows, self.scores(rows), k), strict=True):
                yield self.profiles[position].user_id, self._explain(int(position), best)

    def candidates(self, rows: NDArray[np.intp], scores: Matrix) -> Matrix:
        """``scores`` with the asking users themselves and hidden users set to -inf."""
        masked: Matrix = np.where(self.discoverable[None, :], scores, -np.inf).astype(np.float32)
        masked[np.arange(len(rows)), rows] = -np.inf
        return masked

    def _best(self, rows: NDArray[np.intp], scores: Matrix, k: int) -> list[NDArray[np.intp]]:
        masked = self.candidates(rows, scores)
        k = min(k, max(len(self) - 1, 0))
        if k <= 0:
            return [np.array([], dtype=np.intp) for _ in rows]
        top = np.argpartition(-masked, k - 1, axis=1)[:, :k]
        out = []
        for i, candidates in enumerate(top):
            candidates = candidates[np.isfinite(masked[i, candidates])]
            order = np.lexsort((candidates, -masked[i, candidates]))
            out.append(candidates[order])
        return out

    def _explain(self, position: int, best: NDArray[np.intp]) -> list[Match]:
        me, mine = self.profiles[position], self.tastes[position]
        return [
            explain(me, self.profiles[j], mine, self.tastes[j], self.population, self.blend)
            for j in best.tolist()
        ]


def blend_scores(components: Mapping[str, tuple[Matrix, NDArray[np.bool_]]], blend: Blend) -> Matrix:
    """The vectorised ``Blend.weights``: each component's weight where it applies, renormalised."""
    total = np.zeros(next(iter(components.values()))[0].shape, dtype=np.float32)
    weighted = np.zeros_like(total)
    for name, (values, applies) in components.items():
        weight = np.where(applies, np.float32(getattr(blend, name)), np.float32(0.0))
        total += weight
        weighted += weight * values
    fallback = total <= 0
    weighted = np.where(fallback, components["artists"][0], weighted)
    scores: Matrix = np.clip(weighted / np.where(fallback, 1.0, total), 0.0, 1.0).astype(np.float32)
    return scores


def _unit_matrix(rows: Sequence[Mapping[str, float]]) -> Matrix:
    vocabulary: dict[str, int] = {}
    for row in rows:
        for key in row:
            vocabulary.setdefault(key, len(vocabulary))
    matrix = dense_rows(rows, vocabulary) if vocabulary else np.zeros((len(rows), 1))
    return unit_rows(matrix).astype(np.float32)
