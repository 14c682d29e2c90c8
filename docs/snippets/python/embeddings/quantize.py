# --8<-- [start:quantize]
from mullama import Context, ContextParams, Model, MullamaError, Precision
from mullama import cosine_similarity, hamming_distance, quantization_ranges

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

# int8: calibrate each dimension's range once, on a sample of your corpus, and reuse it
corpus = [
    "Boil water, add salt and the spaghetti.",
    "The stock market fell sharply today.",
    "Quantum computers use qubits.",
    "The cat slept on the warm windowsill.",
]
sample = context.get_embedding_batch(corpus)
ranges = quantization_ranges([e.data for e in sample])
int8 = context.get_embedding("How do I cook pasta?", precision=Precision.Int8, ranges=ranges)
print(int8.quantized.dtype, len(int8.quantized))  # int8 384

# binary: one bit per dimension, 48 bytes instead of 1536, ranked by Hamming distance
docs = corpus[:3]
query = context.get_embedding("How do I cook pasta?", precision=Precision.Binary)
embedded = context.get_embedding_batch(docs, precision=Precision.Binary)
distances = [hamming_distance(query.quantized, e.quantized) for e in embedded]
hits = sorted(range(len(docs)), key=distances.__getitem__)
print([distances[i] for i in hits])  # [98, 188, 190]: the pasta recipe first

# Rescore the best few with the float vectors, which every embedding still carries in data
best = max(hits[:2], key=lambda i: cosine_similarity(query, embedded[i]))
print(docs[best], f"{cosine_similarity(query, embedded[best]):.4f}")  # Boil water, add salt and the spaghetti. 0.6524

# One text alone has no range to calibrate int8 on: pass ranges
try:
    context.get_embedding("Hello, world!", precision=Precision.Int8)
except MullamaError as err:
    print(err.code)  # INVALID_ARGUMENT
# --8<-- [end:quantize]

import numpy as np
import mullama

assert ranges.shape == (2 * 384,) and ranges.dtype == np.float32
assert isinstance(int8.quantized, np.ndarray) and int8.quantized.dtype == np.int8
assert int8.quantized.shape == (384,)
assert int8.data.shape == (384,) and int8.data.dtype == np.float32, "data stays the float vector"
# sentence-transformers' int8: (v - min) / ((max - min) / 255) - 128, saturating outside the sample
lo, hi = ranges[:384], ranges[384:]
expected = np.clip(np.trunc((int8.data - lo) / ((hi - lo) / 255)) - 128, -128, 127)
assert np.abs(int8.quantized.astype(np.int32) - expected).max() <= 1
# A call over the sample itself calibrates on the same texts: the same bytes as with its ranges
own = context.get_embedding_batch(corpus, precision=Precision.Int8)
given = context.get_embedding_batch(corpus, precision=Precision.Int8, ranges=ranges)
assert all(np.array_equal(a.quantized, b.quantized) for a, b in zip(own, given))
# binary: numpy.packbits of the sign bits, each byte minus 128
assert query.quantized.dtype == np.int8 and query.quantized.shape == (48,)
assert np.array_equal(query.quantized, (np.packbits(query.data > 0).astype(np.int16) - 128).astype(np.int8))
assert hits[0] == 0 and best == 0, (hits, best)
assert distances[0] < min(distances[1:]), distances
# ubinary: the same bits unsigned, so the same distances
u_query, u_doc = context.get_embedding_batch(["How do I cook pasta?", docs[0]], precision="ubinary")
assert u_query.quantized.dtype == np.uint8 and u_query.quantized.shape == (48,)
assert np.array_equal(u_query.quantized, np.packbits(query.data > 0))
assert hamming_distance(u_query.quantized, u_doc.quantized) == distances[0]
try:
    context.get_embedding("Hello, world!", precision=Precision.Int8)
    raise AssertionError("no error")
except mullama.InvalidArgumentError:
    pass
context.close()
