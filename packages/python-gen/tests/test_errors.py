"""Bad inputs give typed errors (a `MullamaError` subclass per stable code), never a hang or a crash."""

import os

import numpy as np
import pytest

import mullama
from mullama import Context, ContextParams, Model, OverflowPolicy, PoolingStrategy


def test_one_exception_class_per_error_code():
    for code in mullama.ErrorCode:
        cls = getattr(mullama, code.name + "Error")
        assert issubclass(cls, mullama.MullamaError) and issubclass(cls, Exception)
        assert cls.code == code.value
        assert cls.__module__ == "mullama"


def test_empty_text(minilm):
    with Context(minilm) as ctx:
        with pytest.raises(mullama.EmptyInputError) as e:
            ctx.get_embedding("")
        assert e.value.code == "EMPTY_INPUT"
        with pytest.raises(mullama.EmptyInputError):
            ctx.get_embedding_batch(["fine", ""])


def test_missing_and_corrupt_models(tmp_path, testdata):
    with pytest.raises(mullama.ModelNotFoundError) as e:
        Model.load(str(tmp_path / "nope.gguf"))
    assert e.value.code == "MODEL_NOT_FOUND"
    for name in ("not-a-gguf.gguf", "corrupt-truncated.gguf"):
        with pytest.raises(mullama.ModelInvalidError) as e:
            Model.load(str(testdata / name))
        assert e.value.code == "MODEL_INVALID"


def test_too_long_with_small_context(minilm):
    long_text = "word " * 200
    with Context(minilm, ContextParams(n_ctx=16)) as ctx:
        with pytest.raises(mullama.InputTooLongError) as e:
            ctx.get_embedding(long_text)
        assert e.value.code == "INPUT_TOO_LONG"
    with Context(minilm, ContextParams(n_ctx=16, overflow=OverflowPolicy.TruncateEnd)) as ctx:
        emb = ctx.get_embedding(long_text)
        assert emb.truncated and emb.tokens == 16 and emb.input_tokens > 16
    with Context(minilm, ContextParams(n_ctx=16, overflow="truncate_start")) as ctx:
        assert ctx.get_embedding(long_text).truncated


def test_native_pooling_on_a_decoder(testdata):
    with Context(Model.load(str(testdata / "tiny-llama.gguf"))) as ctx:
        with pytest.raises(mullama.PoolingUnsupportedError) as e:
            ctx.get_embedding("Hello", pooling=PoolingStrategy.Native)
        assert "Mean" in str(e.value)
        assert ctx.get_embedding("Hello", pooling=PoolingStrategy.Last).dimension > 0


def test_closed_context(minilm):
    ctx = Context(minilm)
    ctx.close()
    with pytest.raises(mullama.ContextClosedError):
        ctx.get_embedding("Hello")
    ctx.close()  # closing twice is fine


def test_invalid_params(minilm):
    with pytest.raises(mullama.InvalidArgumentError):
        Context(minilm, ContextParams(embeddings=False))


def test_dimension_mismatch():
    with pytest.raises(mullama.DimensionMismatchError) as e:
        mullama.cosine_similarity(np.ones(3, np.float32), np.ones(4, np.float32))
    assert e.value.code == "DIMENSION_MISMATCH"
    with pytest.raises(mullama.DimensionMismatchError):
        mullama.dot_product([1.0], [1.0, 2.0])


def test_wrong_argument_types(minilm):
    with Context(minilm) as ctx:
        # The API takes str only: bytes (valid UTF-8 or not) are a TypeError, as usual in Python.
        with pytest.raises(TypeError):
            ctx.get_embedding(b"\xff\xfe invalid utf-8")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            ctx.get_embedding(42)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            ctx.get_embedding_batch("not a list")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            ctx.get_embedding("x", pooling=3)  # type: ignore[arg-type]
        # A lone surrogate has no UTF-8 form: the typed error, as invalid bytes get in Rust.
        with pytest.raises(mullama.InvalidUtf8Error) as e:
            ctx.get_embedding("bad \ud800 text")
        assert e.value.code == "INVALID_UTF8"
        with pytest.raises(mullama.InvalidUtf8Error, match="text 1:"):
            ctx.get_embedding_batch(["fine", "bad \udc00"])
        # Integers out of the native range name the argument instead of wrapping or overflowing.
        with pytest.raises(mullama.InvalidArgumentError, match="dimensions must be an integer from 0 to 4294967295"):
            ctx.get_embedding("x", dimensions=2**32)
        with pytest.raises(mullama.InvalidArgumentError, match="max_tokens"):
            ctx.get_embedding("x", max_tokens=-1)
    for bad in (2**32, -1, 2**64):
        with pytest.raises(mullama.InvalidArgumentError, match="^n_ctx must be an integer from 0 to 4294967295"):
            mullama.ContextParams(n_ctx=bad)
    params = mullama.ContextParams()
    with pytest.raises(mullama.InvalidArgumentError, match="^n_batch"):
        params.n_batch = 2**40
    # Not an integer at all is a TypeError, as everywhere in Python; it names the argument too.
    for bad in (1.5, True, "12"):
        with pytest.raises(TypeError, match="^n_threads must be an integer"):
            mullama.ContextParams(n_threads=bad)
    params.n_workers = np.int64(1)  # numpy integers are integers
    assert params.n_workers == 1
    with pytest.raises(TypeError):
        Context("not a model")  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_child_fails_fast_instead_of_hanging(minilm):
    ctx = Context(minilm)
    ctx.get_embedding("warm up")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: must answer with CONTEXT_CLOSED, and the module must still work
        code = 1
        try:
            try:
                ctx.get_embedding("in the child")
            except mullama.ContextClosedError:
                v = mullama.normalize([3.0, 4.0])
                code = 0 if abs(float(v[0]) - 0.6) < 1e-6 else 2
                # a fresh context in the child works: no lock or thread of the parent is needed
                with Context(minilm) as fresh:
                    if fresh.get_embedding("child").dimension != 384:
                        code = 3
        finally:
            os.write(w, bytes([code]))
            os._exit(code)
    os.close(w)
    import select

    ready, _, _ = select.select([r], [], [], 30)
    assert ready, "the forked child hung"
    assert os.read(r, 1) == b"\x00"
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # the parent's context still works
    assert ctx.get_embedding("parent").dimension == 384
    ctx.close()
