from mullama import Model, Context, ContextParams

context = Context(Model.load("./all-minilm.gguf"), ContextParams(embeddings=True))

# --8<-- [start:vectors-as-json]
import json
import numpy as np
from mullama import vector_to_json

embedding = context.get_embedding("Hello, world!")

# The shortest decimals that read back as the same float32 values
text = vector_to_json(embedding.data)
print(text[:40])  # [-0.038156014,0.032883998,-0.0056165922,...

# Parsed back, every number is bit-identical
back = np.array(json.loads(text), dtype=np.float32)
# (json.dumps(embedding.data.tolist()) writes float64 text: -0.03815601393580437, ...)
# --8<-- [end:vectors-as-json]

assert np.array_equal(back, embedding.data)
assert len(text) < len(json.dumps(embedding.data.tolist())) * 0.7
