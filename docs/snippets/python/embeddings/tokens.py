# --8<-- [start:tokens]
from mullama import Model

model = Model.load("./all-minilm.gguf")
# Tokens a text has, special tokens included: what Embedding.input_tokens will report
count = model.count_tokens("Hello, world!")
# The token ids the model embeds, cut to at most 4 (the special tokens stay)
ids = model.tokenize("Hello, world!", 4)
print(count, ids)
# --8<-- [end:tokens]

assert count == 6
assert ids == [101, 7592, 1010, 102]
