"""The latent part of a score, explained by pairs of related artists.

A listener's latent vector is the unit sum of their taste vector's projections: each artist's
(and genre's) weight times its row of the model's factors. So the latent part of a match, the
cosine of two such vectors, splits exactly into one term per pair of keys, one from each side:
``x_i . y_j / (|x| |y|)``. A pair of different artists with a large term is what the dashboard
says as "you play Bon Iver, they play Fleet Foxes, and people who play one often play the other".
Pairs where either artist is shared are left to the shared artists; genres are never named here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.population import GENRE_MIX, Population, unit_known

RELATED_SHOWN = 3
"""Related pairs a match names: the largest terms, each artist in at most one of them."""
CONSIDERED = 40
"""Each side's heaviest artists among which the pairs are looked for."""


@dataclass(frozen=True)
class Side:
    """One listener's taste as the latent part sees it."""

    held: NDArray[np.intp]
    """Every artist column they hold, sorted."""
    scaled: NDArray[np.float64]
    """The weight of each of ``held`` over the length of the whole projected taste."""
    columns: NDArray[np.intp]
    """Their ``CONSIDERED`` heaviest artists' columns, heaviest first."""
    parts: NDArray[np.float64]
    """(len(columns), dims): those artists' projections over the length of the whole projected
    taste, so that the terms of two sides over every key would sum to their latent cosine."""

    @classmethod
    def of(
        cls,
        population: Population,
        artists: tuple[NDArray[np.intp], NDArray[np.floating]],
        genres: tuple[NDArray[np.intp], NDArray[np.floating]],
        length: float | None = None,
    ) -> Side:
        """From unit artist and genre rows as (columns, values), as a snapshot keeps them, and
        the length of their projection when it is known (``Rows.length``)."""
        factors = population.factors
        artist_columns, artist_values = artists
        if length is None:
            length = projected_length(population, artists, genres)
        heaviest = np.argsort(-artist_values, kind="stable")[:CONSIDERED]
        columns = artist_columns[heaviest]
        scaled = artist_values.astype(np.float64) / length if length > 1e-12 else np.zeros(len(artist_values))
        parts: NDArray[np.float64] = scaled[heaviest, None] * factors[columns]
        order = np.argsort(artist_columns, kind="stable")
        return cls(artist_columns[order], scaled[order], columns, parts)

    @classmethod
    def of_weights(
        cls, population: Population, artists: Mapping[str, float], genres: Mapping[str, float]
    ) -> Side:
        """From a taste's rarity-weighted artists and genres (``Population.taste``)."""
        return cls.of(
            population,
            unit_columns(artists, population.artist_columns),
            unit_columns(genres, population.genre_columns),
        )


def projected_length(
    population: Population,
    artists: tuple[NDArray[np.intp], NDArray[np.floating]],
    genres: tuple[NDArray[np.intp], NDArray[np.floating]],
) -> float:
    """The length of a taste's projection on the model's factors, before it is made unit: what
    each key's term is divided by."""
    factors, width = population.factors, len(population.artist_keys)
    (artist_columns, artist_values), (genre_columns, genre_values) = artists, genres
    whole = artist_values.astype(np.float64) @ factors[artist_columns]
    if population.genres and len(genre_columns):
        whole = whole + (GENRE_MIX * genre_values.astype(np.float64)) @ factors[width + genre_columns]
    return float(np.linalg.norm(whole))


def terms(mine: Side, theirs: Side) -> NDArray[np.float64]:
    """The latent cosine's term of every pair of considered artists, mine by row."""
    found: NDArray[np.float64] = mine.parts @ theirs.parts.T
    return found


def through_shared(mine: Side, theirs: Side, population: Population) -> float:
    """The part of the latent cosine made of the artists both hold: each one's term with itself."""
    common, i, j = np.intersect1d(mine.held, theirs.held, assume_unique=True, return_indices=True)
    factors = population.factors[common]
    return float(np.sum(mine.scaled[i] * theirs.scaled[j] * np.einsum("ij,ij->i", factors, factors)))


def related_pairs(
    mine: Side, theirs: Side, my_name: Callable[[int], str], their_name: Callable[[int], str]
) -> list[tuple[str, str, float]]:
    """(my artist, their artist, the pair's term of the latent cosine), largest first: at most
    ``RELATED_SHOWN`` pairs with a positive term, of two different artists neither of whom both
    hold, each artist in one pair at most."""
    found_terms = terms(mine, theirs)
    found_terms[_held_by(mine.columns, theirs.held), :] = 0.0
    found_terms[:, _held_by(theirs.columns, mine.held)] = 0.0
    found: list[tuple[str, str, float]] = []
    used_mine: set[int] = set()
    used_theirs: set[int] = set()
    for flat in _largest(found_terms.ravel(), RELATED_SHOWN * 2 * CONSIDERED).tolist():
        i, j = divmod(flat, found_terms.shape[1])
        if found_terms[i, j] <= 0 or len(found) == RELATED_SHOWN:
            break
        if i in used_mine or j in used_theirs:
            continue
        used_mine.add(i)
        used_theirs.add(j)
        term = float(found_terms[i, j])
        found.append((my_name(int(mine.columns[i])), their_name(int(theirs.columns[j])), term))
    return found


def _largest(values: NDArray[np.float64], count: int) -> NDArray[np.intp]:
    """Positions of the ``count`` largest ``values``, largest first, ties by position. The greedy
    pick above never looks further: each pair it takes rules out at most ``2 * CONSIDERED``
    others."""
    picked = np.argpartition(-values, count - 1)[:count] if len(values) > count else np.arange(len(values))
    return picked[np.lexsort((picked, -values[picked]))]


def _held_by(columns: NDArray[np.intp], held: NDArray[np.intp]) -> NDArray[np.bool_]:
    """Which of ``columns`` are in ``held`` (sorted)."""
    at = np.minimum(np.searchsorted(held, columns), max(len(held) - 1, 0))
    return held[at] == columns if len(held) else np.zeros(len(columns), dtype=bool)


def unit_columns(
    weights: Mapping[str, float], columns: Mapping[str, int]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """``unit_known`` as (columns, values)."""
    return as_columns(unit_known(weights, columns))


def as_columns(known: Mapping[int, float]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """A row of column -> value (``unit_known``'s) as (columns, values)."""
    return np.fromiter(known.keys(), dtype=np.intp, count=len(known)), np.fromiter(
        known.values(), dtype=np.float64, count=len(known)
    )
