from mullama import Model, Context, ContextParams

context = Context(Model.load("./all-minilm.gguf"), ContextParams(embeddings=True))

# --8<-- [start:batch]
texts = [
    "The quick brown fox jumps over the lazy dog",
    "Machine learning is a subset of artificial intelligence",
    "Rust is a systems programming language",
    "Python is popular for data science",
]

embeddings = context.get_embedding_batch(texts)

for text, emb in zip(texts, embeddings):
    print(f'"{text[:30]}..." -> dim {emb.dimension}')
# --8<-- [end:batch]

import numpy as np

assert len(embeddings) == 4
# A batch gives the same vectors as one call per text (to float rounding).
assert np.allclose(embeddings[2].data, context.get_embedding(texts[2]).data, atol=1e-3)
