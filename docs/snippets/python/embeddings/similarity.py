from mullama import Model, Context, ContextParams

context = Context(Model.load("./all-minilm.gguf"), ContextParams(embeddings=True))

# --8<-- [start:similarity]
import numpy as np
from mullama import cosine_similarity, dot_product

embed1 = context.get_embedding("How do I cook pasta?")
embed2 = context.get_embedding("What is the recipe for spaghetti?")
embed3 = context.get_embedding("Tell me about quantum physics")

# Cosine similarity: the usual measure, from -1 to 1
sim12 = cosine_similarity(embed1.data, embed2.data)
sim13 = cosine_similarity(embed1.data, embed3.data)

print(f"Pasta vs Spaghetti: {sim12:.4f}")  # high
print(f"Pasta vs Quantum: {sim13:.4f}")  # low

# Dot product: for models trained with it
print(f"Dot product: {dot_product(embed1.data, embed2.data):.4f}")

# `data` is a float32 numpy array, so numpy works directly
vec1, vec2 = embed1.data, embed2.data
cos_sim = np.dot(vec1, vec2) / (np.linalg.norm(vec1) * np.linalg.norm(vec2))
# --8<-- [end:similarity]

assert sim12 > sim13 + 0.3
assert abs(cos_sim - sim12) < 1e-5
