# --8<-- [start:decoder]
from mullama import Model, Context, ContextParams, PoolingStrategy

# A decoder-only LLM (SmolLM2-135M, llama architecture) declares no pooling of its own
llm = Model.load("./smollm2-135m.gguf")
print(f"{llm.info.architecture}, encoder: {llm.info.is_encoder}, pooling: {llm.info.native_pooling}")

# Its last token has read the whole text: the usual vector for decoders
context = Context(llm, ContextParams(embeddings=True, pooling=PoolingStrategy.Last))
embedding = context.get_embedding("Hello!")
print(f"Dimension: {embedding.dimension}")
# --8<-- [end:decoder]

import mullama

assert llm.info.is_encoder is False
assert llm.info.native_pooling is None
assert embedding.dimension == 576
try:
    context.get_embedding("Hello!", pooling=PoolingStrategy.Native)
    raise AssertionError("Native pooling on a decoder must fail")
except mullama.MullamaError as e:
    assert e.code == mullama.ErrorCode.PoolingUnsupported, e.code
