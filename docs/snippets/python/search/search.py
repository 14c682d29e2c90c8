# --8<-- [start:index]
import numpy as np
from mullama import Model, Context, ContextParams

articles = [
    "How to bake sourdough bread at home",
    "A beginner guide to sourdough baking",
    "Training for your first marathon",
    "Ten stretches for runners",
    "Getting started with Rust ownership and borrowing",
    "Understanding the borrow checker in Rust",
    "Planting tomatoes in spring",
    "Why your tomato leaves turn yellow",
]

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True, normalize=True))
vectors = np.stack([e.data for e in context.get_embedding_batch(articles)])

# Keep the index on disk: one float32 matrix, one row an article
np.save("index.npy", vectors)
# --8<-- [end:index]

# --8<-- [start:search]
stored = np.load("index.npy")


def search(query: str, k: int = 3) -> list[tuple[float, str]]:
    q = context.get_embedding(query).data
    scores = stored @ q  # unit vectors: one matrix product gives every cosine similarity
    best = np.argsort(-scores)[:k]
    return [(float(scores[i]), articles[i]) for i in best]


for score, text in search("help with my vegetable garden"):
    print(f"{score:.3f}  {text}")
# --8<-- [end:search]

# --8<-- [start:duplicates]
from mullama import cosine_similarity

# Near-duplicates: pairs whose similarity passes a threshold tuned on your data
threshold = 0.7
for i in range(len(articles)):
    for j in range(i + 1, len(articles)):
        similarity = cosine_similarity(stored[i], stored[j])
        if similarity >= threshold:
            print(f'{similarity:.3f}  "{articles[i]}" ~ "{articles[j]}"')
# --8<-- [end:duplicates]

hits = search("help with my vegetable garden")
assert all("omato" in text for _, text in hits[:2]), hits
assert "Rust" in search("learning Rust", 1)[0][1]
assert cosine_similarity(stored[0], stored[1]) >= threshold > cosine_similarity(stored[0], stored[2])
