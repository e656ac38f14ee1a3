"""thinc's dense matrix products through numpy's BLAS (OpenBLAS) instead of thinc's bundled BLIS.

The BLIS that thinc ships (cython-blis 1.x wheels) picks its kernels by CPU model and has none for AMD Zen 3 and
newer (family 0x19): there it falls back to BLIS's generic C code, which multiplies about three times slower
than the OpenBLAS inside numpy, whose kernels are chosen at run time for the CPU it runs on. ``NumpyOps(use_blis=False)``
sends thinc's ``gemm`` (every tok2vec, tagger and state-layer product) through ``numpy.dot``; the transition
parser's small per-step products still go through BLIS. The results are the same up to float rounding.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from importlib.metadata import PackageNotFoundError, version

import numpy
from thinc.api import NumpyOps, get_current_ops, set_current_ops, use_ops


def numpy_blas_ops() -> NumpyOps:
    """CPU ops whose ``gemm`` is ``numpy.dot``."""
    return NumpyOps(use_blis=False)


def _replaceable() -> bool:
    """Only thinc's plain CPU ops are replaced: a GPU or another CPU backend the user chose stays."""
    return type(get_current_ops()) is NumpyOps


def use_numpy_blas() -> None:
    """Make numpy's BLAS the current ops for models created from now on (training scripts)."""
    if _replaceable():
        set_current_ops(numpy_blas_ops())


@contextmanager
def numpy_blas() -> Iterator[None]:
    """Models created inside the block multiply through numpy's BLAS; thinc's current ops are restored after."""
    if not _replaceable():
        yield
        return
    with use_ops("numpy", use_blis=False):
        yield


def describe_blas() -> str:
    """Which library multiplies thinc's matrices in pipelines newsgraph loads now (``newsgraph info``)."""
    if not _replaceable():
        return f"{type(get_current_ops()).__name__}: the thinc backend already in use (left alone)"
    blas = numpy.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})  # type: ignore[attr-defined]
    try:
        blis = version("blis")
    except PackageNotFoundError:
        blis = "?"
    return (f"numpy's BLAS ({blas.get('name', 'unknown')} {blas.get('version', '?')}); "
            f"the transition systems' per-step products: BLIS {blis}")
