# --8<-- [start:stream]
import json

from mullama import Context, ContextParams, EmbeddingStream, Model, StreamProgress

model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True))

# 500 texts: in practice, lines read from a file or rows from a database cursor
texts = [f"Document {i} is about topic {i % 7}." for i in range(500)]
BATCH = 64  # texts per push
WINDOW = 4  # batches held in memory at most

stream: EmbeddingStream = context.stream(normalize=True)
peak = 0

with open("vectors.ndjson", "w") as out:

    def take() -> None:
        for embedding in stream.next():  # the oldest batch, in input order
            out.write(json.dumps(embedding.data.tolist()) + "\n")

    for start in range(0, len(texts), BATCH):
        stream.push(texts[start : start + BATCH])  # returns at once
        pending = stream.progress().pending
        peak = max(peak, pending)
        if pending >= WINDOW:
            take()
    while stream.progress().pending > 0:
        take()

progress: StreamProgress = stream.progress()
print(progress.pushed, progress.embedded, progress.delivered, progress.tokens, peak)  # 500 500 500 4610 4
# --8<-- [end:stream]

import asyncio

import mullama
import numpy as np
from mullama import cosine_similarity

with open("vectors.ndjson") as f:
    lines = [np.asarray(json.loads(line), dtype=np.float32) for line in f]
assert len(lines) == len(texts)
assert all(len(v) == 384 for v in lines)
# In input order: the vectors equal a plain batch call's on the same texts.
probe = [0, 1, 63, 64, 137, 255, 256, 499]
expected = context.get_embedding_batch([texts[i] for i in probe], normalize=True)
for i, emb in zip(probe, expected):
    sim = cosine_similarity(lines[i], emb.data)
    assert sim > 0.9999, (i, sim)
assert cosine_similarity(lines[1], expected[0].data) < 0.9999
assert peak <= WINDOW, peak
assert progress.pushed == progress.embedded == progress.delivered == 500
assert progress.pending == 0
assert progress.tokens > 0
assert stream.next() == []
# A failed batch raises at its turn, naming its texts; the stream goes on (here with next_async).
stream.push(["one", ""])
stream.push(["two"])
try:
    stream.next()
    raise AssertionError("no error")
except mullama.MullamaError as err:
    assert err.code == "EMPTY_INPUT", err.code
    assert str(err).startswith("the batch of texts 500 to 501: "), str(err)


async def rest() -> list[mullama.Embedding]:
    return await stream.next_async()


assert len(asyncio.run(rest())) == 1
context.close()
