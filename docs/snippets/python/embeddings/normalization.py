from mullama import Model, Context, ContextParams

context = Context(Model.load("./all-minilm.gguf"), ContextParams(embeddings=True))

# --8<-- [start:normalization]
import numpy as np
from mullama import normalize, dot_product, cosine_similarity

a = context.get_embedding("How do I cook pasta?")
b = context.get_embedding("What is the recipe for spaghetti?")

# Scale to unit length (L2 norm = 1)
normalized_a = normalize(a.data)
normalized_b = normalize(b.data)

# Between unit vectors, the dot product is the cosine similarity
print(f"{dot_product(normalized_a, normalized_b):.4f}")  # same as ...
print(f"{cosine_similarity(a.data, b.data):.4f}")

# Or ask for unit vectors straight away
unit = context.get_embedding("Hello!", normalize=True)
print(np.linalg.norm(unit.data))  # 1.0
# --8<-- [end:normalization]

assert abs(np.linalg.norm(unit.data) - 1) < 1e-5
assert abs(np.dot(normalized_a, normalized_b) - cosine_similarity(a.data, b.data)) < 1e-5
