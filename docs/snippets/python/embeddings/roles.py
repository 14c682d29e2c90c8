# --8<-- [start:roles]
from mullama import Context, ContextParams, EmbedRole, Model

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

# Retrieval models (e5, nomic-embed, bge...) want a prompt before queries and documents;
# the role puts the model's own one there. all-minilm is symmetric: it has none.
print(model.info.query_prompt, model.info.document_prompt)  # None None
query = context.get_embedding("how do I cook pasta?", role=EmbedRole.Query)
docs = context.get_embedding_batch(["Boil water, add salt and the spaghetti."], role=EmbedRole.Document)

# A prompt of your own: it goes before the text and counts in its tokens
prompted = context.get_embedding("how do I cook pasta?", prompt="query: ")
print(repr(prompted.prompt), prompted.tokens)  # 'query: ' 10
# --8<-- [end:roles]

import numpy as np

assert query.prompt is None and docs[0].prompt is None
assert prompted.prompt == "query: "
assert prompted.tokens == model.count_tokens("query: how do I cook pasta?")
assert np.array_equal(prompted.data, context.get_embedding("query: how do I cook pasta?").data)
context.close()
