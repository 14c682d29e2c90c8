# --8<-- [start:dimensions]
from mullama import Context, ContextParams, Model, MullamaError

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

# Keep the first 128 of 384 values; with normalize the short vector is unit length again
short = context.get_embedding("Hello, world!", dimensions=128, normalize=True)
print(short.dimension, len(short.data))  # 128 128

# More than the model has is an error, not a silent full-length vector
try:
    context.get_embedding("Hello, world!", dimensions=1024)
except MullamaError as err:
    print(err.code)  # INVALID_ARGUMENT
# --8<-- [end:dimensions]

import numpy as np
import mullama

assert short.dimension == 128
assert abs(float(np.linalg.norm(short.data)) - 1) < 1e-5
# The short vector is the full one's first 128 values, scaled to unit length.
head = np.asarray(context.get_embedding("Hello, world!", normalize=False).data[:128], dtype=np.float64)
assert np.allclose(head / np.linalg.norm(head), short.data, atol=1e-5)
try:
    context.get_embedding("x", dimensions=385)
    raise AssertionError("no error")
except mullama.InvalidArgumentError as err:
    assert "1 to 384" in str(err)
context.close()
