# --8<-- [start:pooling]
from mullama import Model, Context, ContextParams, PoolingStrategy

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

# Mean pooling is the default
mean_embed = context.get_embedding("Hello!", pooling=PoolingStrategy.Mean)

# The last token's vector: the usual choice for decoder-only models
last_embed = context.get_embedding("Hello!", pooling=PoolingStrategy.Last)

# Whatever the model declares in its GGUF metadata
print(f"all-minilm declares: {model.info.native_pooling.value}")
native_embed = context.get_embedding("Hello!", pooling=PoolingStrategy.Native)

# Or choose once, for every call on a context
cls_context = Context(model, ContextParams(embeddings=True, pooling=PoolingStrategy.First))
cls_embed = cls_context.get_embedding("Hello!")
# --8<-- [end:pooling]

from mullama import cosine_similarity

assert model.info.native_pooling == PoolingStrategy.Mean
assert cosine_similarity(mean_embed.data, native_embed.data) > 0.99999
assert cosine_similarity(mean_embed.data, last_embed.data) < 0.999
assert cosine_similarity(mean_embed.data, cls_embed.data) < 0.999
