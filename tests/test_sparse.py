"""Sparse rows and the SVD the model is fitted with, checked against dense numpy and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import TruncatedSVD

from soulmate_adapters.scipy_products import ScipyProducts
from soulmate_core.sparse import SparseRows, truncated_svd


def random_rows(
    n: int, m: int, density: float, seed: int, empty_rows: int = 3
) -> tuple[SparseRows, np.ndarray]:
    random = np.random.default_rng(seed)
    dense = np.where(random.random((n, m)) < density, random.random((n, m)), 0.0).astype(np.float32)
    dense[random.choice(n, empty_rows, replace=False)] = 0.0
    rows = [{str(j): float(dense[i, j]) for j in np.flatnonzero(dense[i])} for i in range(n)]
    return SparseRows.from_rows(rows, {str(j): j for j in range(m)}), dense.astype(np.float64)


def test_products_match_dense_numpy_including_empty_rows() -> None:
    sparse, dense = random_rows(300, 80, 0.05, seed=1)
    other = np.random.default_rng(2).standard_normal((80, 7))
    back = np.random.default_rng(3).standard_normal((300, 7))
    np.testing.assert_allclose(sparse.dense(), dense, rtol=1e-6)
    np.testing.assert_allclose(sparse.matmul(other), dense @ other, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sparse.rmatmul(back), dense.T @ back, rtol=1e-5, atol=1e-6)


def test_the_batch_steps_compiled_products_are_the_same_sums() -> None:
    sparse, dense = random_rows(300, 80, 0.05, seed=1)
    other = np.random.default_rng(2).standard_normal((80, 7))
    back = np.random.default_rng(3).standard_normal((300, 7))
    products = ScipyProducts()
    np.testing.assert_allclose(products.matmul(sparse, other), dense @ other, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(products.rmatmul(sparse, back), dense.T @ back, rtol=1e-4, atol=1e-5)


def test_unit_take_and_hstack_keep_rows_apart() -> None:
    left, left_dense = random_rows(50, 20, 0.2, seed=4)
    right, right_dense = random_rows(50, 9, 0.3, seed=5)
    norms = np.linalg.norm(left_dense, axis=1, keepdims=True)
    expected = np.divide(left_dense, norms, out=np.zeros_like(left_dense), where=norms > 0)
    np.testing.assert_allclose(left.unit().dense(), expected, rtol=1e-5, atol=1e-7)
    picked = np.array([7, 0, 49, 7])
    np.testing.assert_allclose(left.take(picked).dense(), left_dense[picked], rtol=1e-6)
    np.testing.assert_allclose(left.hstack(right).dense(), np.hstack([left_dense, right_dense]), rtol=1e-6)


@pytest.mark.parametrize("exact_cells", [10**9, 0], ids=["exact", "randomized"])
def test_the_svd_finds_the_top_singular_values_and_directions_of_a_low_rank_matrix(exact_cells: int) -> None:
    random = np.random.default_rng(6)
    # five taste groups: each user holds a few of their group's 60 artists, weighted by the group's
    # own profile, and one stray artist; a clear gap after five singular values
    group = random.integers(0, 5, 400)
    profile = random.random((5, 300)) * (np.arange(300)[None, :] // 60 == np.arange(5)[:, None])
    held = (random.random((400, 300)) < 0.3) & (profile[group] > 0)
    held[np.arange(400), random.integers(0, 300, 400)] = True
    dense = np.where(held, profile[group] + 0.01, 0.0)
    rows = [{str(j): float(dense[i, j]) for j in np.flatnonzero(dense[i])} for i in range(400)]
    sparse = SparseRows.from_rows(rows, {str(j): j for j in range(300)})

    singular, right = truncated_svd(sparse, 5, exact_cells=exact_cells)
    compiled = truncated_svd(sparse, 5, exact_cells=exact_cells, products=ScipyProducts())
    np.testing.assert_allclose(compiled[0], singular, rtol=1e-4)

    reference = TruncatedSVD(n_components=5, algorithm="arpack").fit(dense)
    np.testing.assert_allclose(singular, reference.singular_values_, rtol=1e-3)
    # the same subspace: projecting the reference directions on ours loses nothing
    overlap = np.linalg.norm(reference.components_ @ right.T, axis=1)
    np.testing.assert_allclose(overlap, np.ones(5), atol=1e-3)


def test_an_empty_matrix_has_no_directions() -> None:
    singular, right = truncated_svd(SparseRows.empty(4, 6), 3)
    assert singular.size == 0 and right.shape == (0, 6)
