"""Every pooling strategy on the tiny encoder and decoder against the independent numpy forward
pass (target/testdata/reference/*.json); tolerances as in packages/core-native/tests/reference.rs."""

import json

import numpy as np
import pytest

import mullama
from mullama import Context, ContextParams, Model, PoolingStrategy

ALL = ["mean", "first", "last", "max", "native"]


def unit(v):
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v)
    return v / n if n else v


@pytest.mark.parametrize(
    "name,strategies,exact,tol",
    [
        ("tiny-bert", ALL, True, 1e-4),
        ("tiny-llama", ALL[:4], True, 1e-4),
        ("tiny-bert", ALL, False, 1e-3),
        ("tiny-llama", ALL[:4], False, 1e-3),
    ],
)
def test_matches_reference(testdata, name, strategies, exact, tol):
    ref = json.loads((testdata / "reference" / f"{name}.json").read_text())
    model = Model.load(str(testdata / f"{name}.gguf"))
    assert model.info.dimension == ref["dimension"]
    params = ContextParams(embeddings=True, flash_attention=not exact)
    with Context(model, params) as ctx:
        texts = [it["text"] for it in ref["items"]]
        for key in strategies:
            got = ctx.get_embedding_batch(texts, pooling=PoolingStrategy(key), normalize=False)
            for item, emb in zip(ref["items"], got):
                assert emb.data.dtype == np.float32
                assert emb.dimension == len(emb.data) == ref["dimension"]
                assert emb.input_tokens == len(item["tokens"])
                diff = np.abs(unit(emb.data) - unit(item["pooled"][key])).max()
                assert diff <= tol, f"{name} {key} {item['text']!r}: {diff} > {tol}"
            # one text at a time gives the same vectors as the batch (batch invariance)
            single = ctx.get_embedding(texts[0], pooling=key)
            assert np.abs(unit(single.data) - unit(got[0].data)).max() <= 5e-4


def test_model_info(testdata, minilm):
    bert = Model.load(str(testdata / "tiny-bert.gguf")).info
    llama = Model.load(str(testdata / "tiny-llama.gguf")).info
    assert bert.is_encoder and not llama.is_encoder
    assert llama.native_pooling is None
    info = minilm.info
    assert info.dimension == 384 and info.architecture == "bert"
    assert info.native_pooling is PoolingStrategy.Mean
    assert isinstance(info.size_bytes, int) and info.parameters > 0


def test_enums_and_records():
    assert PoolingStrategy.Mean is PoolingStrategy("mean")
    assert PoolingStrategy.Mean == "mean"
    assert [m.name for m in mullama.OverflowPolicy] == ["Error", "TruncateEnd", "TruncateStart"]
    assert mullama.ConvertType.Q8_0.value == "q8_0"
    p = ContextParams()
    assert (p.embeddings, p.n_ctx, p.n_batch, p.n_threads, p.n_workers) == (True, 0, 0, 0, 0)
    # Unset: the model decides (ModelInfo.default_pooling, default_normalize).
    assert p.pooling is None and p.normalize is None
    assert p.overflow is mullama.OverflowPolicy.Error and p.flash_attention is True
    p.pooling = "last"
    p.n_ctx = 64
    assert p.pooling is PoolingStrategy.Last and p.n_ctx == 64
    p.pooling = None
    assert p.pooling is None
    assert "n_ctx=64" in repr(p)
    with pytest.raises(TypeError):
        ContextParams(n_ctx="big")
    with pytest.raises(mullama.InvalidArgumentError):
        ContextParams(pooling="median")


def test_similarity_functions():
    a = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    assert mullama.cosine_similarity(a, [1, 2, 3]) == pytest.approx(1.0)
    assert mullama.dot_product([1, 2], np.array([3.0, 4.0])) == pytest.approx(11.0)
    n = mullama.normalize([3, 4])
    assert isinstance(n, np.ndarray) and n.dtype == np.float32
    assert np.allclose(n, [0.6, 0.8])
    assert np.array_equal(mullama.normalize([0, 0]), [0, 0])
    with pytest.raises(TypeError):
        mullama.cosine_similarity("abc", "abd")


def test_normalize_option(minilm):
    with Context(minilm, ContextParams(normalize=True)) as ctx:
        e = ctx.get_embedding("Hello!")
        assert np.linalg.norm(e.data) == pytest.approx(1.0, abs=1e-5)
        raw = ctx.get_embedding("Hello!", normalize=False)
        assert np.linalg.norm(raw.data) > 1.01


def test_data_is_not_copied(minilm):
    with Context(minilm) as ctx:
        e = ctx.get_embedding("Hello!")
        # numpy owns no buffer: it views the Vec<f32> moved out of Rust
        assert not e.data.flags["OWNDATA"] and e.data.base is not None
        assert e.data is e.data  # the same array each time


async def _gather(ctx, path, texts):
    import asyncio

    model = await Model.load_async(path)
    singles = await asyncio.gather(*(ctx.get_embedding_async(t) for t in texts))
    batch = await ctx.get_embedding_batch_async(texts, pooling=PoolingStrategy.Mean)
    return model, singles, batch


def test_async_variants(minilm, default_model_path):
    import asyncio

    texts = [f"text number {i}" for i in range(16)]
    with Context(minilm) as ctx:
        model, singles, batch = asyncio.run(_gather(ctx, str(default_model_path), texts))
        assert model.info.dimension == 384
        for s, b in zip(singles, batch):
            assert np.abs(unit(s.data) - unit(b.data)).max() <= 5e-4

        async def bad():
            await ctx.get_embedding_async("")

        with pytest.raises(mullama.EmptyInputError):
            asyncio.run(bad())
