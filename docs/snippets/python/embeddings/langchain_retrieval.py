# --8<-- [start:langchain]
from langchain_core.vectorstores import InMemoryVectorStore
from llama_index.core import Document, VectorStoreIndex
from mullama import Model, cosine_similarity
from mullama.langchain import MullamaEmbeddings  # pip install mullama[langchain]
from mullama.llama_index import MullamaEmbedding  # pip install mullama[llama-index]

model = Model.load("./all-minilm.gguf")  # or a store name: MullamaEmbeddings("all-minilm")
documents = [
    "Pasta cooks in a large pot of boiling salted water.",
    "The stock market fell sharply on Monday.",
    "Cats sleep for most of the day.",
    "Rust is a systems programming language.",
]
question = "How do I cook spaghetti?"

# LangChain: documents get the model's document prompt, the query its query prompt
embeddings = MullamaEmbeddings(model)
vectors = embeddings.embed_documents(documents)  # list[list[float]]
query = embeddings.embed_query(question)  # list[float]
scores = [cosine_similarity(query, v) for v in vectors]
print(documents[scores.index(max(scores))])  # Pasta cooks in a large pot of boiling salted water.

# ...or any LangChain vector store over it
store = InMemoryVectorStore.from_texts(documents, embeddings)
print(store.similarity_search(question, k=1)[0].page_content)  # Pasta cooks in ...

# LlamaIndex: the same model as an index's embed_model (or Settings.embed_model)
index = VectorStoreIndex.from_documents([Document(text=t) for t in documents], embed_model=MullamaEmbedding(model))
print(index.as_retriever(similarity_top_k=1).retrieve(question)[0].node.get_content())  # Pasta cooks in ...
# --8<-- [end:langchain]

import numpy as np
from langchain_core.embeddings import Embeddings
from llama_index.core.base.embeddings.base import BaseEmbedding

assert isinstance(embeddings, Embeddings)
assert isinstance(index._embed_model, BaseEmbedding)
assert documents[scores.index(max(scores))] == documents[0]
assert max(scores) > sorted(scores)[-2] + 0.1, scores
assert store.similarity_search(question, k=1)[0].page_content == documents[0]
top = index.as_retriever(similarity_top_k=1).retrieve(question)
assert top[0].node.get_content() == documents[0]
assert len(vectors) == 4 and all(len(v) == 384 for v in [*vectors, query])
# The same vectors as the library's own calls with the document and query roles.
want = embeddings.context.get_embedding_batch(documents, role="document")
assert np.allclose(vectors, [e.data for e in want], atol=1e-5)
assert np.allclose(query, embeddings.context.get_embedding(question, role="query").data, atol=1e-5)
assert np.allclose(index._embed_model.get_text_embedding_batch(documents), vectors, atol=1e-5)
embeddings.context.close()
