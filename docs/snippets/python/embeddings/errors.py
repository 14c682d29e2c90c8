from mullama import Model

model = Model.load("./all-minilm.gguf")

# --8<-- [start:errors]
from mullama import Context, ContextParams, OverflowPolicy, MullamaError, ErrorCode

long_text = "All work and no play makes Jack a dull boy. " * 100

# Keep the first 128 tokens and say so, instead of failing
lenient = Context(model, ContextParams(embeddings=True, n_ctx=128, overflow=OverflowPolicy.TruncateEnd))
cut = lenient.get_embedding(long_text)
print(f"{cut.input_tokens} tokens in, {cut.tokens} used, truncated: {cut.truncated}")

# The default policy (OverflowPolicy.Error) is an error with a stable code
strict = Context(model, ContextParams(embeddings=True, n_ctx=128))
for text in [long_text, ""]:
    try:
        strict.get_embedding(text)
    except MullamaError as err:
        print(f"{err.code}: {err}")  # INPUT_TOO_LONG, then EMPTY_INPUT

# A closed context refuses work instead of crashing
strict.close()
try:
    strict.get_embedding("Hello!")
except MullamaError as err:
    print(err.code == ErrorCode.ContextClosed)
# --8<-- [end:errors]

import mullama

assert cut.tokens == 128 and cut.truncated and cut.input_tokens > 500
try:
    strict.get_embedding("x")
    raise AssertionError("no error")
except mullama.ContextClosedError:
    pass
