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
from soulmate_core.related import Side, related_pairs, through_shared
from soulmate_core.scoring import DEFAULT_BLEND, SHOWN_SHARED, Blend, Match, Parts, assemble, weighted_jaccard
from soulmate_core.snapshot import Rows
from soulmate_core.sparse import SparseRows


@dataclass(frozen=True)
class _Named:
    user_id: str
    display_name: str


class RowExplainer:
    """Explains matches of one asking user against rows of a snapshot."""

    def __init__(
        self,
        me: TasteProfile,
        taste: Taste,
        population: Population,
        artist_names: Sequence[str],
        blend: Blend = DEFAULT_BLEND,
    ):
        """``artist_names``: each artist column's name (``Snapshot.artist_names``), for the other
        side of related pairs."""
        self.me, self.taste, self.population, self.blend = me, taste, population, blend
        self.artist_names = artist_names
        self._artists = _Mine.of(
            taste.artists, population.artist_columns, population.artist_keys, population.artist_key_order
        )
        self._genres = _Mine.of(
            taste.genres, population.genre_columns, population.genre_keys, population.genre_key_order
        )
        self._genre_shares = np.zeros(len(population.genre_keys))
        for key, share in me.genre_weights.items():
            if key in population.genre_columns:
                self._genre_shares[population.genre_columns[key]] = share

    def explain(self, rows: Rows, picked: NDArray[np.intp]) -> list[Match]:
        """The matches with rows ``picked``, in that order; each part computed for all of them at once."""
        artists, genres = rows.artists.take(picked), rows.genres.take(picked)
        artist_values, artist_parts, artist_counts = self._artists.shared(artists)
        genre_values, genre_parts, genre_counts = self._genres.shared(genres)
        overlaps = self._overlaps(genres)
        with_genres = (rows.has_genres[picked] & bool(self.taste.genres)).tolist()
        latent = self._latent(rows, picked)
        related, through = self._related(
            artists, genres, rows.length[picked].tolist(), [value is not None for value in latent]
        )
        return [
            assemble(
                self.me.user_id,
                _Named(rows.user_ids[i], rows.display_names[i]),
                Parts(
                    artist_values[n],
                    artist_parts[n],
                    genre_values[n] if with_genres[n] else None,
                    genre_parts[n],
                    latent[n],
                    overlaps[n] if with_genres[n] else 0.0,
                    artist_counts[n],
                    genre_counts[n],
                    related[n],
                    through[n],
                ),
                self.taste.names,
                self.population,
                self.blend,
            )
            for n, i in enumerate(picked.tolist())
        ]

    def _latent(self, rows: Rows, picked: NDArray[np.intp]) -> list[float | None]:
        mine = self.taste.latent
        if mine is None or self.population.dims == 0:
            return [None] * len(picked)
        values = rows.latent[picked] @ mine.astype(np.float32)
        known: list[bool] = rows.has_latent[picked].tolist()
        return [min(1.0, max(0.0, float(v))) if k else None for v, k in zip(values, known, strict=True)]

    def _related(
        self, artists: SparseRows, genres: SparseRows, lengths: list[float], with_latent: list[bool]
    ) -> tuple[list[list[tuple[str, str, float]]], list[float]]:
        """Per row: its related pairs with me, and the latent part made of the artists we share."""
        pairs: list[list[tuple[str, str, float]]] = [[] for _ in with_latent]
        through = [0.0] * len(with_latent)
        if not any(with_latent):
            return pairs, through
        keys, names = self.population.artist_keys, self.taste.names
        mine = Side.of_weights(self.population, self.taste.artists, self.taste.genres)
        for n, known in enumerate(with_latent):
            if known:
                theirs = Side.of(self.population, _row(artists, n), _row(genres, n), lengths[n])
                pairs[n] = related_pairs(
                    mine,
                    theirs,
                    lambda column: names.get(keys[column], keys[column]),
                    self.artist_names.__getitem__,
                )
                through[n] = through_shared(mine, theirs, self.population)
        return pairs, through

    def _overlaps(self, genres: SparseRows) -> list[float]:
        """``scoring.overlap`` of the genre shares, per row: theirs are the unit row over rarity,
        renormalised."""
        owner = genres.row_of
        raw = genres.data / self.population.genre_idf_by_column[genres.indices]
        total = np.bincount(owner, weights=raw, minlength=len(genres))
        shares = raw / np.where(total > 0, total, 1.0)[owner]
        common = np.bincount(
            owner, weights=np.minimum(self._genre_shares[genres.indices], shares), minlength=len(genres)
        )
        return [
            weighted_jaccard(c) if t else 0.0 for c, t in zip(common.tolist(), total.tolist(), strict=True)
        ]


def _row(rows: SparseRows, n: int) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    start, end = rows.indptr[n], rows.indptr[n + 1]
    return rows.indices[start:end].astype(np.intp), rows.data[start:end]


@dataclass(frozen=True)
class _Mine:
    """The asking user's unit row laid over the model's columns, and which columns they hold."""

    values: NDArray[np.float64]
    held: NDArray[np.bool_]
    keys: Sequence[str]
    key_order: NDArray[np.intp]
    """Each column's place in the keys' sorted order: ties between equal shares go by key."""

    @classmethod
    def of(
        cls,
        weights: Mapping[str, float],
        columns: Mapping[str, int],
        keys: Sequence[str],
        key_order: NDArray[np.intp],
    ) -> _Mine:
        values, held = np.zeros(len(keys)), np.zeros(len(keys), dtype=bool)
        norm = float(np.sqrt(sum(v * v for v in weights.values())))
        for key, value in weights.items():
            if norm and key in columns:
                values[columns[key]], held[columns[key]] = value / norm, True
        return cls(values, held, keys, key_order)

    def shared(self, rows: SparseRows) -> tuple[list[float], list[list[tuple[str, float]]], list[int]]:
        """Per row: the cosine with it, the ``SHOWN_SHARED`` largest shared keys' shares of it
        (largest first, ties by key), and how many keys they share."""
        owner, columns = rows.row_of, rows.indices
        both = self.held[columns]
        owner, columns = owner[both], columns[both]
        parts = self.values[columns] * rows.data[both]
        count = len(rows)
        order = np.lexsort((self.key_order[columns], -parts, owner))
        first = np.searchsorted(owner[order], np.arange(count))
        kept = order[np.arange(len(order)) - first[owner[order]] < SHOWN_SHARED]
        named: list[list[tuple[str, float]]] = [[] for _ in range(count)]
        for row, column, part in zip(
            owner[kept].tolist(), columns[kept].tolist(), parts[kept].tolist(), strict=True
        ):
            named[row].append((self.keys[column], part))
        sums = np.bincount(owner, weights=parts, minlength=count)
        return np.minimum(sums, 1.0).tolist(), named, np.bincount(owner, minlength=count).tolist()
