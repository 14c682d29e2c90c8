"""Calls from many Python threads run at once (the GIL is released) and give the vectors of
sequential calls; the core packs them into shared decodes."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mullama import Context, ContextParams


def test_8_threads_x_100_calls_match_sequential(minilm):
    texts = [f"sentence {i}: the quick brown fox jumps over {i % 7} lazy dogs" for i in range(100)]
    with Context(minilm, ContextParams(normalize=True)) as ctx:
        expected = [ctx.get_embedding(t).data for t in texts]

        def worker(k):
            out = []
            for i in range(100):
                j = (i + 13 * k) % 100
                out.append((j, ctx.get_embedding(texts[j]).data))
            return out

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(worker, range(8)))
    worst = 0.0
    for out in results:
        assert len(out) == 100
        for j, v in out:
            worst = max(worst, float(np.abs(v - expected[j]).max()))
    assert worst <= 5e-4, worst


def test_gil_is_released_during_a_call(minilm):
    texts = ["a fairly long text to keep the engine busy for a while " * 8] * 64
    ticks = 0
    done = threading.Event()

    def spin():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    with Context(minilm) as ctx:
        t = threading.Thread(target=spin)
        t.start()
        try:
            ctx.get_embedding_batch(texts)
        finally:
            done.set()
            t.join()
    assert ticks > 1000  # the spinning thread ran while the batch was computed


def test_64_threads_share_micro_batches(minilm):
    """64 threads, one call each, released together: the core packs them into far fewer decodes
    than calls (counted by Context.stats, not timed)."""
    start = threading.Barrier(64)
    with Context(minilm) as ctx:

        def one(i):
            start.wait()
            return ctx.get_embedding(f"thread {i} asks about the weather in town {i % 5}")

        with ThreadPoolExecutor(64) as pool:
            out = list(pool.map(one, range(64)))
        stats = ctx.stats()
    assert len(out) == 64 and all(e.dimension == 384 for e in out)
    assert (stats.calls, stats.texts) == (64, 64)
    assert stats.tokens == sum(e.tokens for e in out)
    assert stats.batches < 32, stats


def test_async_calls_are_coalesced_without_a_thread_each(minilm):
    import asyncio

    async def main(ctx):
        before = threading.active_count()
        futures = [ctx.get_embedding_async(f"async text {i}") for i in range(500)]
        # No thread is started per call: the futures are settled from the core's workers.
        assert threading.active_count() == before
        return await asyncio.gather(*futures)

    with Context(minilm) as ctx:
        out = asyncio.run(main(ctx))
        stats = ctx.stats()
    assert len(out) == 500 and out[7].dimension == 384
    assert stats.calls == 500
    assert stats.batches < 125, stats
