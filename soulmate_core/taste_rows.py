"""Many profiles as sparse rows: the input of the model fit and of the match snapshot.

One pass over the profiles, holding only compact arrays (a few bytes a non-zero), so a million
profiles can stream out of a store without all being in memory at once.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.profile import TasteProfile
from soulmate_core.sparse import SparseRows


@dataclass(frozen=True)
class TasteRows:
    """Artist and genre shares (each row sums to 1, or is empty) of many profiles."""

    user_ids: tuple[str, ...]
    display_names: tuple[str, ...]
    artist_keys: tuple[str, ...]
    genre_keys: tuple[str, ...]
    artists: SparseRows
    genres: SparseRows
    artist_names: tuple[str, ...]
    """Each of ``artist_keys`` as the first profile that holds it spells it."""

    def __len__(self) -> int:
        return len(self.user_ids)

    @classmethod
    def collect(
        cls, profiles: Iterable[TasteProfile], progress: Callable[[int], None] | None = None
    ) -> TasteRows:
        """Read ``profiles`` once; ``progress`` hears the count read so far, every 1,000."""
        user_ids: list[str] = []
        names: list[str] = []
        spelled: list[str] = []
        artists, genres = _Builder(), _Builder()
        for profile in profiles:
            user_ids.append(profile.user_id)
            names.append(profile.display_name)
            weights = profile.artist_weights()
            fresh = [key for key in weights if key not in artists.vocabulary]
            if fresh:  # names are read only for artists met for the first time
                spelling = profile.artist_names()
                spelled.extend(spelling[key] for key in fresh)
            artists.add(weights)
            genres.add(profile.genre_weights)
            if progress and len(user_ids) % 1000 == 0:
                progress(len(user_ids))
        return cls(
            tuple(user_ids),
            tuple(names),
            artists.keys(),
            genres.keys(),
            artists.rows(),
            genres.rows(),
            tuple(spelled),
        )

    @classmethod
    def merge(cls, parts: Sequence[TasteRows]) -> TasteRows:
        """The rows of ``parts`` one after another, over the union of their keys (first seen first)."""
        artist_keys, artists = _merged([(p.artist_keys, p.artists) for p in parts])
        genre_keys, genres = _merged([(p.genre_keys, p.genres) for p in parts])
        spelled: dict[str, str] = {}
        for part in parts:
            for key, name in zip(part.artist_keys, part.artist_names, strict=True):
                spelled.setdefault(key, name)
        return cls(
            tuple(u for p in parts for u in p.user_ids),
            tuple(n for p in parts for n in p.display_names),
            artist_keys,
            genre_keys,
            artists,
            genres,
            tuple(spelled[key] for key in artist_keys),
        )


def _merged(parts: Sequence[tuple[tuple[str, ...], SparseRows]]) -> tuple[tuple[str, ...], SparseRows]:
    vocabulary: dict[str, int] = {}
    indices: list[NDArray[np.int32]] = []
    for keys, rows in parts:
        column = np.array([vocabulary.setdefault(key, len(vocabulary)) for key in keys], dtype=np.int32)
        indices.append(column[rows.indices])
    offsets = np.cumsum([0, *(rows.indptr[-1] for _, rows in parts)])
    indptr = np.concatenate(
        [[0], *(rows.indptr[1:] + offset for (_, rows), offset in zip(parts, offsets, strict=False))]
    )
    return tuple(vocabulary), SparseRows(
        indptr.astype(np.int64),
        np.concatenate(indices) if indices else np.zeros(0, np.int32),
        np.concatenate([rows.data for _, rows in parts]) if parts else np.zeros(0, np.float32),
        len(vocabulary),
    )


class _Builder:
    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.indptr = array("q", [0])
        self.indices = array("i")
        self.data = array("f")

    def add(self, weights: Mapping[str, float]) -> None:
        vocabulary = self.vocabulary
        for key, value in weights.items():
            self.indices.append(vocabulary.setdefault(key, len(vocabulary)))
            self.data.append(value)
        self.indptr.append(len(self.indices))

    def keys(self) -> tuple[str, ...]:
        return tuple(self.vocabulary)

    def rows(self) -> SparseRows:
        return SparseRows(
            np.frombuffer(self.indptr, dtype=np.int64).copy(),
            np.frombuffer(self.indices, dtype=np.int32).copy(),
            np.frombuffer(self.data, dtype=np.float32).copy(),
            len(self.vocabulary),
        )
