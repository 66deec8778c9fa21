"""The invented world behind ``synthetic``: artists, genres and the taste clusters listeners fall into.

- 100,000 artists with made-up names. Artist number ``k`` (from 0) is heard in proportion to
  ``1 / (k + 1)`` (Zipf), so number 0 is the most popular.
- 3,000 genres, each a style word and a kind of music ("velvet techno"), popular in a power law too.
  An artist has 1 to 5 genres (one is most common): a first one, and neighbours of it that share its
  kind of music or its style word. A tenth of artists have none.
- 300 taste clusters. Each prefers a handful of neighbouring genres: its pool is a few hundred
  artists, mostly of those genres (first genres count double) and rather popular, plus some
  favourites from anywhere; each cluster likes its pool in its own proportions. Some clusters
  have many more listeners than others.

Everything comes from numpy's generator seeded with the seed alone, so the same seed is always the
same world; ``catalogue(seed)`` builds it once per seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]

ARTISTS = 100_000
CLUSTERS = 300
GENRELESS_SHARE = 0.1
GENRE_COUNT_SHARES = (0.45, 0.25, 0.15, 0.1, 0.05)  # 1, 2, ... 5 genres, for artists with any
POOL_SIZES = (300, 800)  # a cluster's preferred artists, lowest and highest; more than a listener has
POOL_FROM_ANYWHERE = 0.1  # the share of a pool that ignores the cluster's genres
CLUSTER_GENRES = (4, 12)  # a cluster's preferred genres, lowest and highest

# Genre names are a style word and a kind of music; genre_family knows every kind.
# fmt: off
_STYLES: tuple[str, ...] = (
    "dark", "dream", "acid", "lo-fi", "deep", "cosmic", "golden", "noise", "slow", "minimal",
    "progressive", "psychedelic", "chamber", "desert", "tropical", "nordic", "coastal", "midnight",
    "glitch", "velvet", "analog", "broken", "future", "space", "swamp", "harbour", "urban", "rustic",
    "twilight", "crystal", "electric", "acoustic", "liquid", "heavy", "soft", "wired", "sunset",
    "mountain", "city", "bedroom", "cathedral", "warehouse", "cloud", "hyper", "retro", "raw", "lunar",
    "solar", "ritual", "northern", "southern", "island", "mellow", "jangle", "shimmer", "ember", "neon",
    "paper", "silver", "wild",
)
_KINDS: tuple[str, ...] = (
    "pop", "rock", "jazz", "folk", "techno", "house", "soul", "funk", "metal", "punk", "blues",
    "hip hop", "rap", "country", "reggae", "trance", "ambient", "dub", "reggaeton", "r&b", "electro",
    "grunge", "swing", "bossa", "cumbia", "salsa", "dubstep", "downtempo", "hardcore", "emo",
    "shoegaze", "post-rock", "americana", "opera", "chillout", "idm", "big beat", "drum and bass",
    "bop", "motown", "latin", "britpop", "indie", "alternative", "classical", "singer-songwriter",
    "bachata", "bolero", "corridos", "uk garage",
)
# fmt: on
GENRES = len(_STYLES) * len(_KINDS)

_SYLLABLES = tuple(onset + vowel for onset in "bdfghklmnprstvz" for vowel in "aeiou")
_ENDINGS = ("", "n", "r", "s", "l", "x", "th", "nd")
WORDS = len(_SYLLABLES) ** 2 * len(_ENDINGS)  # two syllables and an ending: "Kalon"
_LONG_WORDS = len(_SYLLABLES) ** 3 * len(_ENDINGS)  # three: "Kalovir"
_ONE_WORD_SHARE = 0.15  # of artist names; the rest are two words, "Kalon Virex"
_NEVER = 1e300  # the scale of a place past the end of a pool: never drawn before a real artist


def word(code: int, syllables: int = 2) -> str:
    """A made-up capitalised word; different codes below the word count give different words."""
    code, ending = divmod(code, len(_ENDINGS))
    parts = []
    for _ in range(syllables):
        code, syllable = divmod(code, len(_SYLLABLES))
        parts.append(_SYLLABLES[syllable])
    return ("".join(parts) + _ENDINGS[ending]).capitalize()


@dataclass(frozen=True)
class Catalogue:
    names: ObjectArray  # str by artist number, most popular first
    genres: ObjectArray  # by artist number: a tuple of its genre names, first genre first
    popularity: FloatArray  # by artist number, sums to 1
    genre_names: ObjectArray  # str by genre number
    genre_order: IntArray  # genre number -> its place in alphabetical order
    genre_start: IntArray  # artist a's genre numbers are genre_flat[genre_start[a]:genre_start[a + 1]]
    genre_flat: IntArray
    cluster_share: FloatArray  # how many listeners each cluster has, sums to 1
    cluster_label: tuple[str, ...]  # each cluster's main genre
    pool: IntArray  # clusters x POOL_SIZES[1]: artist numbers, -1 past the pool's end
    pool_scale: FloatArray  # 1 / how much the cluster likes each pool artist; huge past the end


@lru_cache(maxsize=2)
def catalogue(seed: int) -> Catalogue:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    names = _artist_names(rng)
    popularity = _power_law(ARTISTS, 1.0)
    genre_names = tuple(f"{style} {kind}" for style in _STYLES for kind in _KINDS)
    genre_popularity = _power_law(GENRES, 0.9)[rng.permutation(GENRES)]
    counts = np.where(
        rng.random(ARTISTS) < GENRELESS_SHARE,
        0,
        rng.choice(len(GENRE_COUNT_SHARES), ARTISTS, p=GENRE_COUNT_SHARES) + 1,
    )
    drawn = _neighbours(rng, rng.choice(GENRES, ARTISTS, p=genre_popularity), len(GENRE_COUNT_SHARES))
    lists = [
        list(dict.fromkeys(row[:count])) for row, count in zip(drawn.tolist(), counts.tolist(), strict=True)
    ]
    genre_start = np.zeros(ARTISTS + 1, dtype=np.int64)
    genre_start[1:] = np.cumsum([len(genres) for genres in lists])
    genre_flat = np.fromiter((g for genres in lists for g in genres), dtype=np.int64, count=genre_start[-1])
    pool, liking, labels = _clusters(rng, genre_popularity, genre_start, genre_flat, popularity)
    return Catalogue(
        names=_objects(names),
        genres=_objects(tuple(genre_names[g] for g in genres) for genres in lists),
        popularity=popularity,
        genre_names=_objects(genre_names),
        genre_order=np.argsort(np.argsort(genre_names, kind="stable")).astype(np.int64),
        genre_start=genre_start,
        genre_flat=genre_flat,
        cluster_share=rng.dirichlet(np.full(CLUSTERS, 2.0)),
        cluster_label=tuple(genre_names[g] for g in labels),
        pool=pool,
        pool_scale=np.divide(1.0, liking, out=np.full_like(liking, _NEVER), where=liking > 0),
    )


def _objects(items: Iterable[object]) -> ObjectArray:
    """A one-dimensional object array, even of tuples, which ``np.array`` would make a matrix of."""
    return np.fromiter(items, dtype=object)


def _power_law(count: int, exponent: float) -> FloatArray:
    raw: FloatArray = np.arange(1, count + 1, dtype=np.float64) ** -exponent
    return raw / float(raw.sum())


def _artist_names(rng: np.random.Generator) -> tuple[str, ...]:
    """Distinct names: distinct codes, and a one-word name never looks like a two-word one."""
    one_word = round(ARTISTS * _ONE_WORD_SHARE)
    short = [word(c, 3) for c in rng.choice(_LONG_WORDS, one_word, replace=False).tolist()]
    pairs = rng.choice(WORDS * WORDS, ARTISTS - one_word, replace=False).tolist()
    long = [f"{word(c // WORDS)} {word(c % WORDS)}" for c in pairs]
    names = short + long
    return tuple(names[i] for i in rng.permutation(ARTISTS).tolist())


def _neighbours(rng: np.random.Generator, first: IntArray, width: int) -> IntArray:
    """Rows of ``width`` genres starting at ``first``; each other one is a neighbour of the first:
    the same kind of music with one of the three style words either side of its own, or the same
    style word with one of the three kinds either side (the word lists' order is arbitrary)."""
    rows = first.size
    kind, style = first % len(_KINDS), first // len(_KINDS)
    step = rng.choice(np.array([-3, -2, -1, 1, 2, 3]), (rows, width - 1))
    same_kind = rng.random((rows, width - 1)) < 0.5
    others = np.where(
        same_kind,
        (style[:, None] + step) % len(_STYLES) * len(_KINDS) + kind[:, None],
        style[:, None] * len(_KINDS) + (kind[:, None] + step) % len(_KINDS),
    )
    return np.concatenate([first[:, None], others], axis=1)


def _clusters(
    rng: np.random.Generator,
    genre_popularity: FloatArray,
    genre_start: IntArray,
    genre_flat: IntArray,
    popularity: FloatArray,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Each cluster's pool of artists, how much it likes each, and its main genre."""
    owners = np.repeat(np.arange(ARTISTS), np.diff(genre_start))
    first_genre = np.where(
        np.diff(genre_start) > 0, genre_flat[np.minimum(genre_start[:-1], genre_flat.size - 1)], -1
    )
    home = rng.choice(GENRES, CLUSTERS, p=genre_popularity)
    preferred = _neighbours(rng, home, CLUSTER_GENRES[1])
    pool = np.full((CLUSTERS, POOL_SIZES[1]), -1, dtype=np.int64)
    liking = np.zeros((CLUSTERS, POOL_SIZES[1]))
    for cluster in range(CLUSTERS):
        genres = np.unique(preferred[cluster, : rng.integers(CLUSTER_GENRES[0], CLUSTER_GENRES[1] + 1)])
        # Artists of the cluster's genres, twice as likely when that is their first genre.
        candidates = np.unique(owners[np.isin(genre_flat, genres)])
        weights = popularity[candidates] * (1 + np.isin(first_genre[candidates], genres))
        size = int(rng.integers(POOL_SIZES[0], POOL_SIZES[1] + 1))
        from_genres = min(candidates.size, round(size * (1 - POOL_FROM_ANYWHERE)))
        chosen = candidates[_weighted_sample(rng, weights, from_genres)]
        anywhere = _weighted_sample(rng, popularity, size)
        members = np.concatenate([chosen, anywhere[~np.isin(anywhere, chosen)]])[:size]
        pool[cluster, : members.size] = members
        liking[cluster, : members.size] = popularity[members] ** 0.6 * rng.lognormal(0.0, 1.0, members.size)
    return pool, liking, home


def _weighted_sample(rng: np.random.Generator, weights: FloatArray, size: int) -> IntArray:
    """``size`` distinct indices drawn in proportion to ``weights``, most likely first
    (Efraimidis and Spirakis: the smallest of exponential draws divided by the weights)."""
    keys = rng.standard_exponential(weights.size) / weights
    top = np.argpartition(keys, size - 1)[:size] if size < weights.size else np.arange(weights.size)
    return top[np.argsort(keys[top], kind="stable")].astype(np.int64)
