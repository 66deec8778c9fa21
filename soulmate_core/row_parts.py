"""A match explained from snapshot rows, without reading the other person's stored profile.

The rows hold each listener's unit rarity-weighted artists and genres. One side of every shared
artist is the asking user's own, so names come from their profile; genre shares are the unit row
divided by rarity, renormalised; the unit latent vector is kept too. So ``scoring.assemble`` gets
the same ``Parts`` that ``scoring.explain`` computes, to the half precision the rows keep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.population import Population, Taste
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import DEFAULT_BLEND, SHOWN_SHARED, Blend, Match, Parts, assemble, weighted_jaccard
from soulmate_core.snapshot import Rows
from soulmate_core.sparse import SparseRows


@dataclass(frozen=True)
class _Named:
    user_id: str
    display_name: str


class RowExplainer:
    """Explains matches of one asking user against rows of a snapshot."""

    def __init__(self, me: TasteProfile, taste: Taste, population: Population, blend: Blend = DEFAULT_BLEND):
        self.me, self.taste, self.population, self.blend = me, taste, population, blend
        self._artists = _Mine.of(taste.artists, population.artist_columns, population.artist_keys)
        self._genres = _Mine.of(taste.genres, population.genre_columns, population.genre_keys)
        self._genre_shares = np.zeros(len(population.genre_keys))
        for key, share in me.genre_weights.items():
            if key in population.genre_columns:
                self._genre_shares[population.genre_columns[key]] = share

    def explain(self, rows: Rows, picked: NDArray[np.intp]) -> list[Match]:
        latent = self._latent(rows, picked)
        return [
            assemble(
                self.me.user_id,
                _Named(rows.user_ids[i], rows.display_names[i]),
                self._parts(rows, int(i), latent[n]),
                self.taste.names,
                self.population,
                self.blend,
            )
            for n, i in enumerate(picked.tolist())
        ]

    def _parts(self, rows: Rows, i: int, latent: float | None) -> Parts:
        artist_value, artist_parts, artist_count = self._artists.shared(rows.artists, i)
        genre_value, genre_parts, genre_count = self._genres.shared(rows.genres, i)
        genres = bool(self.taste.genres) and bool(rows.has_genres[i])
        return Parts(
            artist_value,
            artist_parts,
            genre_value if genres else None,
            genre_parts,
            latent,
            self._overlap(rows, i) if genres else 0.0,
            artist_count,
            genre_count,
        )

    def _latent(self, rows: Rows, picked: NDArray[np.intp]) -> list[float | None]:
        mine = self.taste.latent
        if mine is None or self.population.dims == 0:
            return [None] * len(picked)
        values = rows.latent[picked] @ mine.astype(np.float32)
        known: list[bool] = rows.has_latent[picked].tolist()
        return [min(1.0, max(0.0, float(v))) if k else None for v, k in zip(values, known, strict=True)]

    def _overlap(self, rows: Rows, i: int) -> float:
        """``scoring.overlap`` of the genre shares: theirs are the unit row over rarity, renormalised."""
        start, end = rows.genres.indptr[i], rows.genres.indptr[i + 1]
        columns = rows.genres.indices[start:end]
        raw = rows.genres.data[start:end] / self.population.genre_idf_by_column[columns]
        total = float(raw.sum())
        if not total:
            return 0.0
        return weighted_jaccard(float(np.minimum(self._genre_shares[columns], raw / total).sum()))


@dataclass(frozen=True)
class _Mine:
    """The asking user's unit row laid over the model's columns, and which columns they hold."""

    values: NDArray[np.float64]
    held: NDArray[np.bool_]
    keys: Sequence[str]

    @classmethod
    def of(cls, weights: Mapping[str, float], columns: Mapping[str, int], keys: Sequence[str]) -> _Mine:
        values, held = np.zeros(len(keys)), np.zeros(len(keys), dtype=bool)
        norm = float(np.sqrt(sum(v * v for v in weights.values())))
        for key, value in weights.items():
            if norm and key in columns:
                values[columns[key]], held[columns[key]] = value / norm, True
        return cls(values, held, keys)

    def shared(self, rows: SparseRows, i: int) -> tuple[float, list[tuple[str, float]], int]:
        """With row ``i``: the cosine, the ``SHOWN_SHARED`` largest shared keys' shares of it
        (largest first, ties by key), and how many keys they share."""
        start, end = rows.indptr[i], rows.indptr[i + 1]
        columns = rows.indices[start:end]
        both = self.held[columns]
        columns = columns[both]
        parts = self.values[columns] * rows.data[start:end][both]
        if len(parts) > SHOWN_SHARED:  # the largest, and any tied with the last of them
            bar = np.partition(parts, len(parts) - SHOWN_SHARED)[len(parts) - SHOWN_SHARED]
            top = parts >= bar
            columns, shown = columns[top], parts[top]
        else:
            shown = parts
        named = sorted(
            zip((self.keys[c] for c in columns.tolist()), shown.tolist(), strict=True),
            key=lambda kv: (-kv[1], kv[0]),
        )
        return min(1.0, float(parts.sum())), named[:SHOWN_SHARED], len(parts)
