"""A match explained from snapshot rows, without reading the other person's stored profile.

The rows hold each listener's unit rarity-weighted artists and genres. One side of every shared
artist is the asking user's own, so names come from their profile; genre shares are the unit row
divided by rarity, renormalised; the unit latent vector is kept in single precision. So
``scoring.assemble`` gets the same ``Parts`` that ``scoring.explain`` computes, to single precision.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.population import Population, Taste
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import DEFAULT_BLEND, Blend, Match, Parts, assemble, overlap
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
        self._artists = _unit_by_column(taste.artists, population.artist_columns)
        self._genres = _unit_by_column(taste.genres, population.genre_columns)

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
        artist_value, artist_parts = _shared(self._artists, rows.artists, i)
        genre_value, genre_parts = _shared(self._genres, rows.genres, i)
        genres = bool(self.taste.genres) and bool(rows.has_genres[i])
        return Parts(
            artist_value,
            artist_parts,
            genre_value if genres else None,
            genre_parts,
            latent,
            overlap(self.me.genre_weights, self._genre_shares(rows, i)) if genres else 0.0,
        )

    def _latent(self, rows: Rows, picked: NDArray[np.intp]) -> list[float | None]:
        mine = self.taste.latent
        if mine is None or self.population.dims == 0:
            return [None] * len(picked)
        values = rows.latent[picked] @ mine.astype(np.float32)
        known: list[bool] = rows.has_latent[picked].tolist()
        return [min(1.0, max(0.0, float(v))) if k else None for v, k in zip(values, known, strict=True)]

    def _genre_shares(self, rows: Rows, i: int) -> dict[str, float]:
        start, end = rows.genres.indptr[i], rows.genres.indptr[i + 1]
        columns = rows.genres.indices[start:end]
        raw = rows.genres.data[start:end] / self.population.genre_idf_by_column[columns]
        total = float(raw.sum())
        keys = self.population.genre_keys
        return (
            {keys[c]: float(v) / total for c, v in zip(columns.tolist(), raw, strict=True)} if total else {}
        )


def _unit_by_column(weights: Mapping[str, float], columns: Mapping[str, int]) -> dict[int, tuple[str, float]]:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    if norm == 0:
        return {}
    return {columns[k]: (k, v / norm) for k, v in weights.items() if k in columns}


def _shared(
    mine: dict[int, tuple[str, float]], rows: SparseRows, i: int
) -> tuple[float, list[tuple[str, float]]]:
    start, end = rows.indptr[i], rows.indptr[i + 1]
    parts = [
        (mine[c][0], mine[c][1] * float(v))
        for c, v in zip(rows.indices[start:end].tolist(), rows.data[start:end].tolist(), strict=True)
        if c in mine
    ]
    parts.sort(key=lambda kv: (-kv[1], kv[0]))
    return min(1.0, math.fsum(p for _, p in parts)), parts
