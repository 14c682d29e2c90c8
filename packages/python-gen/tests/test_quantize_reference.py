"""Known answers for `precision`: sentence-transformers' own `quantize_embeddings` (5.1.2, read out
of its PyPI wheel by scripts/st-reference.sh and run with numpy; importing the package would need
torch) on our float vectors must give exactly our quantized ones."""

import __future__
import ast
import zipfile

import numpy as np
import pytest

import mullama
from conftest import ROOT

WHEEL = ROOT / "target" / "st-reference" / "sentence_transformers-5.1.2-py3-none-any.whl"
TEXTS = [line for line in (ROOT / "scenarios" / "corpus" / "short.txt").read_text().splitlines() if line.strip()][:64]


@pytest.fixture(scope="module")
def quantize_embeddings():
    if not WHEEL.exists():
        pytest.fail(f"no {WHEEL}: run scripts/st-reference.sh")
    source = zipfile.ZipFile(WHEEL).read("sentence_transformers/quantization.py").decode()
    fn = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "quantize_embeddings")
    # Its only foreign names: numpy, torch's Tensor (for isinstance; never ours) and a logger.
    scope = {"np": np, "Tensor": type("Tensor", (), {}), "logger": __import__("logging").getLogger("st")}
    # The module's `from __future__ import annotations`: its annotations stay unevaluated.
    code = compile(ast.Module(body=[fn], type_ignores=[]), "quantization.py", "exec", flags=__future__.annotations.compiler_flag)
    exec(code, scope)
    return scope["quantize_embeddings"]


@pytest.fixture(scope="module")
def minilm_context(minilm):
    with mullama.Context(minilm) as ctx:
        yield ctx


@pytest.fixture(scope="module")
def floats(minilm_context):
    return np.stack([e.data for e in minilm_context.get_embedding_batch(TEXTS)])


@pytest.mark.parametrize("precision", ["int8", "uint8"])
def test_calibrated_int8_matches_sentence_transformers(minilm_context, floats, quantize_embeddings, precision):
    calibration = floats[: len(floats) // 2]
    ranges = mullama.quantization_ranges(calibration)
    np.testing.assert_array_equal(ranges, np.concatenate([calibration.min(0), calibration.max(0)]))
    want = quantize_embeddings(floats, precision, calibration_embeddings=calibration)
    # The half outside the calibration can fall outside its ranges, where numpy's cast wraps
    # around and ours saturates: compare where the reference is in range.
    inside = ((floats >= calibration.min(0)) & (floats <= calibration.max(0))).all(axis=1)
    got = np.stack([e.quantized for e in minilm_context.get_embedding_batch(TEXTS, precision=precision, ranges=ranges)])
    assert got.dtype == want.dtype == (np.int8 if precision == "int8" else np.uint8)
    assert inside.sum() >= len(calibration)
    np.testing.assert_array_equal(got[inside], want[inside])


@pytest.mark.parametrize("precision", ["int8", "uint8"])
def test_a_call_calibrates_on_itself_like_sentence_transformers(minilm_context, floats, quantize_embeddings, precision):
    got = [e.quantized for e in minilm_context.get_embedding_batch(TEXTS, precision=precision)]
    np.testing.assert_array_equal(np.stack(got), quantize_embeddings(floats, precision))


@pytest.mark.parametrize("precision", ["binary", "ubinary"])
def test_binary_matches_sentence_transformers(minilm_context, floats, quantize_embeddings, precision):
    embs = minilm_context.get_embedding_batch(TEXTS, precision=precision)
    got = np.stack([e.quantized for e in embs])
    want = quantize_embeddings(floats, precision)
    assert got.shape == (len(TEXTS), 384 // 8) and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    # Hamming distance is the popcount of the XOR of the packed bits, in either form.
    bits = np.unpackbits(got.view(np.uint8), axis=1)
    assert mullama.hamming_distance(got[0], got[1]) == int((bits[0] != bits[1]).sum())


def test_quantized_vectors_live_in_their_own_space(minilm_context):
    plain, binary = minilm_context.get_embedding_batch(["a cat", "a dog"]), minilm_context.get_embedding_batch(["a cat", "a dog"], precision="binary")
    assert plain[0].space == plain[1].space != binary[0].space
    assert plain[0].quantized is None
    with pytest.raises(mullama.SpaceMismatchError):
        mullama.cosine_similarity(plain[0], binary[1])
    assert mullama.cosine_similarity(plain[0], plain[1]) == pytest.approx(mullama.cosine_similarity(plain[0].data, plain[1].data))
