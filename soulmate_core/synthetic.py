"""Synthetic listeners in any number, for measuring the project at scale.

The same seed always gives the same people, and listener ``i`` is the same whatever the population
size: 10,000 listeners are the first 10,000 of a million. Listeners are drawn a block of 1,000 at a
time with numpy, each block from its own generator seeded with ``(seed, block)``, over the invented
world of ``synthetic_catalogue``.

A listener belongs to one taste cluster and has 50 to 200 distinct artists: about four in five from
their cluster's pool (the ones it likes most are likelier), the rest from everyone's favourites. Their
top tenth is in all three Spotify ranges; every other artist is in one range, the long one most
often. Each range ranks its artists near the listener's own order, the short one loosest, and
weighs them as Spotify lists are weighed (``rank_weights``). One in twenty listeners is hidden.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from soulmate_core.demo_catalog import FIRST_NAMES
from soulmate_core.profile import SPOTIFY_RANGES, ArtistEntry, RangeTaste, TasteProfile
from soulmate_core.synthetic_catalogue import ARTISTS, CLUSTERS, GENRES, WORDS, Catalogue, catalogue, word
from soulmate_core.weights import rank_weights

IntArray = npt.NDArray[np.int64]

DEFAULT_SEED = 2026
BLOCK = 1000
SYNTHETIC_PREFIX = "synth-"
SYNTHETIC_UPDATED_AT = "2026-01-01T00:00:00.000000Z"
ARTISTS_PER_USER = (50, 200)
COUNT_SHAPE = (1.5, 3.0)  # beta shape of where a listener's artist count falls in that range
FOCUS_SHAPE = (9.0, 2.0)  # beta shape of the share of a listener's artists from their cluster
HIDDEN_SHARE = 0.05
CORE_SHARE = 0.1  # a listener's favourites, in every range
RANGE_SHARES = (0.25, 0.3, 0.45)  # short, medium, long: where each other artist is
RANGE_DRIFT = (0.2, 0.1, 0.05)  # how far a range's order strays from the listener's, x their artists
_NOISE_DRAWS = 160  # draws from everyone's favourites, repeats included
_MOST = ARTISTS_PER_USER[1]
_RANK_WEIGHTS = [rank_weights(count) for count in range(_MOST + 1)]
_RANK_TABLE = np.array([weights + [0.0] * (_MOST - len(weights)) for weights in _RANK_WEIGHTS])


def synthetic_user_id(number: int) -> str:
    return f"{SYNTHETIC_PREFIX}{number:07d}"


def synthetic_profiles(users: int, seed: int = DEFAULT_SEED, *, start: int = 0) -> Iterator[TasteProfile]:
    """Listeners ``start`` to ``users - 1``, in order."""
    _check(users, seed, start)
    world = catalogue(seed)
    for block in range(start // BLOCK, math.ceil(users / BLOCK)):
        first = block * BLOCK
        drawn = _draw_block(world, seed, block)
        wanted = range(max(start, first) - first, min(users, first + BLOCK) - first)
        yield from _profiles(world, drawn, first, wanted)


def synthetic_clusters(users: int, seed: int = DEFAULT_SEED) -> list[int]:
    """The taste cluster of each of listeners 0 to ``users - 1``."""
    _check(users, seed, 0)
    world = catalogue(seed)
    clusters: list[int] = []
    for block in range(math.ceil(users / BLOCK)):
        clusters.extend(_draw_block(world, seed, block).cluster.tolist())
    return clusters[:users]


def _check(users: int, seed: int, start: int) -> None:
    if users < 0 or seed < 0 or start < 0:
        raise ValueError(f"users, seed and start must not be negative: {users}, {seed}, {start}")


@dataclass(frozen=True)
class _Block:
    cluster: IntArray
    hidden: npt.NDArray[np.bool_]
    first_name: IntArray
    surname: IntArray
    ranges: tuple[tuple[IntArray, IntArray], ...]  # per Spotify range: (artists best first, count)


def _draw_block(world: Catalogue, seed: int, block: int) -> _Block:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, block)))
    cluster = rng.choice(CLUSTERS, BLOCK, p=world.cluster_share)
    low, high = ARTISTS_PER_USER
    count = low + np.floor(rng.beta(*COUNT_SHAPE, BLOCK) * (high - low + 1)).astype(np.int64)
    artists = _pick_artists(rng, world, cluster, count)
    return _Block(
        cluster=cluster,
        hidden=rng.random(BLOCK) < HIDDEN_SHARE,
        first_name=rng.integers(0, len(FIRST_NAMES), BLOCK),
        surname=rng.integers(0, WORDS, BLOCK),
        ranges=_split_ranges(rng, artists, count),
    )


def _pick_artists(rng: np.random.Generator, world: Catalogue, cluster: IntArray, count: IntArray) -> IntArray:
    """Each row: ``count`` distinct artists, the listener's favourite first, -1 after them."""
    column = np.arange(_MOST)
    # The pool's artists in a weighted random order (Efraimidis and Spirakis), liked ones likelier first.
    keys = rng.standard_exponential((BLOCK, world.pool.shape[1])) * world.pool_scale[cluster]
    best = np.argpartition(keys, _MOST - 1, axis=1)[:, :_MOST]
    best = np.take_along_axis(best, np.argsort(np.take_along_axis(keys, best, 1), axis=1), 1)
    liked = np.take_along_axis(world.pool[cluster], best, 1)
    from_pool = np.rint(rng.beta(*FOCUS_SHAPE, BLOCK) * count)
    cumulative = np.cumsum(world.popularity)
    anywhere = np.searchsorted(cumulative, rng.random((BLOCK, _NOISE_DRAWS)) * cumulative[-1])
    anywhere = np.minimum(anywhere, ARTISTS - 1)
    # Take the first liked ones, then everyone's favourites, then more liked ones should repeats
    # leave too few; the pool alone has enough distinct artists.
    priority = np.concatenate(
        [
            np.where(column < from_pool[:, None], column, _MOST + _NOISE_DRAWS + column),
            np.broadcast_to(_MOST + np.arange(_NOISE_DRAWS), (BLOCK, _NOISE_DRAWS)),
        ],
        axis=1,
    )
    by_priority = np.argsort(priority, axis=1)
    candidates = np.take_along_axis(np.concatenate([liked, anywhere], axis=1), by_priority, 1)
    is_liked = by_priority < _MOST
    keep = _first_occurrences(candidates)
    keep &= np.cumsum(keep, axis=1) <= count[:, None]
    front = np.argsort(~keep, axis=1, kind="stable")[:, :_MOST]
    chosen = np.take_along_axis(candidates, front, 1)
    chosen_liked = np.take_along_axis(is_liked, front, 1)
    present = column < count[:, None]
    # The listener's own order: liked and popular ones mixed, the liked ones a little ahead.
    liked_rank = np.cumsum(chosen_liked, axis=1) - 1
    other_rank = np.cumsum(~chosen_liked, axis=1) - 1
    liked_total = np.maximum(chosen_liked.sum(axis=1, where=present), 1)[:, None]
    other_total = np.maximum((~chosen_liked).sum(axis=1, where=present), 1)[:, None]
    place = np.where(chosen_liked, liked_rank / liked_total, other_rank / other_total + 0.2)
    place = np.where(present, place + rng.normal(0.0, 0.1, place.shape), np.inf)
    chosen = np.take_along_axis(chosen, np.argsort(place, axis=1, kind="stable"), 1)
    return np.where(present, chosen, -1)


def _first_occurrences(rows: IntArray) -> npt.NDArray[np.bool_]:
    """True where a value appears for the first time in its row."""
    by_value = np.argsort(rows, axis=1, kind="stable")
    ordered = np.take_along_axis(rows, by_value, 1)
    repeat = np.zeros(rows.shape, dtype=bool)
    repeat[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
    first = np.empty(rows.shape, dtype=bool)
    np.put_along_axis(first, by_value, ~repeat, 1)
    return first


def _split_ranges(
    rng: np.random.Generator, artists: IntArray, count: IntArray
) -> tuple[tuple[IntArray, IntArray], ...]:
    column = np.arange(_MOST)
    present = column < count[:, None]
    core = column < np.ceil(CORE_SHARE * count)[:, None]
    own_range = rng.choice(len(SPOTIFY_RANGES), artists.shape, p=RANGE_SHARES)
    ranges = []
    for index, drift in enumerate(RANGE_DRIFT):
        member = present & (core | (own_range == index))
        place = column + rng.normal(0.0, drift, artists.shape) * count[:, None]
        order = np.argsort(np.where(member, place, np.inf), axis=1)
        ranges.append((np.take_along_axis(artists, order, 1), member.sum(axis=1)))
    return tuple(ranges)


def _profiles(world: Catalogue, drawn: _Block, first: int, wanted: range) -> Iterator[TasteProfile]:
    genre_weights = _genre_weights(world, drawn)
    # Whole rows as lists first: indexing numpy arrays one user at a time is slow.
    ranges = [
        (world.names[artists].tolist(), world.genres[artists].tolist(), counts.tolist())
        for artists, counts in drawn.ranges
    ]
    first_names, surnames = drawn.first_name.tolist(), drawn.surname.tolist()
    clusters, hidden = drawn.cluster.tolist(), drawn.hidden.tolist()
    for i in wanted:
        tastes = {}
        for range_name, (names, genres, counts) in zip(SPOTIFY_RANGES, ranges, strict=True):
            length = counts[i]
            entries = map(ArtistEntry, names[i][:length], _RANK_WEIGHTS[length], genres[i][:length])
            tastes[range_name] = RangeTaste(artists=tuple(entries))
        label = world.cluster_label[clusters[i]]
        yield TasteProfile(
            user_id=synthetic_user_id(first + i),
            display_name=f"{FIRST_NAMES[first_names[i]]} {word(surnames[i])} ({label})",
            source="synthetic",
            ranges=tastes,
            genre_weights=genre_weights[i],
            discoverable=not hidden[i],
            updated_at=SYNTHETIC_UPDATED_AT,
        )


def _genre_weights(world: Catalogue, drawn: _Block) -> list[dict[str, float]]:
    """What ``derive_genre_weights`` gives each listener of the block, for the whole block at once:
    an artist spreads its weight evenly over its genres, each range counts a third, shares sum to 1,
    heaviest first and then by name."""
    column = np.arange(_MOST)
    users, artists, weights = [], [], []
    for ranked, counts in drawn.ranges:
        listed = column < counts[:, None]
        users.append(np.nonzero(listed)[0])
        artists.append(ranked[listed])
        weights.append(_RANK_TABLE[counts[:, None], column][listed])
    user, artist, weight = np.concatenate(users), np.concatenate(artists), np.concatenate(weights)
    per_artist = np.diff(world.genre_start)[artist]
    entry = np.repeat(np.arange(artist.size), per_artist)
    offset = np.arange(entry.size) - np.repeat(np.cumsum(per_artist) - per_artist, per_artist)
    genre = world.genre_flat[world.genre_start[artist][entry] + offset]
    share = (weight / np.maximum(per_artist, 1) / len(drawn.ranges))[entry]
    pairs, where = np.unique(user[entry] * GENRES + genre, return_inverse=True)
    totals = np.bincount(where, weights=share)
    owner, genre = pairs // GENRES, pairs % GENRES
    sums = totals / np.bincount(owner, weights=totals, minlength=BLOCK)[owner]
    order = np.lexsort((world.genre_order[genre], -sums, owner))
    bounds = np.searchsorted(owner[order], np.arange(BLOCK + 1)).tolist()
    genre_names = world.genre_names[genre[order]].tolist()
    values = sums[order].tolist()
    return [dict(zip(genre_names[a:b], values[a:b], strict=True)) for a, b in pairwise(bounds)]
