"""The fit's sparse products through scipy's compiled CSR kernels, for the batch step.

``soulmate build-index`` hands these to the SVD and to the projection of every listener: the same
sums as ``soulmate_core.sparse.NumpyProducts``, read in one pass of single precision instead of
gathered through numpy, about ten times faster. Only the batch step imports this module; the API
bundle never ships scipy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from soulmate_core.sparse import SparseRows


class ScipyProducts:
    def matmul(self, rows: SparseRows, dense: NDArray[np.floating]) -> NDArray[np.floating]:
        product: NDArray[np.floating] = _csr(rows) @ np.asarray(dense, dtype=np.float32)
        return product

    def rmatmul(self, rows: SparseRows, dense: NDArray[np.floating]) -> NDArray[np.floating]:
        product: NDArray[np.floating] = _csr(rows).T @ np.asarray(dense, dtype=np.float32)
        return product


def _csr(rows: SparseRows) -> csr_matrix:
    """A view of ``rows``, no copy of the non-zeros: 32-bit offsets where they fit, as the
    indices already are, so scipy does not widen both."""
    fits = rows.indptr[-1] < np.iinfo(np.int32).max
    indptr = rows.indptr.astype(np.int32) if fits else rows.indptr
    indices = rows.indices if fits else rows.indices.astype(np.int64)
    return csr_matrix((rows.data, indices, indptr), shape=(len(rows), rows.width), copy=False)
