# --8<-- [start:info]
from mullama import Model, Context, ContextParams, cosine_similarity, MullamaError, ErrorCode

model = Model.load("./all-minilm.gguf")
info = model.info
print(f"{info.architecture}: {info.dimension} dimensions, {info.context_length} tokens, {info.native_pooling.value} pooling")

# Vectors of different lengths cannot be compared: a typed error, not a wrong number
context = Context(model, ContextParams(embeddings=True))
query = context.get_embedding("Hello!")
truncated = query.data[:256]  # as if from a 256-dimension model
try:
    cosine_similarity(query.data, truncated)
except MullamaError as err:
    if err.code == ErrorCode.DimensionMismatch:
        print(f"Cannot compare: {err}")
# --8<-- [end:info]

import mullama

assert info.dimension == 384 and info.architecture == "bert"
try:
    cosine_similarity(query.data, truncated)
    raise AssertionError("no error")
except mullama.DimensionMismatchError:
    pass
