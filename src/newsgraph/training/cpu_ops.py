"""Import hook for ``spacy train/pretrain --code``: thinc's matrix products through numpy's BLAS.

See :mod:`newsgraph.nlp.blas` for why: on CPUs the bundled BLIS has no kernels for (AMD Zen 3 and newer), thinc
falls back to BLIS's generic code, about three times slower than numpy's OpenBLAS. spaCy's CLI creates the
models after importing ``--code`` and keeps the ops that are current then.
"""

from newsgraph.nlp.blas import use_numpy_blas

use_numpy_blas()
