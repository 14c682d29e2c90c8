# --8<-- [start:basic]
from mullama import Model, Context, ContextParams

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

embedding = context.get_embedding("Hello, world!")
print(f"Dimension: {embedding.dimension}")
print(f"Vector (first 5): {embedding.data[:5]}")
# --8<-- [end:basic]

# Not shown on the page: what the docs test asserts.
import numpy as np

assert embedding.dimension == 384
assert embedding.data.dtype == np.float32 and embedding.data.shape == (384,)
context.close()
