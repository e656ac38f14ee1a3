import numpy
import pytest
import spacy
from thinc.api import NumpyOps, get_current_ops, set_current_ops

from newsgraph.nlp.blas import describe_blas, numpy_blas, numpy_blas_ops


def _tok2vec_pipeline() -> spacy.language.Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("tok2vec")
    nlp.initialize()
    return nlp


def _vectors(nlp: spacy.language.Language, text: str) -> numpy.ndarray:
    return nlp(text).tensor


def test_models_created_inside_multiply_through_numpy_and_ops_are_restored_after():
    before = get_current_ops()
    with numpy_blas():
        nlp = _tok2vec_pipeline()
        assert get_current_ops().use_blis is False
    assert get_current_ops() is before
    assert all(node.ops.use_blis is False for node in nlp.get_pipe("tok2vec").model.walk())
    assert _tok2vec_pipeline().get_pipe("tok2vec").model.ops.use_blis is True


def test_same_vectors_as_blis_up_to_rounding():
    nlp_blis = _tok2vec_pipeline()
    with numpy_blas():
        nlp_numpy = spacy.blank("de")
        nlp_numpy.add_pipe("tok2vec")
    nlp_numpy.from_bytes(nlp_blis.to_bytes())
    text = "Der US-Aussenminister traf in Genf die Delegation der Ukraine."
    blis, numpy_ = _vectors(nlp_blis, text), _vectors(nlp_numpy, text)
    assert blis.shape == numpy_.shape == (len(nlp_blis.make_doc(text)), 96)
    assert numpy.abs(blis).max() > 0.01
    numpy.testing.assert_allclose(blis, numpy_, rtol=1e-4, atol=1e-5)


class _OtherCpuOps(NumpyOps):
    name = "other-cpu"


def test_a_backend_the_user_chose_is_kept_and_described():
    assert describe_blas().startswith("numpy's BLAS (")
    chosen = _OtherCpuOps()
    previous = get_current_ops()
    set_current_ops(chosen)
    try:
        with numpy_blas():
            assert get_current_ops() is chosen
        assert describe_blas().startswith("_OtherCpuOps: the thinc backend already in use")
    finally:
        set_current_ops(previous)


@pytest.mark.parametrize("trans1,trans2", [(False, False), (True, False), (False, True), (True, True)])
def test_gemm_matches_blis(trans1, trans2):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((7, 5), dtype="float32")
    y = rng.standard_normal((5, 3), dtype="float32")
    x_in = numpy.ascontiguousarray(x.T) if trans1 else x
    y_in = numpy.ascontiguousarray(y.T) if trans2 else y
    expected = NumpyOps().gemm(x_in, y_in, trans1=trans1, trans2=trans2)
    out = numpy.empty((7, 3), dtype="float32")
    got = numpy_blas_ops().gemm(x_in, y_in, out=out, trans1=trans1, trans2=trans2)
    numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert got is out
