"""Soak benchmark of the Python binding: RSS every N embeddings over many batches of corpus texts.

Embeds corpus texts in batches, many times over, and prints the process RSS every `--every`
embeddings, so that a leak (native, or Python objects kept alive) shows as RSS that keeps growing
after the warm-up. Figures, not a pass/fail (scripts/bench-soak.sh runs it, the tests do not).

    PYTHONPATH=packages/python-gen/python .venv/bin/python packages/python-gen/bench/soak.py
        [--model NAME|PATH] [--corpus FILE] [--total 100000] [--every 10000] [--batch 64]
        [--warmup 5000] [--threads N] [--contexts N]

With `--contexts N` it then opens, uses and closes N more contexts on the same model and prints
RSS before and after (a leak check of `Context.close`).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("MULLAMA_SHARED", ROOT.parent / "shared"))
# RSS growth after the warm-up that still counts as flat (allocator arenas move RSS by a few MiB).
FLAT_MIB = 10.0


def status_mib(field: str) -> float:
    """A field of /proc/self/status (VmRSS: now, VmHWM: peak) in MiB; 0 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mib() -> float:
    # A full collection first, so that cycles not yet collected are not mistaken for growth.
    gc.collect()
    return status_mib("VmRSS")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="all-minilm")
    p.add_argument("--corpus", default=str(SHARED / "bench" / "corpus-short.txt"))
    p.add_argument("--total", type=int, default=100_000)
    p.add_argument("--every", type=int, default=10_000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=5_000)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--contexts", type=int, default=0)
    args = p.parse_args()
    args.every, args.batch = max(args.every, 1), max(args.batch, 1)

    from mullama import Context, ContextParams, Model, resolve_model_path

    lines = [line for line in Path(args.corpus).read_text().splitlines() if line.strip()]
    path = resolve_model_path(args.model)
    model = Model.load(path)
    params = ContextParams(embeddings=True, n_threads=args.threads)
    ctx = Context(model, params)
    cursor = 0

    def embed_n(c, n: int) -> None:
        """Embeds n texts taken round-robin from the corpus, `batch` a call."""
        nonlocal cursor
        left = n
        while left > 0:
            chunk = [lines[(cursor + i) % len(lines)] for i in range(min(args.batch, left))]
            cursor += len(chunk)
            out = c.get_embedding_batch(chunk)
            if len(out) != len(chunk):
                raise RuntimeError(f"{len(out)} vectors for {len(chunk)} texts")
            left -= len(chunk)

    print(f"mullama Python soak: model {path} ({model.info.dimension} dims), Python {sys.version.split()[0]}")
    print(f"corpus {args.corpus} ({len(lines)} texts), {args.batch} texts a call; warm-up {args.warmup} embeddings, then RSS every {args.every} up to {args.total}")
    embed_n(ctx, args.warmup)

    print(f"{'embeddings':>10} {'RSS MiB':>9} {'delta MiB':>10} {'texts/s':>9}")
    first = last = rss_mib()
    print(f"{0:>10} {first:>9.1f} {0.0:>+10.1f} {'-':>9}", flush=True)
    done = 0
    while done < args.total:
        n = min(args.every, args.total - done)
        start = time.perf_counter()
        embed_n(ctx, n)
        secs = time.perf_counter() - start
        done += n
        last = rss_mib()
        print(f"{done:>10} {last:>9.1f} {last - first:>+10.1f} {n / secs:>9.1f}", flush=True)
    ctx.close()
    growth = last - first
    print(f"peak RSS (VmHWM): {status_mib('VmHWM'):.1f} MiB")
    print(f"RSS growth after warm-up: {growth:.1f} MiB (flat within {FLAT_MIB:g} MiB: {'yes' if abs(growth) <= FLAT_MIB else 'no'})")

    if args.contexts > 0:
        # Each context does one call so that its workers really create their llama.cpp contexts;
        # one cycle first so that what is allocated once per process is not counted.
        def cycle() -> None:
            c = Context(model, params)
            c.get_embedding_batch(lines[:8])
            c.close()

        cycle()
        before = rss_mib()
        for _ in range(args.contexts):
            cycle()
        after = rss_mib()
        d = after - before
        print(f"contexts: {args.contexts} opened, used and closed: RSS {before:.1f} -> {after:.1f} MiB ({d:+.1f} MiB, {d * 1024 / args.contexts:+.0f} KiB per context)")


if __name__ == "__main__":
    main()
