# --8<-- [start:spaces]
from mullama import Context, ContextParams, ErrorCode, Model, MullamaError, cosine_similarity

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

# The space: the weights' fingerprint and every option that shapes the vector.
# Store it with an index, and check each query against it.
print(model.info.fingerprint)  # d8da3bd4d5c13156
doc = context.get_embedding("Boil water, add salt and the spaghetti.")
query = context.get_embedding("How do I cook pasta?")
print(doc.space == query.space, f"{cosine_similarity(query, doc):.4f}")  # True 0.6524

# Other dimensions (or a prompt, pooling, precision, model...) make another space
short = context.get_embedding("How do I cook pasta?", dimensions=128)
print(short.space == doc.space)  # False
try:
    cosine_similarity(short, doc)
except MullamaError as err:
    if err.code == ErrorCode.SpaceMismatch:
        print(err.code)  # SPACE_MISMATCH
# --8<-- [end:spaces]

import re

import mullama

assert re.fullmatch(r"[0-9a-f]{16}", model.info.fingerprint)
assert re.fullmatch(r"[0-9a-f]{16}", doc.space)
assert doc.space == query.space
assert cosine_similarity(query, doc) > 0.5
assert short.space != doc.space
try:
    cosine_similarity(short, doc)
    raise AssertionError("no error")
except mullama.SpaceMismatchError:
    pass
# A prompt changes the space even at the same length; the plain vectors are still comparable.
prompted = context.get_embedding("How do I cook pasta?", prompt="query: ")
assert prompted.space != query.space
try:
    mullama.dot_product(prompted, doc)
    raise AssertionError("no error")
except mullama.SpaceMismatchError:
    pass
assert cosine_similarity(prompted.data, doc.data) > 0
# The same options give the same space in a new context, and on a reloaded model.
again = Context(Model.load("./all-minilm.gguf"), ContextParams(embeddings=True))
assert again.get_embedding("Anything at all.").space == doc.space
again.close()
context.close()
