"""mullama.ray's actors beside one process: texts/s, tokens/s, peak RSS per actor and what an actor
costs to start (figures, not a test; docs/pages/guide/ray.md quotes them).

Embeds the same texts, in batches of --batch-size, with each of --layouts (actors x threads; by
default 1 actor x 2 threads, 1 actor x 1 thread and 2 actors x 1 thread) on a local Ray cluster of
--cpus CPUs (127.0.0.1 only), and in one plain process with one Context of --cpus threads (the
baseline, run in a child process of its own so that its peak RSS is its own). Each Ray row starts its actors afresh, after a small warm-up run: the actor
start (a worker process, imports, model load) is in its wall time and shown on its own.

    python bench/ray_bench.py [--model PATH] [--texts 2000] [--batch-size 256] [--corpus FILE]
        [--cpus 2] [--layouts 1x2,1x1,2x1]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("MULLAMA_SHARED", ROOT.parent / "shared"))
# all-minilm embeds 256 tokens; a few corpus-mixed texts have more, and are cut as
# sentence-transformers cuts them (the same in every row).
OPTIONS: dict = {"overflow": "truncate_end"}


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), as bench/throughput.py reads it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def read_texts(path: Path, n: int) -> list[str]:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [lines[i % len(lines)] for i in range(n)]  # the repo's 256-line copy is cycled


def baseline(args: argparse.Namespace) -> dict:
    """One process, one Context of 2 threads: the batches one after another."""
    import mullama

    start = time.perf_counter()
    model = mullama.Model.load(args.model)
    ctx = mullama.Context(model, mullama.ContextParams(n_threads=args.cpus))
    ctx.get_embedding_batch(["warm-up"])
    load = time.perf_counter() - start
    texts = read_texts(args.corpus, args.texts)
    start = time.perf_counter()
    tokens = 0
    for i in range(0, len(texts), args.batch_size):
        tokens += sum(e.tokens for e in ctx.get_embedding_batch(texts[i : i + args.batch_size], **OPTIONS))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "steady": seconds, "start": load, "load": load, "tokens": tokens, "rss": [peak_rss_mib()]}


def make_embedder():
    """MullamaEmbedder that also returns, per batch, its process, timings and peak RSS. Defined
    here (this file is __main__, so Ray ships the class to the actors by value)."""
    from mullama.ray import MullamaEmbedder

    class TimedEmbedder(MullamaEmbedder):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.ready = time.time()

        def __call__(self, batch):
            import pyarrow as pa

            t0 = time.time()
            out = super().__call__(batch)
            t1 = time.time()
            n = out.num_rows
            for name, value in [("pid", os.getpid()), ("ready", self.ready), ("load", self.load_seconds), ("t0", t0), ("t1", t1), ("rss", peak_rss_mib())]:
                out = out.append_column(name, pa.array([value] * n))
            return out

    return TimedEmbedder


def run_ray(ray, args: argparse.Namespace, actors: int, threads: int) -> dict:
    import pyarrow as pa

    texts = read_texts(args.corpus, args.texts)
    table = pa.table({"text": texts})
    # One block per batch, so that every actor can take the next one.
    ds = ray.data.from_arrow([table.slice(i, args.batch_size) for i in range(0, len(texts), args.batch_size)])
    ds = ds.map_batches(
        make_embedder(),
        fn_constructor_args=(args.model,),
        fn_constructor_kwargs={"n_threads": threads, "tokens_column": "tokens", **OPTIONS},
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=threads,
        batch_size=args.batch_size,
        batch_format="pyarrow",
    )
    start_epoch, start = time.time(), time.perf_counter()
    out = pa.concat_tables(ray.get(ds.to_arrow_refs()))
    seconds = time.perf_counter() - start
    assert out.num_rows == len(texts) and out.column("embedding").null_count == 0
    rows = out.select(["pid", "ready", "load", "t0", "t1", "rss"]).to_pylist()
    by_actor: dict[int, dict] = {}
    for r in rows:
        a = by_actor.setdefault(r["pid"], dict(r))
        a["rss"] = max(a["rss"], r["rss"])
    return {
        "seconds": seconds,
        "steady": max(r["t1"] for r in rows) - min(r["t0"] for r in rows),  # first batch begun to last one done
        "start": max(a["ready"] for a in by_actor.values()) - start_epoch,  # the last actor ready
        "load": sum(a["load"] for a in by_actor.values()) / len(by_actor),
        "tokens": sum(out.column("tokens").to_pylist()),
        "rss": [a["rss"] for a in by_actor.values()],
        "actors_seen": len(by_actor),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=str(ROOT / "target" / "testdata" / "all-minilm.gguf"))
    p.add_argument("--corpus", type=Path)
    p.add_argument("--texts", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--cpus", type=int, default=2, help="Ray's CPUs (and the baseline's threads): each layout must fit")
    p.add_argument("--layouts", default="1x2,1x1,2x1", help="ACTORSxTHREADS,...")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.corpus is None:
        full = SHARED / "bench" / "corpus-mixed.txt"
        args.corpus = full if full.exists() else ROOT / "scenarios" / "corpus" / "mixed.txt"
    if args.worker:
        print(json.dumps(baseline(args)))
        return

    cmd = [sys.executable, __file__, "--worker", "--model", args.model, "--corpus", str(args.corpus), "--texts", str(args.texts), "--batch-size", str(args.batch_size), "--cpus", str(args.cpus)]
    base_name = f"1 process x {args.cpus} threads"
    results = {base_name: json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)}
    layouts = [tuple(int(n) for n in layout.split("x")) for layout in args.layouts.split(",")]

    # A single-machine cluster on loopback, set before Ray is imported (see tests/test_ray.py).
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    import ray

    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    ray.init(address="local", num_cpus=args.cpus, include_dashboard=False, _node_ip_address="127.0.0.1", _temp_dir=temp, log_to_driver=False, logging_level=logging.WARNING)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        # Ray starts its own helper actors (Ray Data's stats, the autoscaling coordinator) on the
        # first dataset: a small run first, so that no row pays for them.
        run_ray(ray, argparse.Namespace(**{**vars(args), "texts": 64}), 1, 1)
        for actors, threads in layouts:
            results[f"{actors} actor{'s' if actors > 1 else ''} x {threads} thread{'s' if threads > 1 else ''}"] = run_ray(ray, args, actors, threads)
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)

    base = results[base_name]
    print(f"model {args.model}; {args.texts} texts of {args.corpus} ({base['tokens']} tokens); batches of {args.batch_size}; Ray {ray.__version__}, {args.cpus} CPUs; {os.cpu_count()} cores")
    head = f"{'':<22} | {'wall s':>6} {'texts/s':>8} {'tokens/s':>8} | {'steady texts/s':>14} {'vs 1 process':>12} | {'actor start s':>13} {'load+ctx s':>10} | {'peak RSS MiB (each)':>19}"
    print(head)
    print("-" * len(head))
    for name, r in results.items():
        n = args.texts
        rss = " ".join(f"{x:.0f}" for x in r["rss"])
        vs = (n / r["steady"]) / (n / base["steady"])
        print(f"{name:<22} | {r['seconds']:>6.1f} {n / r['seconds']:>8.1f} {r['tokens'] / r['seconds']:>8.0f} | {n / r['steady']:>14.1f} {vs:>11.2f}x | {r['start']:>13.2f} {r['load']:>10.2f} | {rss:>19}")
    print(
        "\nwall: from the run's start to the last vector (a Ray row includes starting its actors); steady: first batch"
        " begun to last batch done; actor start: run start to the last actor ready (worker process, imports, model,"
        " Context, one warm-up text); load+ctx: model load + Context + warm-up inside the actor (the baseline: in its process)."
    )


if __name__ == "__main__":
    main()
