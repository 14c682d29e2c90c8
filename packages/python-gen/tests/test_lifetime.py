"""A context's lifetime against its calls: garbage collection with futures pending, and the
interpreter shutting down while the engine is working (llama.cpp's static destructors run at
exit, and a completion then has no interpreter to go to)."""

import subprocess
import sys
import textwrap

import pytest

TEXTS = 'texts = [f"a sentence to embed, number {i}" for i in range(2000)]'


def run(script: str, model) -> subprocess.CompletedProcess:
    code = f"MODEL = {str(model)!r}\n{TEXTS}\n" + textwrap.dedent(script)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_a_context_that_is_garbage_with_futures_pending_still_delivers_them(default_model_path):
    r = run(
        """
        import asyncio, gc
        from mullama import Context, ContextParams, Model

        async def main():
            context = Context(Model.load(MODEL), ContextParams(embeddings=True))
            calls = [asyncio.ensure_future(context.get_embedding_batch_async(texts[i:i + 50])) for i in range(0, 2000, 50)]
            del context
            gc.collect()
            results = await asyncio.gather(*calls, return_exceptions=True)
            print(sum(len(x) for x in results if not isinstance(x, BaseException)))

        asyncio.run(main())
        """,
        default_model_path,
    )
    assert (r.returncode, r.stderr, r.stdout.strip()) == (0, "", "2000")


@pytest.mark.parametrize("how", ["a daemon thread in a call", "async calls never awaited"])
def test_leaving_while_texts_are_being_embedded_exits_cleanly(default_model_path, how):
    script = {
        "a daemon thread in a call": """
            import threading, time
            from mullama import Context, ContextParams, Model
            context = Context(Model.load(MODEL), ContextParams(embeddings=True))
            threading.Thread(target=lambda: context.get_embedding_batch(texts), daemon=True).start()
            time.sleep(0.05)
            """,
        "async calls never awaited": """
            import asyncio
            from mullama import Context, ContextParams, Model
            context = Context(Model.load(MODEL), ContextParams(embeddings=True))
            async def main():
                calls = [asyncio.ensure_future(context.get_embedding_batch_async(texts[i:i + 50])) for i in range(0, 2000, 50)]
                await asyncio.sleep(0.05)
            asyncio.run(main())
            """,
    }[how]
    for _ in range(3):
        r = run(script, default_model_path)
        # Before: SIGSEGV in ggml's graph (-11), or a pyo3 panic printed from a worker.
        assert (r.returncode, r.stderr) == (0, "")
