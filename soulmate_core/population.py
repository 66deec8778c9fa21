"""What the whole population tells us about any two people.

- Rarity: how many people hold each artist and genre, turned into idf weights.
- A latent taste space: a truncated SVD of the users x (artists + genres) matrix. Two fans of
  different artists that the same people play together land close in it.

Numpy only, so the API bundle computes exactly what the dashboard does. The fit is sparse end to
end (``sparse``): exact up to a few thousand listeners, a randomized SVD of a sample above, and
tests check both against scikit-learn's ``TruncatedSVD``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from soulmate_core.profile import TasteProfile
from soulmate_core.rarity import claimed
from soulmate_core.sparse import NUMPY_PRODUCTS, Products, SparseRows, truncated_svd
from soulmate_core.taste_rows import TasteRows
from soulmate_core.weights import idf

Matrix = NDArray[np.float64]

LATENT_DIMS = 128
"""Dimensions kept by the SVD, at most ``LATENT_SHARE`` of the population (fewer generalise better).
128 keeps recall@10 on the dev data within 0.006 of 256 (docs/matching.md) at half the index and
half the work per query."""
LATENT_SHARE = 0.3
LATENT_SCALE = 0.5
"""User coordinates are ``U * s**LATENT_SCALE``: between raw (1) and whitened (0) factors."""
GENRE_MIX = 0.3
"""How much a user's genre vector counts beside the artist vector in the latent space."""
FIT_SAMPLE = 100_000
"""The latent basis is learned from at most this many profiles; more add time, not quality."""
NICHE_SHARE = 0.02
"""An artist or genre at most this share of the population (or just two people) holds is niche;
nothing is, in a population too small for rarity to mean something (``rarity.claimed``)."""


@dataclass(frozen=True, slots=True)
class Taste:
    """One profile as the matcher sees it: computed once, compared with many."""

    artists: Mapping[str, float]
    """Artist key -> weight times rarity."""
    genres: Mapping[str, float]
    names: Mapping[str, str]
    """Artist key -> the name as the profile spells it."""
    latent: NDArray[np.float64] | None
    """Unit latent vector; None without a population or when none of the taste is known to it."""


def plain_taste(profile: TasteProfile) -> Taste:
    """The taste without population context: every artist and genre equally rare, no latent part."""
    return Taste(profile.artist_weights(), dict(profile.genre_weights), profile.artist_names(), None)


@dataclass(frozen=True)
class Population:
    size: int
    artist_holders: Mapping[str, int]
    genre_holders: Mapping[str, int]
    vocabulary: Mapping[str, int]
    """``a:KEY`` / ``g:KEY`` -> row of ``factors``."""
    factors: Matrix
    """(artists + genres) x dims: a user's weighted unit vector times this is their latent vector."""
    rarity: bool = True
    genres: bool = True

    @classmethod
    def fit(
        cls,
        profiles: Iterable[TasteProfile],
        *,
        rarity: bool = True,
        genres: bool = True,
        dims: int = LATENT_DIMS,
    ) -> Population:
        """Learn rarity and the latent space from ``profiles``. ``rarity``/``genres`` off: ablations."""
        return cls.fit_rows(TasteRows.collect(profiles), rarity=rarity, genres=genres, dims=dims)

    @classmethod
    def fit_rows(
        cls,
        rows: TasteRows,
        *,
        rarity: bool = True,
        genres: bool = True,
        dims: int = LATENT_DIMS,
        sample: int = FIT_SAMPLE,
        seed: int = 0,
        products: Products = NUMPY_PRODUCTS,
    ) -> Population:
        """``fit`` from rows already collected. The latent basis is learned from at most ``sample``
        of them, drawn with ``seed``; rarity is counted over all."""
        artist_counts = np.bincount(rows.artists.indices, minlength=len(rows.artist_keys))
        genre_counts = np.bincount(rows.genres.indices, minlength=len(rows.genre_keys))
        vocabulary = {f"a:{k}": i for i, k in enumerate(rows.artist_keys)}
        if genres:
            vocabulary.update({f"g:{k}": len(vocabulary) + i for i, k in enumerate(rows.genre_keys)})
        shell = cls(
            len(rows),
            dict(zip(rows.artist_keys, artist_counts.tolist(), strict=True)),
            dict(zip(rows.genre_keys, genre_counts.tolist(), strict=True)),
            vocabulary,
            np.zeros((len(vocabulary), 0)),
            rarity,
            genres,
        )
        weighted_artists, weighted_genres = shell.weighted_rows(rows)
        if len(rows) > sample:
            picked = np.sort(np.random.default_rng(seed).choice(len(rows), sample, replace=False))
            weighted_artists, weighted_genres = weighted_artists.take(picked), weighted_genres.take(picked)
        taste = shell.taste_matrix_of(weighted_artists, weighted_genres)
        del weighted_artists, weighted_genres
        kept = min(dims, int(LATENT_SHARE * len(taste)))
        singular, right = truncated_svd(taste, kept, seed=seed, products=products)
        factors = right.T * singular ** (LATENT_SCALE - 1.0) if singular.size else shell.factors
        # Rounded to what a snapshot file keeps, so a loaded model scores exactly as a fresh one.
        factors = factors.astype(np.float32).astype(np.float64)
        return replace(shell, factors=factors)

    def taste_matrix(self, rows: TasteRows) -> SparseRows:
        """``taste_vector`` of every row at once, over ``vocabulary``; rows must share its artists
        and genres in order (as the rows the population was fitted on do)."""
        return self.taste_matrix_of(*self.weighted_rows(rows))

    def taste_matrix_of(self, artists: SparseRows, genres: SparseRows) -> SparseRows:
        """``taste_matrix`` from the rows ``weighted_rows`` gave."""
        matrix = artists.unit()
        if self.genres:
            unit_genres = genres.unit()
            matrix = matrix.hstack(unit_genres.with_data(unit_genres.data * GENRE_MIX))
        return matrix

    def weighted_rows(self, rows: TasteRows) -> tuple[SparseRows, SparseRows]:
        """``weighted_artists`` and ``weighted_genres`` of every row at once."""
        artist_idf = self._idf(np.array([self.artist_holders.get(k, 0) for k in rows.artist_keys]))
        genre_idf = self._idf(np.array([self.genre_holders.get(k, 0) for k in rows.genre_keys]))
        artists = rows.artists.with_data(rows.artists.data * artist_idf[rows.artists.indices])
        genres = rows.genres.with_data(rows.genres.data * genre_idf[rows.genres.indices])
        return artists, genres if self.genres else SparseRows.empty(len(rows), 0)

    def _idf(self, holders: NDArray[np.int64]) -> NDArray[np.float64]:
        if not self.rarity:
            return np.ones(len(holders))
        return np.log1p((1.0 + self.size) / (1.0 + holders.astype(np.float64)))

    @cached_property
    def artist_columns(self) -> dict[str, int]:
        """Artist key -> its column in snapshot rows (the order of ``artist_holders``)."""
        return {key: i for i, key in enumerate(self.artist_holders)}

    @cached_property
    def genre_columns(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.genre_holders)} if self.genres else {}

    @cached_property
    def artist_keys(self) -> tuple[str, ...]:
        return tuple(self.artist_holders)

    @cached_property
    def genre_keys(self) -> tuple[str, ...]:
        return tuple(self.genre_holders)

    @cached_property
    def artist_key_order(self) -> NDArray[np.intp]:
        """Each artist column's place when the keys are sorted."""
        return _places(self.artist_keys)

    @cached_property
    def genre_key_order(self) -> NDArray[np.intp]:
        return _places(self.genre_keys)

    @cached_property
    def genre_idf_by_column(self) -> NDArray[np.float64]:
        return self._idf(np.array(list(self.genre_holders.values()), dtype=np.int64))

    @cached_property
    def factors32(self) -> NDArray[np.float32]:
        """``factors`` hold single-precision values (see ``fit_rows``): half the bytes to gather.
        What a snapshot's latent vectors are projected with, every listener at once."""
        return self.factors.astype(np.float32)

    @property
    def dims(self) -> int:
        return int(self.factors.shape[1])

    def artist_idf(self, key: str) -> float:
        return idf(self.artist_holders.get(key, 0), self.size) if self.rarity else 1.0

    def genre_idf(self, key: str) -> float:
        return idf(self.genre_holders.get(key, 0), self.size) if self.rarity else 1.0

    def weighted_artists(self, profile: TasteProfile) -> dict[str, float]:
        return {k: w * self.artist_idf(k) for k, w in profile.artist_weights().items()}

    def weighted_genres(self, profile: TasteProfile) -> dict[str, float]:
        if not self.genres:
            return {}
        return {k: w * self.genre_idf(k) for k, w in profile.genre_weights.items()}

    def is_niche_artist(self, key: str) -> bool:
        return 0 < self.artist_holders.get(key, 0) <= self._niche_holders

    def is_niche_genre(self, key: str) -> bool:
        return 0 < self.genre_holders.get(key, 0) <= self._niche_holders

    @cached_property
    def _niche_holders(self) -> float:
        return max(2.0, NICHE_SHARE * self.size) if claimed(self.size) else 0.0

    def taste(self, profile: TasteProfile) -> Taste:
        artists = self.weighted_artists(profile)
        genres = self.weighted_genres(profile)
        latent = self._latent(self._taste_vector(artists, genres))
        return Taste(artists, genres, profile.artist_names(), latent if latent.any() else None)

    def taste_vector(self, profile: TasteProfile) -> dict[str, float]:
        """The sparse row the latent space is learned from: unit artists, plus ``GENRE_MIX`` x genres."""
        return self._taste_vector(self.weighted_artists(profile), self.weighted_genres(profile))

    def _taste_vector(self, artists: Mapping[str, float], genres: Mapping[str, float]) -> dict[str, float]:
        row = {f"a:{k}": v for k, v in _unit(artists).items()}
        row.update({f"g:{k}": GENRE_MIX * v for k, v in _unit(genres).items()})
        return row

    def _latent(self, row: Mapping[str, float]) -> NDArray[np.float64]:
        known = [(self.vocabulary[k], v) for k, v in row.items() if k in self.vocabulary]
        if not known or self.dims == 0:
            return np.zeros(self.dims)
        columns, values = zip(*known, strict=True)
        vector: NDArray[np.float64] = np.asarray(values) @ self.factors[list(columns)]
        unit: NDArray[np.float64] = unit_rows(vector[None, :])[0]
        return unit


def _places(keys: Sequence[str]) -> NDArray[np.intp]:
    places = np.empty(len(keys), dtype=np.intp)
    places[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return places


def dense_rows(rows: Sequence[Mapping[str, float]], vocabulary: Mapping[str, int]) -> Matrix:
    """Sparse rows as a dense matrix over ``vocabulary``; keys outside it are dropped."""
    matrix = np.zeros((len(rows), len(vocabulary)))
    for i, row in enumerate(rows):
        for key, value in row.items():
            column = vocabulary.get(key)
            if column is not None:
                matrix[i, column] = value
    return matrix


def unit_known(weights: Mapping[str, float], columns: Mapping[str, int]) -> dict[int, float]:
    """The unit vector of ``weights`` on the known columns; unknown keys count towards the
    length, as they do in the exact cosine."""
    norm = float(np.sqrt(sum(v * v for v in weights.values())))
    if norm == 0:
        return {}
    return {columns[k]: v / norm for k, v in weights.items() if k in columns}


def unit_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: Matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 1e-12)
    return unit


def _unit(row: Mapping[str, float]) -> dict[str, float]:
    norm = float(np.sqrt(sum(v * v for v in row.values())))
    return {k: v / norm for k, v in row.items()} if norm > 0 else {}
