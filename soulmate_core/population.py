"""What the whole population tells us about any two people.

- Rarity: how many people hold each artist and genre, turned into idf weights.
- A latent taste space: a truncated SVD of the users x (artists + genres) matrix. Two fans of
  different artists that the same people play together land close in it.

Numpy only, so the API bundle computes exactly what the dashboard does. The SVD is exact (the
eigendecomposition of the smaller Gram matrix), and a test checks it against scikit-learn's
``TruncatedSVD``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.profile import TasteProfile
from soulmate_core.weights import idf

Matrix = NDArray[np.float64]

LATENT_DIMS = 256
"""Dimensions kept by the SVD, at most ``LATENT_SHARE`` of the population (fewer generalise better)."""
LATENT_SHARE = 0.3
LATENT_SCALE = 0.5
"""User coordinates are ``U * s**LATENT_SCALE``: between raw (1) and whitened (0) factors."""
GENRE_MIX = 0.3
"""How much a user's genre vector counts beside the artist vector in the latent space."""
NICHE_SHARE = 0.02
"""An artist or genre at most this share of the population (or just two people) holds is niche."""


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
        profiles: Sequence[TasteProfile],
        *,
        rarity: bool = True,
        genres: bool = True,
        dims: int = LATENT_DIMS,
    ) -> Population:
        """Learn rarity and the latent space from ``profiles``. ``rarity``/``genres`` off: ablations."""
        artist_holders: dict[str, int] = {}
        genre_holders: dict[str, int] = {}
        for p in profiles:
            for key in p.artist_weights():
                artist_holders[key] = artist_holders.get(key, 0) + 1
            for key in p.genre_weights:
                genre_holders[key] = genre_holders.get(key, 0) + 1
        vocabulary = {f"a:{k}": i for i, k in enumerate(artist_holders)}
        if genres:
            vocabulary.update({f"g:{k}": len(artist_holders) + i for i, k in enumerate(genre_holders)})
        empty = np.zeros((len(vocabulary), 0))
        shell = cls(len(profiles), artist_holders, genre_holders, vocabulary, empty, rarity, genres)
        rows = dense_rows([shell.taste_vector(p) for p in profiles], vocabulary)
        singular, right = truncated_svd(rows, min(dims, int(LATENT_SHARE * len(profiles))))
        factors = right.T * singular ** (LATENT_SCALE - 1.0) if singular.size else empty
        return cls(len(profiles), artist_holders, genre_holders, vocabulary, factors, rarity, genres)

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

    @property
    def _niche_holders(self) -> float:
        return max(2.0, NICHE_SHARE * self.size)

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


def truncated_svd(matrix: Matrix, dims: int) -> tuple[Matrix, Matrix]:
    """The top ``dims`` singular values and right singular vectors (rows), exactly.

    Uses the eigendecomposition of the smaller Gram matrix; drops numerically-zero directions.
    """
    n, m = matrix.shape
    if n == 0 or m == 0 or dims <= 0:
        return np.zeros(0), np.zeros((0, m))
    gram = matrix @ matrix.T if n <= m else matrix.T @ matrix
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(-values, kind="stable")[:dims]
    values, vectors = values[order], vectors[:, order]
    keep = values > max(float(values[0]), 0.0) * 1e-10
    singular = np.sqrt(values[keep])
    if n <= m:
        right: Matrix = (vectors[:, keep].T @ matrix) / singular[:, None]
    else:
        right = vectors[:, keep].T
    return singular, right


def dense_rows(rows: Sequence[Mapping[str, float]], vocabulary: Mapping[str, int]) -> Matrix:
    """Sparse rows as a dense matrix over ``vocabulary``; keys outside it are dropped."""
    matrix = np.zeros((len(rows), len(vocabulary)))
    for i, row in enumerate(rows):
        for key, value in row.items():
            column = vocabulary.get(key)
            if column is not None:
                matrix[i, column] = value
    return matrix


def unit_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: Matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 1e-12)
    return unit


def _unit(row: Mapping[str, float]) -> dict[str, float]:
    norm = float(np.sqrt(sum(v * v for v in row.values())))
    return {k: v / norm for k, v in row.items()} if norm > 0 else {}
