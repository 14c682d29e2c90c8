"""Context.stream in Python: push order kept, the vectors of one call, progress counting computed
vectors, a failing batch raised in its place, and the asyncio form of next."""

import asyncio

import numpy as np
import pytest

import mullama

TEXTS = [f"text {i} about {['cats', 'rivers', 'markets'][i % 3]}" for i in range(100)]


@pytest.fixture
def tiny_bert(testdata):
    return mullama.Model.load(str(testdata / "tiny-bert.gguf"))


def test_batches_come_back_in_push_order(tiny_bert):
    with mullama.Context(tiny_bert) as ctx:
        whole = ctx.get_embedding_batch(TEXTS)
        s = ctx.stream(normalize=True)
        assert isinstance(s, mullama.EmbeddingStream)
        got, most = [], 0
        for i in range(0, len(TEXTS), 16):
            s.push(TEXTS[i : i + 16])
            most = max(most, s.progress().pending)
            if s.progress().pending >= 3:
                got += s.next()
        while s.progress().pending:
            got += s.next()
        assert s.next() == []
        assert most == 3 and len(got) == len(TEXTS)
        for e, w in zip(got, whole):
            assert mullama.cosine_similarity(e.data, w.data) > 0.9999
        p = s.progress()
        assert (p.pushed, p.embedded, p.delivered, p.pending) == (100, 100, 100, 0)
        assert p.tokens == sum(e.tokens for e in got)


def test_next_async_and_a_failing_batch(tiny_bert):
    with mullama.Context(tiny_bert, mullama.ContextParams(n_ctx=16)) as ctx:
        s = ctx.stream()
        s.push(["ab", "cd"])
        s.push(["ef", "this text is much too long for sixteen tokens of context"])
        s.push(["gh"])

        async def drain():
            first = await s.next_async()
            with pytest.raises(mullama.InputTooLongError, match=r"^the batch of texts 2 to 3: text 1: "):
                await s.next_async()
            return first, await s.next_async()

        first, last = asyncio.run(drain())
        assert len(first) == 2 and len(last) == 1
        assert np.asarray(last[0].data).shape == (64,)


def test_bad_options_and_a_closed_context(tiny_bert):
    ctx = mullama.Context(tiny_bert)
    with pytest.raises(mullama.InvalidArgumentError):
        ctx.stream(dimensions=0)
    s = ctx.stream()
    ctx.close()
    with pytest.raises(mullama.ContextClosedError):
        s.push(["x"])
