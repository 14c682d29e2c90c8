# --8<-- [start:token-vectors]
from mullama import Context, ContextParams, Model, TokenEmbeddings, TokenInfo

model = Model.load("./all-minilm.gguf")
text = "Hello, wörld!"

# Each token with the bytes of the text it covers
info: list[TokenInfo] = model.tokenize_with_offsets(text)
for t in info:
    covers = "(special)" if t.special else text.encode()[t.start : t.stop].decode()
    print(t.id, t.text, covers)

# Every token's vector, unpooled
context = Context(model, ContextParams(embeddings=True))
tokens: TokenEmbeddings = context.get_token_embeddings([text], normalize=True)[0]
print(f"{tokens.tokens} tokens x {tokens.dimension} values")
matrix = tokens.data.reshape(tokens.tokens, tokens.dimension)  # one row per token
# --8<-- [end:token-vectors]

# Not shown on the page: what the docs test asserts.
import numpy as np

assert len(info) == tokens.tokens and matrix.shape == (tokens.tokens, 384)
assert text.encode()[info[3].start : info[3].stop].decode() == "wörld"
assert np.allclose(np.linalg.norm(matrix, axis=1), 1, atol=1e-4)
assert tokens.input_tokens == tokens.tokens and not tokens.truncated
context.close()
