"""LlamaIndex's ``BaseEmbedding`` over the in-process library (no server):
``pip install mullama[llama-index]``.

    from llama_index.core import Settings
    from mullama.llama_index import MullamaEmbedding

    Settings.embed_model = MullamaEmbedding("all-minilm")

Texts (documents, nodes) are embedded with the document role and queries with the query role,
so a model with query and document prompts (e5, nomic-embed, bge) gets each; the async forms go
through the core's non-blocking entry.
"""

from __future__ import annotations

from typing import Any, List, Optional, Union

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

import mullama


class MullamaEmbedding(BaseEmbedding):
    """Embeds with a GGUF model in this process.

    ``model``: a store name (``all-minilm``), a GGUF path, or a loaded ``mullama.Model``;
    ``context``: a ``mullama.Context`` to share (else one is made from ``context_params``);
    ``options``: ``get_embedding_batch`` options for every call (``normalize``, ``dimensions``,
    ...); ``role`` is set per method. Other keyword arguments are LlamaIndex's
    (``embed_batch_size``, ``callback_manager``).
    """

    _context: Any = PrivateAttr()
    _options: Any = PrivateAttr()

    def __init__(
        self,
        model: Union[str, "mullama.Model"] = "all-minilm",
        *,
        context: Optional["mullama.Context"] = None,
        context_params: Optional["mullama.ContextParams"] = None,
        options: Optional[dict] = None,
        **kwargs: Any,
    ) -> None:
        options = dict(options or {})
        if "role" in options or "prompt" in options:
            raise ValueError("MullamaEmbedding sets the role per method: texts are documents, queries are queries")
        if context is None:
            loaded = model if isinstance(model, mullama.Model) else mullama.Model.load(mullama.resolve_model_path(model))
            context = mullama.Context(loaded, context_params)
        kwargs.setdefault("model_name", model if isinstance(model, str) else "mullama")
        super().__init__(**kwargs)
        self._context = context
        self._options = options

    @classmethod
    def class_name(cls) -> str:
        return "MullamaEmbedding"

    def _get_query_embedding(self, query: str) -> List[float]:
        return self._context.get_embedding(query, role="query", **self._options).data.tolist()

    async def _aget_query_embedding(self, query: str) -> List[float]:
        return (await self._context.get_embedding_async(query, role="query", **self._options)).data.tolist()

    def _get_text_embedding(self, text: str) -> List[float]:
        return self._context.get_embedding(text, role="document", **self._options).data.tolist()

    async def _aget_text_embedding(self, text: str) -> List[float]:
        return (await self._context.get_embedding_async(text, role="document", **self._options)).data.tolist()

    def _get_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        return [e.data.tolist() for e in self._context.get_embedding_batch(list(texts), role="document", **self._options)]

    async def _aget_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        out = await self._context.get_embedding_batch_async(list(texts), role="document", **self._options)
        return [e.data.tolist() for e in out]
