from mullama import Model

model = Model.load("./all-minilm.gguf")

# --8<-- [start:context]
import asyncio
from mullama import Context, ContextParams

params = ContextParams(
    embeddings=True,
    n_threads=2,  # CPU threads (default: every core)
    n_workers=1,  # worker contexts sharing the model (default: one)
    n_batch=512,  # token budget of one micro-batch (default: 256)
    flash_attention=True,  # False: attention in f32, slower but exact
)

# A context is a context manager: it closes its workers on exit
with Context(model, params) as context:
    # Every call releases the GIL; the async variants overlap and share micro-batches
    async def embed_all(questions):
        return await asyncio.gather(*(context.get_embedding_async(q) for q in questions))

    vectors = asyncio.run(embed_all(["What is Rust?", "What is Python?", "What is JavaScript?"]))
    print([v.dimension for v in vectors])
    # Running totals: calls, texts, micro-batches run through llama.cpp, tokens
    stats = context.stats()
    print(f"{stats.calls} calls in {stats.batches} micro-batches")
# --8<-- [end:context]

assert [v.dimension for v in vectors] == [384, 384, 384]
assert stats.calls == 3 and 1 <= stats.batches <= 3
