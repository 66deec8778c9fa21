"""How the taste map is fitted at build time: its clusters, the two directions it is drawn along,
and the density of everyone on it. Numpy only; ``taste_map`` keeps the results.

- Clusters: spherical k-means on unit latent vectors, the best of a few seeded starts, so that
  a small change in who opted in seldom moves them.
- Directions: the two that best tell the clusters apart (Fisher's discriminant, shrunk towards
  plain spread so that a small sample cannot overfit it), rather than the two of most spread,
  along which clusters lie on top of each other; principal axes when there are too few clusters.
- Density: how many listeners fall in each cell of a grid over the map, drawn under the sample.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

ROUNDS = 20
STARTS = 4
"""Seeded k-means starts; the one whose members lie closest to their centres is kept."""
SHRINK = 0.1
"""Weight of plain spread (the identity, scaled) in the within-cluster scatter."""
GRID = 48
"""Density cells along each side of the map."""
_CORE = (0.5, 99.5)
"""The density grid spans these percentiles of each coordinate: stray listeners do not stretch it."""

Points = NDArray[np.float64]


def nearest(points: NDArray[np.floating], centres: NDArray[np.floating]) -> NDArray[np.intp]:
    if not len(centres):
        return np.zeros(len(points), dtype=np.intp)
    found: NDArray[np.intp] = np.argmax(points @ centres.astype(np.float64).T, axis=1)
    return found


def spherical_kmeans(points: Points, k: int, random: np.random.Generator) -> Points:
    """Unit centres of ``k`` clusters of unit ``points`` by cosine: the best of ``STARTS`` runs,
    each seeded k-means++ style."""
    runs = [_kmeans_once(points, k, random) for _ in range(STARTS)]
    return max(runs, key=lambda centres: float(np.max(points @ centres.T, axis=1).sum()))


def _kmeans_once(points: Points, k: int, random: np.random.Generator) -> Points:
    centres = [points[random.integers(len(points))]]
    for _ in range(1, k):
        distance = np.clip(1.0 - np.max(points @ np.array(centres).T, axis=1), 0.0, None)
        total = distance.sum()
        if total <= 0:
            break
        centres.append(points[random.choice(len(points), p=distance / total)])
    found = np.array(centres)
    for _ in range(ROUNDS):
        owner = nearest(points, found)
        sums = np.zeros_like(found)
        np.add.at(sums, owner, points)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        found = np.where(norms > 1e-12, sums / np.where(norms > 1e-12, norms, 1.0), found)
    return found


def by_size(clusters: NDArray[np.intp], centroids: Points) -> tuple[NDArray[np.intp], Points]:
    """Empty clusters dropped, the rest numbered from the largest down."""
    sizes = np.bincount(clusters, minlength=len(centroids))
    kept = [c for c in np.argsort(-sizes, kind="stable").tolist() if sizes[c] > 0]
    renumber = np.zeros(len(centroids), dtype=np.intp)
    renumber[kept] = np.arange(len(kept))
    return renumber[clusters], centroids[kept]


def map_axes(points: Points, clusters: NDArray[np.intp]) -> tuple[Points, Points]:
    """(mean, two unit directions as rows) to draw ``points`` along: the ones that tell their
    ``clusters`` apart best, else (fewer than 3 clusters, no spread within them) the principal
    axes. Each direction is signed so that its largest coordinate is positive: the same data
    always draws the same map."""
    mean = points.mean(axis=0)
    axes = _separating(points - mean, clusters)
    if axes is None:
        axes = _principal(points - mean)
    axes = axes / np.maximum(np.linalg.norm(axes, axis=1, keepdims=True), 1e-12)
    signs = np.sign(axes[np.arange(2), np.argmax(np.abs(axes), axis=1)])
    return mean, axes * np.where(signs == 0, 1.0, signs)[:, None]


def _principal(centred: Points) -> Points:
    values, vectors = np.linalg.eigh(centred.T @ centred)
    axes: Points = vectors[:, np.argsort(-values, kind="stable")[:2]].T
    return axes


def _separating(centred: Points, clusters: NDArray[np.intp]) -> Points | None:
    """Fisher's two directions: most spread between cluster centres for the spread within them."""
    count = int(clusters.max()) + 1 if len(clusters) else 0
    if count < 3:
        return None
    dims = centred.shape[1]
    sums = np.zeros((count, dims))
    np.add.at(sums, clusters, centred)
    sizes = np.bincount(clusters, minlength=count).astype(np.float64)
    centres = sums / np.maximum(sizes, 1.0)[:, None]
    between = (centres * sizes[:, None]).T @ centres
    spread = centred - centres[clusters]
    within = spread.T @ spread
    scale = np.trace(within) / dims
    if scale <= 1e-12:
        return None
    within = (1.0 - SHRINK) * within + SHRINK * scale * np.eye(dims)
    whiten = np.linalg.inv(np.linalg.cholesky(within))
    values, vectors = np.linalg.eigh(whiten @ between @ whiten.T)
    axes: Points = (whiten.T @ vectors[:, np.argsort(-values, kind="stable")[:2]]).T
    return axes


def density(coords: NDArray[np.floating]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(GRID x GRID listener counts, rows along y; the grid's extent x0, x1, y0, y1) of the map."""
    if not len(coords):
        return np.zeros((0, 0), np.float32), np.zeros(4, np.float32)
    low, high = np.percentile(coords, _CORE, axis=0)
    pad = np.maximum(high - low, 1e-6) * 0.05
    low, high = low - pad, high + pad
    counts, _, _ = np.histogram2d(
        coords[:, 0], coords[:, 1], bins=GRID, range=[[low[0], high[0]], [low[1], high[1]]]
    )
    extent = np.array([low[0], high[0], low[1], high[1]], dtype=np.float32)
    return counts.T.astype(np.float32), extent
