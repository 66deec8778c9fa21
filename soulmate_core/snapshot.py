"""The match snapshot: the model and every discoverable listener as compact scoring rows.

Built by a batch step (``soulmate build-index``), never while a person waits, and saved as one
versioned file. Rows hold what the blended score needs: unit rarity-weighted artist and genre rows
(sparse) and a unit latent vector, all in half precision. They are grouped by taste cluster
(spherical k-means on the latent vectors), so a query scores only the clusters nearest to it (``candidates``).
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np
from numpy.typing import NDArray

from soulmate_core.closeness import ScoreSpread
from soulmate_core.errors import CorruptItemError
from soulmate_core.population import Population, Taste, unit_known, unit_rows
from soulmate_core.profile import TasteProfile, utc_now_iso
from soulmate_core.related import as_columns, projected_length
from soulmate_core.scoring import DEFAULT_BLEND, Blend
from soulmate_core.sparse import NUMPY_PRODUCTS, Products, SparseRows, segment_sums
from soulmate_core.taste_map import TasteMap
from soulmate_core.taste_rows import TasteRows

log = logging.getLogger("soulmate.index")

FORMAT = 9
"""Bumped whenever the file layout changes; an older file is rebuilt, never misread."""
MIN_CLUSTERED = 2000
"""Below this many listeners a query scans everyone: exact, and still fast."""
RECALL_TARGET = 0.995
"""``build`` picks how many clusters a query scans (``probe``) so that, on a sample of listeners,
this share of their exact top 10 lies in the scanned clusters."""
_FIRST_GUESS = 256
"""Rows scored in full to set the bar that ``Rows.best`` prunes by."""
_BOUND_SLACK = 1e-4
"""Below the bar by more than the rounding of single precision, a row cannot make the best."""
_CALIBRATION_SAMPLE = 200
_CALIBRATION_K = 10
_KMEANS_SAMPLE = 50_000
_KMEANS_ROUNDS = 8
_ASSIGN_CHUNK = 8192


@dataclass(frozen=True)
class Query:
    """One listener's taste laid over the model's columns."""

    artists: NDArray[np.float32]
    genres: NDArray[np.float32]
    latent: NDArray[np.float32] | None

    @classmethod
    def of(cls, taste: Taste, population: Population) -> Query:
        return cls(
            _dense(taste.artists, population.artist_columns),
            _dense(taste.genres, population.genre_columns),
            None if taste.latent is None else taste.latent.astype(np.float32),
        )


@dataclass(frozen=True)
class Rows:
    """Listeners as the scorer reads them, row ``i`` being ``user_ids[i]``."""

    user_ids: tuple[str, ...]
    display_names: tuple[str, ...]
    artists: SparseRows
    genres: SparseRows
    latent: NDArray[np.float32]
    length: NDArray[np.float32]
    """Each row's projected taste's length before it was made unit (``related.projected_length``):
    an explanation divides each artist's term by it without reading all of the row's factors."""

    def __len__(self) -> int:
        return len(self.user_ids)

    @cached_property
    def has_latent(self) -> NDArray[np.bool_]:
        return np.asarray(self.latent.any(axis=1))

    @cached_property
    def has_genres(self) -> NDArray[np.bool_]:
        return np.diff(self.genres.indptr) > 0

    @classmethod
    def of_tastes(cls, tastes: Mapping[str, tuple[str, Taste]], population: Population) -> Rows:
        """Rows for tastes folded in one by one (the delta since a snapshot): user id ->
        (display name, taste)."""
        artists = [unit_known(t.artists, population.artist_columns) for _, t in tastes.values()]
        genres = [unit_known(t.genres, population.genre_columns) for _, t in tastes.values()]
        latent = np.zeros((len(tastes), population.dims), dtype=np.float32)
        length = np.zeros(len(tastes), dtype=np.float32)
        for i, (_, taste) in enumerate(tastes.values()):
            if taste.latent is not None:
                latent[i] = taste.latent
                length[i] = projected_length(population, as_columns(artists[i]), as_columns(genres[i]))
        return cls(
            tuple(tastes),
            tuple(name for name, _ in tastes.values()),
            SparseRows.from_columns(artists, len(population.artist_columns)),
            SparseRows.from_columns(genres, len(population.genre_columns)),
            latent,
            length,
        )

    def scores(self, query: Query, rows: NDArray[np.intp], blend: Blend) -> NDArray[np.float32]:
        """The blended score of ``query`` against each of ``rows``, as ``scoring.explain`` has it."""
        return self._scores(query, rows, blend, self._latent_values(query, rows))

    def best(
        self,
        query: Query,
        ranges: Sequence[tuple[int, int]],
        blend: Blend,
        limit: int,
        skip: NDArray[np.bool_] | None = None,
    ) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """The ``limit`` rows of ``ranges`` (``(start, end)`` each), less those ``skip`` marks,
        that score highest, and their scores, best first: exactly what ``scores`` would rank
        first, without reading most rows' artists. The latent part is cheap (read in place, range
        by range), so every row gets an upper bound: its score were its artists and genres a
        perfect match. Rows are scored in full in blocks, highest bound first, each block twice
        the last; the best so far sets a bar, and the rows whose bound falls below it are dropped
        unread."""
        rows = np.concatenate([np.arange(start, end) for start, end in ranges] or [np.zeros(0, np.intp)])
        latent = None
        if query.latent is not None:
            parts = [self.latent[start:end] @ query.latent for start, end in ranges]
            latent = np.clip(np.concatenate(parts or [np.zeros(0, np.float32)]), 0.0, 1.0)
        if skip is not None:
            kept = ~skip[rows]
            rows, latent = rows[kept], _at(latent, np.flatnonzero(kept))
        ones = np.ones(len(rows), dtype=np.float32)
        bound = self._blend(query, blend, ones, ones if _needs_genres(query, blend) else None, latent, rows)
        left = np.arange(len(rows))
        found, scored = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        block = max(4 * limit, _FIRST_GUESS)
        while len(left):
            pick = left[_top(bound[left], block)]
            exact = self._scores(query, rows[pick], blend, _at(latent, pick))
            keep = _top(np.concatenate((scored, exact)), limit)
            found, scored = np.concatenate((found, pick))[keep], np.concatenate((scored, exact))[keep]
            unread = np.ones(len(rows), dtype=bool)
            unread[pick] = False
            left = left[unread[left]]
            if len(scored) == limit:  # nothing below the k-th best can enter
                left = left[bound[left] >= scored[-1] - _BOUND_SLACK]
            block *= 2
        return rows[found], scored

    def _latent_values(self, query: Query, rows: NDArray[np.intp]) -> NDArray[np.float32] | None:
        if query.latent is None:
            return None
        values: NDArray[np.float32] = np.clip(self.latent[rows] @ query.latent, 0.0, 1.0)
        return values

    def _scores(
        self, query: Query, rows: NDArray[np.intp], blend: Blend, latent: NDArray[np.float32] | None
    ) -> NDArray[np.float32]:
        artists = self.artists.take(rows)
        genres = self.genres.take(rows) if _needs_genres(query, blend) else None
        return self._blend(
            query,
            blend,
            segment_sums(artists.indptr, artists.data * query.artists[artists.indices]),
            None
            if genres is None
            else segment_sums(genres.indptr, genres.data * query.genres[genres.indices]),
            latent,
            rows,
        )

    def _blend(
        self,
        query: Query,
        blend: Blend,
        artist: NDArray[np.floating],
        genre: NDArray[np.floating] | None,
        latent: NDArray[np.float32] | None,
        rows: NDArray[np.intp],
    ) -> NDArray[np.float32]:
        """The components of ``rows`` blended by what each pair has (see ``scoring.Blend``)."""
        artist = np.clip(artist, 0.0, 1.0)
        weight_a = np.full(len(rows), blend.artists)
        weighted = weight_a * artist
        total = weight_a.copy()
        if genre is not None:
            weight_g = np.where(self.has_genres[rows], blend.genres, 0.0)
            weighted += weight_g * genre
            total += weight_g
        if latent is not None and blend.latent:
            weight_l = np.where(self.has_latent[rows], blend.latent, 0.0)
            weighted += weight_l * latent
            total += weight_l
        fallback = total <= 0
        out = np.where(fallback, artist, weighted / np.where(fallback, 1.0, total))
        return np.clip(out, 0.0, 1.0).astype(np.float32)


def _at(values: NDArray[np.float32] | None, positions: NDArray[np.intp]) -> NDArray[np.float32] | None:
    return None if values is None else values[positions]


def _top(values: NDArray[np.float32], count: int) -> NDArray[np.intp]:
    """Positions of the ``count`` largest ``values``, largest first."""
    if len(values) > count:
        part = np.argpartition(-values, count - 1)[:count]
        return part[np.argsort(-values[part], kind="stable")]
    return np.argsort(-values, kind="stable")


def _needs_genres(query: Query, blend: Blend) -> bool:
    return bool(blend.genres) and bool(query.genres.any())


@dataclass(frozen=True)
class Snapshot:
    population: Population
    rows: Rows
    """Ordered by cluster: cluster ``c`` holds rows ``offsets[c]:offsets[c + 1]``."""
    offsets: NDArray[np.int64]
    centroids: NDArray[np.float32]
    probe: int
    """Clusters a query scans, nearest first (see ``RECALL_TARGET``)."""
    store_version: str
    built_at: str
    taste_map: TasteMap
    """What the dashboard draws of everyone: the map, its clusters, named dimensions (``taste_map``)."""
    artist_names: tuple[str, ...]
    """Each artist column's name, as the first listener holding it spells it: explanations name
    the other person's artists too."""
    spread: ScoreSpread
    """How scores spread over pairs of listeners here: what a score means (``closeness``)."""

    @classmethod
    def build(
        cls,
        profiles: Iterable[TasteProfile],
        store_version: str,
        *,
        seed: int = 0,
        progress: Callable[[int], None] | None = None,
        products: Products = NUMPY_PRODUCTS,
    ) -> Snapshot:
        """Fit the model on the discoverable ``profiles`` and lay them out as rows."""
        collected = TasteRows.collect((p for p in profiles if p.discoverable), progress)
        return cls.of_rows(collected, store_version, seed=seed, products=products)

    @classmethod
    def of_rows(
        cls,
        collected: TasteRows,
        store_version: str,
        *,
        seed: int = 0,
        products: Products = NUMPY_PRODUCTS,
    ) -> Snapshot:
        """``build`` from discoverable listeners' rows already collected (in parallel, say)."""
        stage = _Stages()
        population = Population.fit_rows(collected, seed=seed, products=products)
        stage.done(f"fitted the model ({population.dims} dimensions)")
        artists, genres = population.weighted_rows(collected)
        taste = population.taste_matrix_of(artists, genres)
        projected = np.asarray(products.matmul(taste, population.factors32))
        del taste
        length = np.linalg.norm(projected, axis=1).astype(np.float32)
        latent = unit_rows(projected).astype(np.float32)
        del projected
        clusters, centroids = taste_clusters(latent, seed)
        stage.done(f"placed every listener in one of {len(centroids)} taste clusters")
        order = np.argsort(clusters, kind="stable")
        counts = np.bincount(clusters, minlength=len(centroids))
        rows = Rows(
            tuple(collected.user_ids[i] for i in order),
            tuple(collected.display_names[i] for i in order),
            _half(artists.unit().take(order)),
            _half(genres.unit().take(order)),
            _halved(latent[order]),
            length[order],
        )
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        probe = calibrate_probe(rows, offsets, centroids, seed)
        stage.done(f"calibrated the clusters a query scans ({probe})")
        spread = ScoreSpread.sample(len(rows), partial(_row_scores, rows), seed)
        names = dict(zip(collected.artist_keys, collected.artist_names, strict=True))
        taste_map = TasteMap.build(collected, latent, population.factors, names, seed=seed).take(order)
        stage.done("drew the taste map")
        return cls(
            population,
            rows,
            offsets,
            centroids,
            probe,
            store_version,
            utc_now_iso(),
            taste_map,
            collected.artist_names,
            spread,
        )

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def positions(self) -> dict[str, int]:
        return {user_id: i for i, user_id in enumerate(self.rows.user_ids)}

    def candidates(self, query: Query, probe: int | None = None) -> list[tuple[int, int]]:
        """Row ranges ``(start, end)`` of the ``probe`` clusters nearest to ``query`` (the
        calibrated ``self.probe`` by default), adjoining ones joined, in row order; everyone when
        the query has no latent vector."""
        probe = self.probe if probe is None else probe
        if query.latent is None or len(self.centroids) <= probe:
            return [(0, len(self))] if len(self) else []
        nearest = np.sort(np.argpartition(-(self.centroids @ query.latent), probe - 1)[:probe])
        ranges: list[tuple[int, int]] = []
        starts, ends = self.offsets[nearest].tolist(), self.offsets[nearest + 1].tolist()
        for start, end in zip(starts, ends, strict=True):
            if ranges and ranges[-1][1] == start:
                ranges[-1] = (ranges[-1][0], end)
            elif end > start:
                ranges.append((start, end))
        return ranges

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **_arrays(self))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Snapshot:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                return _from_arrays({key: arrays[key] for key in arrays.files})
        except (OSError, ValueError, KeyError) as exc:
            raise CorruptItemError("match snapshot", f"cannot be read ({exc})") from None


class _Stages:
    """Logs each stage of a build as it ends, with its time: a large build takes minutes."""

    def __init__(self) -> None:
        self._started = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        log.info("%s in %.1f s", what, now - self._started)
        self._started = now


def calibrate_probe(rows: Rows, offsets: NDArray[np.int64], centroids: NDArray[np.float32], seed: int) -> int:
    """The fewest nearest clusters holding ``RECALL_TARGET`` of a sample's exact top 10: for each
    sampled listener, the rank (by centroid) of each true neighbour's cluster."""
    clusters = len(centroids)
    if clusters == 1:
        return 1
    cluster_of = np.repeat(np.arange(clusters), np.diff(offsets))
    skip = np.zeros(len(rows), dtype=bool)
    ranks: list[NDArray[np.intp]] = []
    sample = min(len(rows), _CALIBRATION_SAMPLE)
    for i in np.random.default_rng(seed).choice(len(rows), sample, replace=False).tolist():
        latent = rows.latent[i]
        query = Query(_row_vector(rows.artists, i), _row_vector(rows.genres, i), latent)
        skip[i] = True
        best, _ = rows.best(query, [(0, len(rows))], DEFAULT_BLEND, _CALIBRATION_K, skip)
        skip[i] = False
        rank = np.empty(clusters, dtype=np.intp)
        rank[np.argsort(-(centroids @ latent), kind="stable")] = np.arange(clusters)
        ranks.append(rank[cluster_of[best]])
    needed = int(np.quantile(np.concatenate(ranks), RECALL_TARGET, method="higher")) + 1
    return min(clusters, needed)


def _row_scores(rows: Rows, asker: int, others: NDArray[np.intp]) -> NDArray[np.float32]:
    """Row ``asker``'s blended scores against rows ``others``."""
    query = Query(_row_vector(rows.artists, asker), _row_vector(rows.genres, asker), rows.latent[asker])
    return rows.scores(query, others, DEFAULT_BLEND)


def _row_vector(rows: SparseRows, i: int) -> NDArray[np.float32]:
    vector = np.zeros(rows.width, dtype=np.float32)
    start, end = rows.indptr[i], rows.indptr[i + 1]
    vector[rows.indices[start:end]] = rows.data[start:end]
    return vector


def taste_clusters(latent: NDArray[np.floating], seed: int) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """Spherical k-means on unit rows, about 2·sqrt(n) clusters fitted on a sample; (cluster per
    row, unit centroids). One cluster below ``MIN_CLUSTERED`` rows or without a latent space."""
    n = len(latent)
    if n < MIN_CLUSTERED or latent.shape[1] == 0:
        return np.zeros(n, dtype=np.intp), np.zeros((1, latent.shape[1]), dtype=np.float32)
    random = np.random.default_rng(seed)
    points = latent[random.choice(n, min(n, _KMEANS_SAMPLE), replace=False)].astype(np.float32)
    count = round(2 * float(np.sqrt(n)))
    centroids = points[random.choice(len(points), count, replace=False)]
    for _ in range(_KMEANS_ROUNDS):
        nearest = _assign(points, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, points)
        moved = unit_rows(sums.astype(np.float64)).astype(np.float32)
        centroids = np.where(sums.any(axis=1, keepdims=True), moved, centroids)
    return _assign(latent.astype(np.float32), centroids), centroids


def _assign(points: NDArray[np.float32], centroids: NDArray[np.float32]) -> NDArray[np.intp]:
    return np.concatenate(
        [
            np.argmax(points[start : start + _ASSIGN_CHUNK] @ centroids.T, axis=1)
            for start in range(0, len(points), _ASSIGN_CHUNK)
        ]
        or [np.zeros(0, dtype=np.intp)]
    ).astype(np.intp)


def _dense(weights: Mapping[str, float], columns: Mapping[str, int]) -> NDArray[np.float32]:
    vector = np.zeros(len(columns), dtype=np.float32)
    for column, value in unit_known(weights, columns).items():
        vector[column] = value
    return vector


def _arrays(snapshot: Snapshot) -> dict[str, NDArray[np.generic]]:
    population, rows = snapshot.population, snapshot.rows
    return {
        "format": np.array(FORMAT),
        **_text_arrays(
            "meta",
            [snapshot.store_version, snapshot.built_at, str(population.rarity), str(population.genres)],
        ),
        "size": np.array(population.size),
        **_text_arrays("artist_keys", list(population.artist_holders)),
        "artist_holders": np.array(list(population.artist_holders.values()), dtype=np.int64),
        **_text_arrays("genre_keys", list(population.genre_holders)),
        "genre_holders": np.array(list(population.genre_holders.values()), dtype=np.int64),
        "factors": population.factors.astype(np.float32),
        **_text_arrays("user_ids", list(rows.user_ids)),
        **_text_arrays("display_names", list(rows.display_names)),
        **_sparse_arrays("artists", rows.artists),
        **_sparse_arrays("genres", rows.genres),
        "latent": rows.latent.astype(np.float16),
        "length": rows.length,
        "offsets": snapshot.offsets,
        "probe": np.array(snapshot.probe),
        "centroids": snapshot.centroids,
        **_text_arrays("artist_names", list(snapshot.artist_names)),
        "score_quantiles": snapshot.spread.quantiles,
        **snapshot.taste_map.arrays(),
    }


def _from_arrays(arrays: Mapping[str, NDArray[np.generic]]) -> Snapshot:
    if int(arrays["format"]) != FORMAT:
        raise ValueError(f"format {int(arrays['format'])}, this version reads {FORMAT}")
    store_version, built_at, rarity, genres = _texts("meta", arrays)
    artist_keys, genre_keys = _texts("artist_keys", arrays), _texts("genre_keys", arrays)
    vocabulary = {f"a:{k}": i for i, k in enumerate(artist_keys)}
    if genres == "True":
        vocabulary.update({f"g:{k}": len(artist_keys) + i for i, k in enumerate(genre_keys)})
    population = Population(
        int(arrays["size"]),
        dict(zip(artist_keys, arrays["artist_holders"].tolist(), strict=True)),
        dict(zip(genre_keys, arrays["genre_holders"].tolist(), strict=True)),
        vocabulary,
        arrays["factors"].astype(np.float64),
        rarity == "True",
        genres == "True",
    )
    rows = Rows(
        tuple(_texts("user_ids", arrays)),
        tuple(_texts("display_names", arrays)),
        _sparse_from("artists", arrays),
        _sparse_from("genres", arrays),
        arrays["latent"].astype(np.float32, copy=False),
        arrays["length"].astype(np.float32, copy=False),
    )
    offsets = arrays["offsets"].astype(np.int64, copy=False)
    centroids = arrays["centroids"].astype(np.float32, copy=False)
    probe = int(arrays["probe"])
    taste_map = TasteMap.from_arrays(arrays)
    names = tuple(_texts("artist_names", arrays))
    spread = ScoreSpread(arrays["score_quantiles"].astype(np.float32, copy=False))
    return Snapshot(
        population, rows, offsets, centroids, probe, store_version, built_at, taste_map, names, spread
    )


def _half(rows: SparseRows) -> SparseRows:
    """``rows``, their own weights (``take`` made them) rounded in place: no second copy of a
    million listeners' non-zeros at the build's peak."""
    rows.data[:] = rows.data.astype(np.float16)
    return rows


def _halved(values: NDArray[np.float32]) -> NDArray[np.float32]:
    """``values`` rounded to half precision, as the file keeps them: a loaded snapshot scores as
    the one just built. The rounding (a relative 2^-11) is far below the two digits a score is
    shown with, and halves the weights' bytes."""
    return values.astype(np.float16).astype(np.float32)


def _sparse_arrays(name: str, rows: SparseRows) -> dict[str, NDArray[np.generic]]:
    """Columns in 16 bits where the vocabulary fits; weights in half precision, which ``build``
    rounded them to (``_half``)."""
    columns = rows.indices.astype(np.uint16) if rows.width <= 2**16 else rows.indices
    return {
        f"{name}_indptr": rows.indptr,
        f"{name}_indices": columns,
        f"{name}_data": rows.data.astype(np.float16),
        f"{name}_width": np.array(rows.width),
    }


def _sparse_from(name: str, arrays: Mapping[str, NDArray[np.generic]]) -> SparseRows:
    return SparseRows(
        arrays[f"{name}_indptr"].astype(np.int64, copy=False),
        arrays[f"{name}_indices"].astype(np.int32, copy=False),
        arrays[f"{name}_data"].astype(np.float32, copy=False),
        int(arrays[f"{name}_width"]),
    )


def _text_arrays(name: str, texts: list[str]) -> dict[str, NDArray[np.generic]]:
    """Texts as one UTF-8 buffer and the offsets where each ends: any character may appear."""
    encoded = [text.encode() for text in texts]
    return {
        f"{name}_utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        f"{name}_ends": np.cumsum([len(e) for e in encoded], dtype=np.int64),
    }


def _texts(name: str, arrays: Mapping[str, NDArray[np.generic]]) -> list[str]:
    buffer, ends = arrays[f"{name}_utf8"].tobytes(), arrays[f"{name}_ends"].tolist()
    return [buffer[start:end].decode() for start, end in zip([0, *ends[:-1]], ends, strict=True)]
