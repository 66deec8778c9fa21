"""Sparse rows in numpy alone: the CSR layout, the products a truncated SVD needs, and that SVD.

A listener holds about a hundred of a catalogue's hundred thousand artists, so the users x artists
matrix is almost all zeros. ``SparseRows`` keeps only the non-zeros; its products work through them
in chunks, so memory grows with the non-zeros and never with users x catalogue.

The batch step may hand the SVD faster products (``Products``): a compiled sparse library on a
build machine does the same sums an order of magnitude faster (``soulmate_adapters.scipy_products``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Dense = NDArray[np.float64]

_SCRATCH_FLOATS = 1 << 22
"""Floats a product gathers at once (32 MB): non-zeros per chunk times the dense side's columns."""
_TAKE_BLOCK = 1 << 16
"""Rows ``take`` gathers at once."""
_ROW_BY_ROW = 64
"""Up to this many rows a product goes row by row: for a query's few finalists that is quicker
than gathering and summing segments."""
EXACT_CELLS = 40_000_000
"""Up to this many cells (rows x columns) the SVD densifies and is exact."""


@dataclass(frozen=True)
class SparseRows:
    """Rows in compressed sparse row form: row ``i`` holds ``data[indptr[i]:indptr[i+1]]`` at
    columns ``indices[indptr[i]:indptr[i+1]]``, each column at most once per row."""

    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    data: NDArray[np.float32]
    width: int

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, float]], vocabulary: Mapping[str, int]) -> SparseRows:
        """Rows over ``vocabulary``; keys outside it are dropped."""
        known = [{vocabulary[k]: v for k, v in row.items() if k in vocabulary} for row in rows]
        return cls.from_columns(known, len(vocabulary))

    @classmethod
    def from_columns(cls, rows: Sequence[Mapping[int, float]], width: int) -> SparseRows:
        """Rows given as column -> value."""
        lengths = np.cumsum([0, *(len(row) for row in rows)]).astype(np.int64)
        indices = [column for row in rows for column in row]
        data = [value for row in rows for value in row.values()]
        return cls(lengths, np.asarray(indices, dtype=np.int32), np.asarray(data, dtype=np.float32), width)

    @classmethod
    def empty(cls, rows: int, width: int) -> SparseRows:
        return cls(np.zeros(rows + 1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), width)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @property
    def row_of(self) -> NDArray[np.intp]:
        """The row of every non-zero: as many bytes again as the non-zeros, so made when asked
        for and never kept."""
        return np.repeat(np.arange(len(self), dtype=np.intp), np.diff(self.indptr))

    def with_data(self, data: NDArray[np.floating]) -> SparseRows:
        return SparseRows(self.indptr, self.indices, data.astype(np.float32), self.width)

    def row_sums(self, values: NDArray[np.floating] | None = None) -> Dense:
        """Per row, the sum of ``values`` (one per non-zero; the data by default)."""
        weights = self.data if values is None else values
        sums: Dense = segment_sums(self.indptr, weights.astype(np.float64, copy=False)).astype(np.float64)
        return sums

    def unit(self) -> SparseRows:
        """Each row scaled to length 1; empty rows stay empty."""
        norms = np.sqrt(self.row_sums(self.data.astype(np.float64) ** 2))
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 1e-12)
        return self.with_data(self.data * np.repeat(scale.astype(np.float32), np.diff(self.indptr)))

    def take(self, rows: NDArray[np.intp]) -> SparseRows:
        """Rows ``rows``, in that order; gathered a block of rows at a time, so a reordering of
        millions of rows needs no index as long as all their non-zeros."""
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        indices = np.empty(indptr[-1], dtype=self.indices.dtype)
        data = np.empty(indptr[-1], dtype=self.data.dtype)
        for first in range(0, len(rows), _TAKE_BLOCK):
            last = min(len(rows), first + _TAKE_BLOCK)
            lo, hi = indptr[first], indptr[last]
            picks = np.repeat(starts[first:last] - indptr[first:last], lengths[first:last]) + np.arange(
                lo, hi
            )
            indices[lo:hi], data[lo:hi] = self.indices[picks], self.data[picks]
        return SparseRows(indptr, indices, data, self.width)

    def hstack(self, other: SparseRows) -> SparseRows:
        """These columns, then ``other``'s after them, row by row."""
        mine, theirs = np.diff(self.indptr), np.diff(other.indptr)
        indptr = np.concatenate(([0], np.cumsum(mine + theirs))).astype(np.int64)
        # each row's own non-zeros first, then the other's: one flag per non-zero says whose it is
        own = np.repeat(np.tile(np.array([True, False]), len(self)), np.column_stack((mine, theirs)).ravel())
        indices = np.empty(indptr[-1], dtype=np.int32)
        data = np.empty(indptr[-1], dtype=np.float32)
        indices[own], data[own] = self.indices, self.data
        indices[~own], data[~own] = other.indices + self.width, other.data
        return SparseRows(indptr, indices, data, self.width + other.width)

    def matmul(self, dense: NDArray[np.floating]) -> Dense:
        """``self @ dense``, gathering at most ``_SCRATCH_FLOATS`` values of ``dense`` at once."""
        if len(self) <= _ROW_BY_ROW:
            return np.array(
                [self.data[lo:hi] @ dense[self.indices[lo:hi]] for lo, hi in itertools.pairwise(self.indptr)],
                dtype=np.float64,
            ).reshape(len(self), dense.shape[1])
        out = np.zeros((len(self), dense.shape[1]))
        row_of = self.row_of
        for start, end in _chunks(self.indptr, max(1, _SCRATCH_FLOATS // max(1, dense.shape[1]))):
            lo, hi = self.indptr[start], self.indptr[end]
            gathered = dense[self.indices[lo:hi]] * self.data[lo:hi, None]
            if hi > lo:
                _sum_rows(out[start:end], row_of[lo:hi] - start, gathered)
        return out

    def rmatmul(self, dense: NDArray[np.floating]) -> Dense:
        """``self.T @ dense``: through the column-sorted order of the non-zeros."""
        return self.transposed.matmul(dense)

    @cached_property
    def transposed(self) -> SparseRows:
        return self.transpose()

    def transpose(self) -> SparseRows:
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.width)
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        rows = self.row_of[order].astype(np.int32)
        return SparseRows(indptr, rows, self.data[order], len(self))

    def dense(self) -> Dense:
        out = np.zeros((len(self), self.width))
        out[self.row_of, self.indices] = self.data
        return out


def segment_sums(indptr: NDArray[np.int64], values: NDArray[np.floating]) -> NDArray[np.floating]:
    """Per row (``indptr`` as in CSR, from 0), the sum of its ``values``; 0 for an empty row."""
    if len(indptr) < 2:
        return np.zeros(0, dtype=values.dtype)
    sums: NDArray[np.floating] = np.add.reduceat(np.append(values, values.dtype.type(0)), indptr[:-1])
    sums[indptr[:-1] == indptr[1:]] = 0
    return sums


class Products(Protocol):
    """``rows @ dense`` and ``rows.T @ dense``, in single precision or better."""

    def matmul(self, rows: SparseRows, dense: NDArray[np.floating]) -> NDArray[np.floating]: ...

    def rmatmul(self, rows: SparseRows, dense: NDArray[np.floating]) -> NDArray[np.floating]: ...


class NumpyProducts:
    """``SparseRows``' own products: numpy alone, so anywhere the core runs."""

    def matmul(self, rows: SparseRows, dense: NDArray[np.floating]) -> NDArray[np.floating]:
        return rows.matmul(dense)

    def rmatmul(self, rows: SparseRows, dense: NDArray[np.floating]) -> NDArray[np.floating]:
        return rows.rmatmul(dense)


NUMPY_PRODUCTS = NumpyProducts()


def _sum_rows(out: Dense, rows: NDArray[np.intp], values: NDArray[np.floating]) -> None:
    """``out[rows[i]] += values[i]`` for sorted ``rows``, by segment sums."""
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    out[rows[starts]] += np.add.reduceat(values, starts, axis=0)


def _chunks(indptr: NDArray[np.int64], nonzeros: int) -> list[tuple[int, int]]:
    """Consecutive row ranges holding about ``nonzeros`` non-zeros each (at least one row)."""
    bounds = [0]
    n = len(indptr) - 1
    while bounds[-1] < n:
        start = bounds[-1]
        end = int(np.searchsorted(indptr, indptr[start] + nonzeros, side="right")) - 1
        bounds.append(min(n, max(end, start + 1)))
    return list(itertools.pairwise(bounds))


def truncated_svd(
    rows: SparseRows,
    dims: int,
    *,
    seed: int = 0,
    power_iterations: int = 3,
    exact_cells: int = EXACT_CELLS,
    products: Products = NUMPY_PRODUCTS,
) -> tuple[Dense, Dense]:
    """The top ``dims`` singular values and right singular vectors (as rows) of ``rows``.

    Exact for a matrix of up to ``exact_cells`` cells; above that a randomized SVD (range finder
    with power iterations, then an exact SVD of the small projected matrix). Numerically-zero
    directions are dropped.
    """
    n, m = len(rows), rows.width
    if n == 0 or m == 0 or dims <= 0:
        return np.zeros(0), np.zeros((0, m))
    if n * m <= exact_cells:
        return exact_svd(rows.dense(), dims)
    sketch = min(dims + max(10, dims // 4), n, m)
    random = np.random.default_rng(seed)

    def times(dense: Dense) -> Dense:
        return np.asarray(products.matmul(rows, dense), dtype=np.float64)

    def transposed_times(dense: Dense) -> Dense:
        return np.asarray(products.rmatmul(rows, dense), dtype=np.float64)

    basis = times(random.standard_normal((m, sketch)))
    # Each pass only rescales, as the exact basis comes last: one Cholesky pass on the users' side
    # keeps the columns apart; the catalogue's side, many times taller, is left as it comes.
    for _ in range(power_iterations):
        basis = times(transposed_times(_orthonormal(basis, 1)))
    basis = _orthonormal(basis)
    return exact_svd(transposed_times(basis).T, dims)  # of the small sketch x m matrix basis.T @ rows


def exact_svd(matrix: Dense, dims: int) -> tuple[Dense, Dense]:
    """The exact top ``dims`` of a dense matrix, from the eigendecomposition of its smaller Gram matrix."""
    n, m = matrix.shape
    gram = matrix @ matrix.T if n <= m else matrix.T @ matrix
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(-values, kind="stable")[:dims]
    values, vectors = np.clip(values[order], 0.0, None), vectors[:, order]
    singular = np.sqrt(values)
    if n <= m:
        safe = np.where(singular > 0, singular, 1.0)
        right: Dense = (vectors.T @ matrix) / safe[:, None]
    else:
        right = vectors.T
    return _keep(singular, right)


def _keep(singular: Dense, right: Dense) -> tuple[Dense, Dense]:
    if not singular.size:
        return singular, right
    keep = singular > max(float(singular[0]), 0.0) * 1e-5
    return singular[keep], right[keep]


def _orthonormal(matrix: Dense, passes: int = 2) -> Dense:
    """An orthonormal basis of a tall matrix's columns: Cholesky QR, twice for full accuracy
    (matrix products only, several times faster than Householder QR here), or QR when the
    columns are dependent."""
    for _ in range(passes):
        try:
            factor = np.linalg.cholesky(matrix.T @ matrix)
        except np.linalg.LinAlgError:
            return np.linalg.qr(matrix)[0]
        # through the small triangle's inverse: one matrix product instead of a solve per row
        matrix = matrix @ np.linalg.inv(factor).T
    return matrix
