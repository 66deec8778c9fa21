"""The match index: every profile as a row of vectors, scored against everyone at once.

Rows are L2-normalised, so one matrix product gives every cosine. Candidates are the discoverable
users other than the one asking. The top k are then explained with the pure ``scoring.match``,
whose score equals the vectorised one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.errors import UnknownUserError
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import ARTIST_WEIGHT, GENRE_WEIGHT, Match, match

Matrix = NDArray[np.float32]

_BLOCK = 512  # users scored per block in ``top_k_all``: bounds memory at BLOCK x population


@dataclass(frozen=True)
class MatchIndex:
    profiles: tuple[TasteProfile, ...]
    positions: Mapping[str, int]
    artists: Matrix
    genres: Matrix
    has_genres: NDArray[np.bool_]
    discoverable: NDArray[np.bool_]

    @classmethod
    def build(cls, profiles: Sequence[TasteProfile]) -> MatchIndex:
        ordered = tuple(profiles)
        artist_rows = [p.artist_weights() for p in ordered]
        genre_rows = [dict(p.genre_weights) for p in ordered]
        return cls(
            profiles=ordered,
            positions={p.user_id: i for i, p in enumerate(ordered)},
            artists=_normalised_matrix(artist_rows),
            genres=_normalised_matrix(genre_rows),
            has_genres=np.array([bool(g) for g in genre_rows], dtype=bool),
            discoverable=np.array([p.discoverable for p in ordered], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.profiles)

    def scores(self, rows: NDArray[np.intp]) -> Matrix:
        """Scores of the given users (rows) against everyone (columns)."""
        artist_sim = self.artists[rows] @ self.artists.T
        genre_sim = self.genres[rows] @ self.genres.T
        both = self.has_genres[rows][:, None] & self.has_genres[None, :]
        genre_weight = np.where(both, GENRE_WEIGHT, 0.0).astype(np.float32)
        artist_weight = np.where(both, ARTIST_WEIGHT, 1.0).astype(np.float32)
        scores: Matrix = np.clip(artist_weight * artist_sim + genre_weight * genre_sim, 0.0, 1.0)
        return scores

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

    def _best(self, rows: NDArray[np.intp], scores: Matrix, k: int) -> list[NDArray[np.intp]]:
        masked = np.where(self.discoverable[None, :], scores, -np.inf)
        masked[np.arange(len(rows)), rows] = -np.inf
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
        me = self.profiles[position]
        return [match(me, self.profiles[int(j)]) for j in best]


def _normalised_matrix(rows: Sequence[Mapping[str, float]]) -> Matrix:
    vocabulary: dict[str, int] = {}
    for row in rows:
        for key in row:
            vocabulary.setdefault(key, len(vocabulary))
    matrix = np.zeros((len(rows), max(len(vocabulary), 1)), dtype=np.float32)
    for i, row in enumerate(rows):
        for key, value in row.items():
            matrix[i, vocabulary[key]] = value
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    normalised: Matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return normalised
