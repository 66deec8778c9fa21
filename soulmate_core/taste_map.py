"""What the dashboard shows of everyone, worked out by ``build-index`` and kept in the snapshot.

- A 2-D map: the two directions of the latent space that tell the map's clusters apart best
  (``map_fit``), every snapshot row projected onto them, and a grid of how many listeners fall
  where. A profile folded into the model lands where its row would.
- A few map clusters (spherical k-means), each named by its members' most telling genre (two when
  one is taken), else by their top artists.
- Names for the first latent dimensions: the artists that load most on each.
- The spread of each named dimension and of niche-ness, for percentiles.

Numpy only, computed once per build, so that no page load fits anything.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from soulmate_core import map_fit
from soulmate_core.map_fit import nearest
from soulmate_core.sparse import SparseRows
from soulmate_core.taste_rows import TasteRows

MAP_CLUSTERS = 10
"""Clusters on the map, at most: few enough to tell apart by colour."""
NAMED_DIMS = 10
"""Latent dimensions named and shown on the taste-dimension charts."""
MIN_MAPPED = 5
"""Fewer listeners than this make no map."""
LEVELS = 1001
"""A spread keeps every sorted value up to this many listeners, and this many quantiles above."""
FIT_SAMPLE = 20_000
"""Rows the projection and the map clusters are fitted on."""
DRAWN = 2_000
"""Listeners drawn on the map, at most: a sample fixed at build time, the same on every load."""
_TOTALS_BLOCK = 1 << 16

Floats = NDArray[np.float32]


@dataclass(frozen=True)
class TasteMap:
    """Row ``i`` of ``coords`` and ``clusters`` is snapshot row ``i``."""

    mean: Floats
    """(dims,): the centre of the latent vectors the projection was fitted on."""
    axes: Floats
    """(2, dims): the map's x and y directions in the latent space."""
    coords: Floats
    """(rows, 2)."""
    clusters: NDArray[np.int16]
    centroids: Floats
    """(clusters, dims): unit centres; a profile belongs to the nearest."""
    cluster_labels: tuple[str, ...]
    drawn: NDArray[np.int64]
    """The snapshot rows drawn on the map, ascending."""
    dim_labels: tuple[str, ...]
    dim_spread: Floats
    """(named dims, values): each named dimension's sorted values, or quantiles."""
    niche_spread: Floats
    """Everyone's niche score (``insights.niche``), sorted, or its quantiles."""
    density: Floats
    """(grid, grid): how many listeners fall in each cell of the map, rows along y."""
    extent: Floats
    """(4,): the density grid's x0, x1, y0, y1."""

    @property
    def available(self) -> bool:
        return bool(self.cluster_labels)

    @classmethod
    def build(
        cls,
        rows: TasteRows,
        latent: NDArray[np.floating],
        factors: NDArray[np.float64],
        artist_names: Mapping[str, str],
        *,
        seed: int = 0,
    ) -> TasteMap:
        """``latent``: the unit latent vector of each of ``rows``; ``factors``: the model's, whose
        first rows are ``rows.artist_keys`` in order; ``artist_names``: key -> name, for labels."""
        n, dims = latent.shape
        niche = spread(niche_scores(rows.artists))
        if n < MIN_MAPPED or dims < 2:
            return cls.empty(n, dims, niche)
        random = np.random.default_rng(seed)
        sample = latent[np.sort(random.choice(n, min(n, FIT_SAMPLE), replace=False))].astype(np.float64)
        centroids = map_fit.spherical_kmeans(sample, max(1, min(MAP_CLUSTERS, n // MIN_MAPPED)), random)
        clusters, centroids = map_fit.by_size(nearest(latent, centroids), centroids)
        mean, axes = map_fit.map_axes(sample, nearest(sample, centroids))
        coords = (latent @ axes.T - mean @ axes.T).astype(np.float32)
        drawn = np.sort(random.choice(n, min(n, DRAWN), replace=False)).astype(np.int64)
        named = min(NAMED_DIMS, dims)
        return cls(
            mean.astype(np.float32),
            axes.astype(np.float32),
            coords,
            clusters.astype(np.int16),
            centroids.astype(np.float32),
            _cluster_labels(rows, clusters, len(centroids), artist_names),
            drawn,
            _dim_labels(factors[: len(rows.artist_keys), :named], rows.artist_keys, artist_names),
            np.stack([spread(latent[:, d]) for d in range(named)]),
            niche,
            *map_fit.density(coords),
        )

    @classmethod
    def empty(cls, rows: int, dims: int, niche: Floats | None = None) -> TasteMap:
        """No map (too few listeners), with the niche spread when there is one."""
        return cls(
            np.zeros(dims, np.float32),
            np.zeros((2, dims), np.float32),
            np.zeros((rows, 2), np.float32),
            np.zeros(rows, np.int16),
            np.zeros((0, dims), np.float32),
            (),
            np.zeros(0, np.int64),
            (),
            np.zeros((0, 0), np.float32),
            np.zeros(0, np.float32) if niche is None else niche,
            np.zeros((0, 0), np.float32),
            np.zeros(4, np.float32),
        )

    def take(self, order: NDArray[np.intp]) -> TasteMap:
        """The map with its rows in ``order``, as the snapshot lays them out."""
        moved = np.empty(len(order), dtype=np.int64)
        moved[order] = np.arange(len(order))
        drawn = np.sort(moved[self.drawn])
        return replace(self, coords=self.coords[order], clusters=self.clusters[order], drawn=drawn)

    def place(self, latent: NDArray[np.floating]) -> NDArray[np.float64]:
        """Map positions of unit latent vectors: (2,) for one, (n, 2) for n."""
        axes = self.axes.astype(np.float64).T
        placed: NDArray[np.float64] = latent.astype(np.float64) @ axes - self.mean.astype(np.float64) @ axes
        return placed

    def cluster_of(self, latent: NDArray[np.floating]) -> NDArray[np.intp]:
        """The nearest map cluster of each of (n, dims) unit latent vectors."""
        return nearest(latent.astype(np.float64), self.centroids)

    def percentiles(self, latent: NDArray[np.floating]) -> list[float]:
        """For each named dimension, the share of listeners below this unit latent vector."""
        return [share_below(self.dim_spread[d], float(latent[d])) for d in range(len(self.dim_labels))]

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        return {
            "map_mean": self.mean,
            "map_axes": self.axes,
            "map_coords": self.coords,
            "map_clusters": self.clusters,
            "map_centroids": self.centroids,
            "map_cluster_labels": np.array(self.cluster_labels, dtype=np.str_),
            "map_drawn": self.drawn,
            "map_dim_labels": np.array(self.dim_labels, dtype=np.str_),
            "map_dim_spread": self.dim_spread,
            "map_niche_spread": self.niche_spread,
            "map_density": self.density,
            "map_extent": self.extent,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[np.generic]]) -> TasteMap:
        return cls(
            arrays["map_mean"].astype(np.float32),
            arrays["map_axes"].astype(np.float32),
            arrays["map_coords"].astype(np.float32),
            arrays["map_clusters"].astype(np.int16),
            arrays["map_centroids"].astype(np.float32),
            _strings(arrays["map_cluster_labels"]),
            arrays["map_drawn"].astype(np.int64),
            _strings(arrays["map_dim_labels"]),
            arrays["map_dim_spread"].astype(np.float32),
            arrays["map_niche_spread"].astype(np.float32),
            arrays["map_density"].astype(np.float32),
            arrays["map_extent"].astype(np.float32),
        )


def _strings(array: NDArray[np.generic]) -> tuple[str, ...]:
    return tuple(str(text) for text in array.tolist())


def niche_scores(artists: SparseRows) -> NDArray[np.float64]:
    """``insights.niche``'s score of every row of artist shares, holders counted over the rows."""
    listeners = len(artists)
    if listeners <= 1:
        return np.zeros(listeners)
    holders = np.maximum(np.bincount(artists.indices, minlength=artists.width), 1)
    rarity = np.log(listeners / holders) / np.log(listeners)
    return np.clip(artists.row_sums(artists.data * rarity[artists.indices]), 0.0, 1.0)


def spread(values: NDArray[np.floating]) -> Floats:
    """``values`` sorted, or their ``LEVELS`` quantiles when there are more."""
    kept = np.sort(values) if len(values) <= LEVELS else np.quantile(values, np.linspace(0.0, 1.0, LEVELS))
    return np.asarray(kept, dtype=np.float32)


def share_below(spread: Floats, value: float) -> float:
    """The share of a spread's values below ``value``."""
    if not len(spread):
        return 0.0
    return float(np.searchsorted(spread, np.float32(value), side="left")) / len(spread)


def _cluster_labels(
    rows: TasteRows, clusters: NDArray[np.intp], count: int, names: Mapping[str, str]
) -> tuple[str, ...]:
    """Each cluster's most telling genre, else artist; when another cluster has that name, two of
    its most telling, so that no two clusters read alike. Names follow what a cluster holds, not
    its size or its place in a list, so the same taste keeps its name across rebuilds."""
    genres = _telling(_totals(rows.genres, clusters, count))
    artists = _telling(_totals(rows.artists, clusters, count))
    labels: list[str] = []
    for c in range(count):
        if genres[c].any():
            ranked = [rows.genre_keys[i] for i in _heaviest(genres[c])]
        else:
            ranked = [names.get(rows.artist_keys[i], rows.artist_keys[i]) for i in _heaviest(artists[c])]
        labels.append(_unused(ranked, labels) if ranked else f"listeners {c + 1}")
    return tuple(labels)


def _totals(rows: SparseRows, clusters: NDArray[np.intp], count: int) -> NDArray[np.float64]:
    """(clusters, columns): the summed shares of each cluster's rows."""
    totals = np.zeros(count * rows.width)
    for first in range(0, len(rows), _TOTALS_BLOCK):  # a block of rows at a time: cells are 8 bytes each
        last = min(len(rows), first + _TOTALS_BLOCK)
        lo, hi = rows.indptr[first], rows.indptr[last]
        owner = np.repeat(clusters[first:last].astype(np.int64), np.diff(rows.indptr[first : last + 1]))
        cells = owner * rows.width + rows.indices[lo:hi]
        totals += np.bincount(cells, weights=rows.data[lo:hi], minlength=count * rows.width)
    return totals.reshape(count, rows.width)


def _telling(totals: NDArray[np.float64]) -> NDArray[np.float64]:
    """How well each column tells each cluster: its share of the cluster's listening times the
    share of its listening that is in the cluster, so that what everyone plays names nobody."""
    everywhere = totals.sum(axis=0, keepdims=True)
    within = totals.sum(axis=1, keepdims=True)
    telling: NDArray[np.float64] = totals**2 / np.maximum(everywhere, 1e-12) / np.maximum(within, 1e-12)
    return telling


def _heaviest(totals: NDArray[np.float64], limit: int = 5) -> list[int]:
    top = np.argsort(-totals, kind="stable")[:limit]
    return [int(i) for i in top if totals[i] > 0]


def _unused(ranked: Sequence[str], taken: Sequence[str]) -> str:
    options = [ranked[0], *(" / ".join(pair) for pair in itertools.combinations(ranked, 2))]
    for label in options:
        if label not in taken:
            return label
    return next(f"{options[0]} ({n})" for n in itertools.count(2) if f"{options[0]} ({n})" not in taken)


def _dim_labels(
    loadings: NDArray[np.float64], keys: Sequence[str], names: Mapping[str, str]
) -> tuple[str, ...]:
    """Each dimension named by the two artists loading most on it, not reusing earlier ones;
    artists whose names were recorded come first."""
    free = np.array([key in names for key in keys], dtype=bool)
    if not free.any():
        free[:] = True
    labels = []
    for d in range(loadings.shape[1]):
        scores = np.where(free, loadings[:, d], -np.inf)
        picked = [int(i) for i in np.argsort(-scores, kind="stable")[:2] if free[i]]
        free[picked] = False
        labels.append(" · ".join(names.get(keys[i], keys[i]) for i in picked) or "mixed")
    return tuple(labels)
