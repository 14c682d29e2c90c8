"""mullama.llama_index.MullamaEmbedding with the real llama-index-core: the library's vectors,
document prompts for texts and query prompts for queries, batches, async, and a VectorStoreIndex
that retrieves with it."""

import asyncio

import numpy as np
import pytest

import mullama

# llama-index-core is in requirements-dev.txt (scripts/setup.sh test): a missing one fails here.
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding

from mullama.llama_index import MullamaEmbedding


def test_texts_and_queries_get_their_prompts(prompted_model):
    emb = MullamaEmbedding(prompted_model, options={"normalize": True})
    assert isinstance(emb, BaseEmbedding)
    with mullama.Context(prompted_model) as ctx:
        want_doc = ctx.get_embedding("the cat sat", prompt="passage: ", normalize=True).data
        want_query = ctx.get_embedding("where is the cat?", prompt="query: ", normalize=True).data
    np.testing.assert_allclose(emb.get_text_embedding("the cat sat"), want_doc, atol=1e-5)
    np.testing.assert_allclose(emb.get_query_embedding("where is the cat?"), want_query, atol=1e-5)
    batch = emb.get_text_embedding_batch(["the cat sat", "b", "c"])
    np.testing.assert_allclose(batch[0], want_doc, atol=1e-5)
    assert len(batch) == 3
    got = asyncio.run(emb.aget_query_embedding("where is the cat?"))
    np.testing.assert_allclose(got, want_query, atol=1e-5)
    with pytest.raises(ValueError):
        MullamaEmbedding(prompted_model, options={"role": "query"})


def test_a_vector_store_index_retrieves_with_it(default_model_path):
    emb = MullamaEmbedding(str(default_model_path))
    docs = [Document(text=t) for t in ["Pasta is boiled in salted water.", "The stock market fell sharply.", "Cats sleep most of the day."]]
    index = VectorStoreIndex.from_documents(docs, embed_model=emb)
    top = index.as_retriever(similarity_top_k=1).retrieve("how do I cook spaghetti?")
    assert top[0].node.get_content() == "Pasta is boiled in salted water."
