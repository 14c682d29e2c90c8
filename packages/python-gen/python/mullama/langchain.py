"""LangChain's ``Embeddings`` over the in-process library (no server): ``pip install mullama[langchain]``.

    from mullama.langchain import MullamaEmbeddings

    embeddings = MullamaEmbeddings("all-minilm")
    vectors = embeddings.embed_documents(["first document", "second document"])
    query = embeddings.embed_query("what is in the documents?")

``embed_documents`` embeds with the document role and ``embed_query`` with the query role, so a
model with query and document prompts (e5, nomic-embed, bge) gets each; the async forms go
through the core's non-blocking entry, so concurrent calls share micro-batches.
"""

from __future__ import annotations

from typing import Any, List, Optional, Union

from langchain_core.embeddings import Embeddings

import mullama


class MullamaEmbeddings(Embeddings):
    """Embeds with a GGUF model in this process.

    ``model``: a store name (``all-minilm``), a GGUF path, or a loaded ``mullama.Model``.
    ``context``: a ``mullama.Context`` to share (else one is made from ``context_params``).
    Other keyword arguments are ``get_embedding_batch`` options for every call (``normalize``,
    ``dimensions``, ``pooling``, ``overflow``, ``max_tokens``); ``role`` is set per method.
    """

    def __init__(
        self,
        model: Union[str, "mullama.Model"] = "all-minilm",
        *,
        context: Optional["mullama.Context"] = None,
        context_params: Optional["mullama.ContextParams"] = None,
        **options: Any,
    ) -> None:
        if "role" in options or "prompt" in options:
            raise ValueError("MullamaEmbeddings sets the role per method: embed_documents embeds documents, embed_query queries")
        if context is not None:
            self.context = context
        else:
            loaded = model if isinstance(model, mullama.Model) else mullama.Model.load(mullama.resolve_model_path(model))
            self.context = mullama.Context(loaded, context_params)
        self.options = options

    def embed_documents(self, texts: List[str]) -> List[List[float]]:
        return [e.data.tolist() for e in self.context.get_embedding_batch(list(texts), role="document", **self.options)]

    def embed_query(self, text: str) -> List[float]:
        return self.context.get_embedding(text, role="query", **self.options).data.tolist()

    async def aembed_documents(self, texts: List[str]) -> List[List[float]]:
        out = await self.context.get_embedding_batch_async(list(texts), role="document", **self.options)
        return [e.data.tolist() for e in out]

    async def aembed_query(self, text: str) -> List[float]:
        return (await self.context.get_embedding_async(text, role="query", **self.options)).data.tolist()
