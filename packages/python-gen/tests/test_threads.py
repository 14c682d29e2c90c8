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
