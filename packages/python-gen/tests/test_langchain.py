"""mullama.langchain.MullamaEmbeddings with the real langchain-core: the library's vectors, the
document prompt for documents and the query prompt for queries, sync and async."""

import asyncio

import numpy as np
import pytest

import mullama

# langchain-core is in requirements-dev.txt (scripts/setup.sh test): a missing one fails here.
from langchain_core.embeddings import Embeddings

from mullama.langchain import MullamaEmbeddings


def test_documents_and_queries_get_their_prompts(prompted_model):
    assert prompted_model.info.query_prompt == "query: "
    emb = MullamaEmbeddings(prompted_model, normalize=True)
    assert isinstance(emb, Embeddings)
    docs = ["the cat sat on the mat", "stock markets fell"]
    got = emb.embed_documents(docs)
    with mullama.Context(prompted_model) as ctx:
        want_docs = [e.data for e in ctx.get_embedding_batch(docs, prompt="passage: ", normalize=True)]
        want_query = ctx.get_embedding("where is the cat?", prompt="query: ", normalize=True).data
        plain = ctx.get_embedding("where is the cat?", normalize=True).data
    assert isinstance(got, list) and all(isinstance(x, float) for x in got[0])
    np.testing.assert_allclose(np.array(got), np.stack(want_docs), atol=1e-5)
    query = emb.embed_query("where is the cat?")
    np.testing.assert_allclose(query, want_query, atol=1e-5)
    assert not np.allclose(query, plain, atol=1e-3), "the query prompt changes the vector"
    assert emb.embed_documents([]) == []


def test_async_forms_and_a_store_name(prompted_model, default_model_path):
    emb = MullamaEmbeddings(prompted_model)

    async def both():
        return await asyncio.gather(emb.aembed_documents(["a", "b"]), emb.aembed_query("c"))

    docs, query = asyncio.run(both())
    np.testing.assert_allclose(docs, emb.embed_documents(["a", "b"]), atol=1e-5)
    np.testing.assert_allclose(query, emb.embed_query("c"), atol=1e-5)
    by_path = MullamaEmbeddings(str(default_model_path))
    assert len(by_path.embed_query("hello")) == 384
    with pytest.raises(ValueError):
        MullamaEmbeddings(prompted_model, role="query")
