"""A low-rank taste space learned from everyone's artists and genres (scikit-learn, offline side).

It gives every profile a few latent taste dimensions (named by the artists that load on them),
a 2-D map position and a cluster labelled by its dominant genres, or artists when there are no
genres. Genre-less profiles (Spotify's Development Mode, data exports) land in the same space
through their artists. Imported only by the dashboard and notebooks, never by the API handler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD

from soulmate_core.profile import TasteProfile

GENRE_SHARE = 0.5  # how much the genre block counts next to the artist block
Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class TasteSpace:
    user_ids: tuple[str, ...]
    display_names: tuple[str, ...]
    coords: Matrix  # (users, 2): the map
    latent: Matrix  # (users, dims)
    clusters: NDArray[np.intp]
    cluster_labels: tuple[str, ...]
    dim_labels: tuple[str, ...]
    _vocabulary: Mapping[str, int]
    _svd: TruncatedSVD
    _pca: PCA

    def project(self, profile: TasteProfile) -> tuple[Matrix, Matrix]:
        """(map position (2,), latent vector (dims,)) of any profile, stored or not."""
        row = _features([profile], self._vocabulary)
        latent: Matrix = self._svd.transform(row)
        coords: Matrix = self._pca.transform(latent)
        return coords[0], latent[0]

    def percentiles(self, latent: Matrix) -> list[float]:
        """For each latent dimension: the share of mapped listeners below this value."""
        return [float(np.mean(self.latent[:, d] < latent[d])) for d in range(self.latent.shape[1])]


def build_taste_space(
    profiles: Sequence[TasteProfile], *, dims: int = 10, clusters: int = 10, seed: int = 0
) -> TasteSpace | None:
    """The space fitted on ``profiles``; None when there are too few people to learn from."""
    if len(profiles) < 5:
        return None
    vocabulary = _vocabulary(profiles)
    matrix = _features(profiles, vocabulary)
    dims = max(2, min(dims, matrix.shape[1] - 1, len(profiles) - 1))
    svd = TruncatedSVD(n_components=dims, random_state=seed)
    latent: Matrix = svd.fit_transform(matrix)
    pca = PCA(n_components=2, random_state=seed)
    coords: Matrix = pca.fit_transform(latent)
    k = max(1, min(clusters, len(profiles) // 5))
    norms = np.linalg.norm(latent, axis=1, keepdims=True)
    unit = np.divide(latent, norms, out=np.zeros_like(latent), where=norms > 0)
    labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(unit).astype(np.intp)
    names = {index: key for key, index in vocabulary.items()}
    return TasteSpace(
        user_ids=tuple(p.user_id for p in profiles),
        display_names=tuple(p.display_name for p in profiles),
        coords=coords,
        latent=latent,
        clusters=labels,
        cluster_labels=tuple(_cluster_label(profiles, labels, c) for c in range(k)),
        dim_labels=_dim_labels(svd.components_, names, profiles),
        _vocabulary=vocabulary,
        _svd=svd,
        _pca=pca,
    )


def _vocabulary(profiles: Sequence[TasteProfile]) -> dict[str, int]:
    vocabulary: dict[str, int] = {}
    for profile in profiles:
        for key in profile.artist_weights():
            vocabulary.setdefault(f"a:{key}", len(vocabulary))
        for genre in profile.genre_weights:
            vocabulary.setdefault(f"g:{genre}", len(vocabulary))
    return vocabulary


def _features(profiles: Sequence[TasteProfile], vocabulary: Mapping[str, int]) -> Matrix:
    """Artist shares and genre shares side by side, each block L2-normalised per person."""
    matrix = np.zeros((len(profiles), max(len(vocabulary), 2)), dtype=np.float64)
    for i, profile in enumerate(profiles):
        for prefix, weights, share in (
            ("a:", profile.artist_weights(), 1.0),
            ("g:", dict(profile.genre_weights), GENRE_SHARE),
        ):
            cells = {vocabulary[prefix + k]: v for k, v in weights.items() if prefix + k in vocabulary}
            norm = float(np.sqrt(sum(v * v for v in cells.values())))
            for column, value in cells.items():
                matrix[i, column] = share * value / norm
    return matrix


def _dim_labels(
    components: Matrix, names: Mapping[int, str], profiles: Sequence[TasteProfile]
) -> tuple[str, ...]:
    """Each dimension named by the two artists loading most on it, not reusing earlier names."""
    display = {key: name for p in profiles for key, name in p.artist_names().items()}
    used: set[int] = set()
    labels = []
    for loadings in components:
        picked = [
            int(i)
            for i in np.argsort(-loadings)
            if names.get(int(i), "").startswith("a:") and int(i) not in used
        ][:2]
        used.update(picked)
        shown = [display.get(names[i][2:], names[i][2:]) for i in picked]
        labels.append(" · ".join(shown) if shown else "mixed")
    return tuple(labels)


def _cluster_label(profiles: Sequence[TasteProfile], labels: NDArray[np.intp], cluster: int) -> str:
    members = [p for p, c in zip(profiles, labels, strict=True) if c == cluster]
    genres: dict[str, float] = {}
    for p in members:
        for genre, weight in p.genre_weights.items():
            genres[genre] = genres.get(genre, 0.0) + weight
    if genres:
        top = sorted(genres.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        return " / ".join(name for name, _ in top)
    artists: dict[str, float] = {}
    names: dict[str, str] = {}
    for p in members:
        names.update(p.artist_names())
        for key, weight in p.artist_weights().items():
            artists[key] = artists.get(key, 0.0) + weight
    top = sorted(artists.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    return " / ".join(names[key] for key, _ in top) or "listeners"
