"""Throughput of the Python binding beside the Rust core (and llama-cpp-python when available).

Same corpora, batch sizes and text counts as `target/x86_64-unknown-linux-gnu/release/mullama-bench`
(packages/core-native/src/bin/mullama-bench.rs): texts/s, tokens/s and peak RSS per batch size.
The Rust figures come from running that binary as a subprocess; llama-cpp-python runs in a
subprocess of its own (`--llama-cpp-python PYTHON`, a venv where it is installed).

    python bench/throughput.py [--model PATH] [--texts N] [--batch 1,8,32,128,256]
        [--threads N] [--no-rust] [--llama-cpp-python /tmp/llcpp-venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("MULLAMA_SHARED", ROOT.parent / "shared"))
MULLAMA_HOME = Path(os.environ.get("MULLAMA_HOME", Path.home() / ".cache" / "mullama"))
DOCS_CPU = {1: "~10", 8: "~60", 32: "~150", 128: "~200", 256: "~210"}


def peak_rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak_rss() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def read_corpus(path: str) -> list[str]:
    return [line for line in Path(path).read_text().splitlines() if line.strip()]


def run_rows(embed, lines: list[str], batches: list[int], texts: int) -> list[dict]:
    """`embed(chunk) -> tokens used` for each chunk; one row per batch size (as mullama-bench)."""
    embed(lines[: min(64, len(lines))])  # warm-up
    rows = []
    for batch in batches:
        n = min(min(texts, 256) if batch == 1 else texts, len(lines))
        reset_peak_rss()
        start = time.perf_counter()
        tokens = 0
        for i in range(0, n, batch):
            tokens += embed(lines[i : min(i + batch, n)])
        secs = time.perf_counter() - start
        rows.append({"batch": batch, "texts": n, "texts_s": n / secs, "tokens_s": tokens / secs, "rss": peak_rss_mib()})
    return rows


def bench_mullama(args) -> dict[str, list[dict]]:
    from mullama import Context, ContextParams, Model

    model = Model.load(args.model)
    ctx = Context(model, ContextParams(embeddings=True, n_threads=args.threads, n_ctx=model.info.context_length))  # peers: the whole position table

    def embed(chunk):
        return sum(e.tokens for e in ctx.get_embedding_batch(chunk))

    out = {c: run_rows(embed, read_corpus(c), args.batches, args.texts) for c in args.corpus}
    ctx.close()
    return out


def bench_llama_cpp_python(args) -> dict[str, list[dict]]:
    from llama_cpp import Llama

    llm = Llama(
        model_path=args.model,
        embedding=True,
        n_ctx=512,
        n_batch=512,
        n_ubatch=512,
        n_threads=args.threads or os.cpu_count(),
        verbose=False,
    )

    # Token counts from llama.cpp's own tokenizer, computed before timing (Llama.embed's
    # return_count does not count per text when it packs several texts into one decode).
    counts: dict[str, int] = {}

    def embed(chunk):
        # Llama.embed packs several sequences into one decode of up to n_batch tokens.
        llm.embed(chunk, truncate=True)
        return sum(counts[t] for t in chunk)

    out = {}
    for c in args.corpus:
        lines = read_corpus(c)
        for t in lines[: max(args.texts, 64)]:
            counts[t] = min(len(llm.tokenize(t.encode(), add_bos=True, special=False)), 512)
        out[c] = run_rows(embed, lines, args.batches, args.texts)
    return out


def bench_rust(args) -> dict[str, list[dict]]:
    # .cargo/config.toml names the target triple, so cargo puts it under target/<triple>/release.
    found = [p for p in (ROOT / "target").glob("*/release/mullama-bench") if p.is_file()]
    if not found:
        raise FileNotFoundError("no target/*/release/mullama-bench: cargo build --release -p mullama-core --bin mullama-bench")
    exe = max(found, key=lambda p: p.stat().st_mtime)
    print(f"rust: {exe}", file=sys.stderr)
    cmd = [str(exe), "--model", args.model, "--texts", str(args.texts), "--batch", ",".join(map(str, args.batches))]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    for c in args.corpus:
        cmd += ["--corpus", c]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    out: dict[str, list[dict]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("corpus "):
            current = line.split()[1]
            out[current] = []
        elif current and line.split() and line.split()[0].isdigit():
            f = line.split()
            out[current].append({"batch": int(f[0]), "texts": int(f[1]), "texts_s": float(f[2]), "tokens_s": float(f[3]), "rss": float(f[4])})
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=str(MULLAMA_HOME / "models" / "all-minilm.gguf"))
    p.add_argument("--corpus", action="append")
    p.add_argument("--batch", default="1,8,32,128,256")
    p.add_argument("--texts", type=int, default=1024)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--no-rust", action="store_true")
    p.add_argument("--llama-cpp-python", metavar="PYTHON", help="a Python with llama-cpp-python installed")
    p.add_argument("--worker", choices=["mullama", "llama-cpp-python"], help=argparse.SUPPRESS)
    args = p.parse_args()
    args.batches = [int(b) for b in args.batch.split(",")]
    args.corpus = args.corpus or [str(SHARED / "bench" / "corpus-short.txt"), str(SHARED / "bench" / "corpus-mixed.txt")]

    if args.worker:  # one engine per process, so that peak RSS is its own
        fn = bench_mullama if args.worker == "mullama" else bench_llama_cpp_python
        print(json.dumps(fn(args)))
        return

    def child(python: str, worker: str) -> dict | str:
        cmd = [python, __file__, "--worker", worker, "--model", args.model, "--texts", str(args.texts), "--batch", args.batch, "--threads", str(args.threads)]
        for c in args.corpus:
            cmd += ["--corpus", c]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return f"failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}"
        return json.loads(r.stdout.strip().splitlines()[-1])

    engines: dict[str, dict | str] = {"python": child(sys.executable, "mullama")}
    if not args.no_rust:
        try:
            engines["rust"] = bench_rust(args)
        except Exception as e:  # noqa: BLE001 - a missing binary is reported, not fatal
            engines["rust"] = f"failed: {e}"
    if args.llama_cpp_python:
        engines["llama-cpp-python"] = child(args.llama_cpp_python, "llama-cpp-python")
    else:
        engines["llama-cpp-python"] = os.environ.get("LLAMA_CPP_PYTHON_NOTE", "not run (pass --llama-cpp-python PYTHON)")

    print(f"model {args.model}; threads {args.threads or os.cpu_count()}; texts per row {args.texts} (at most 256 at batch 1)")
    for name, res in engines.items():
        if isinstance(res, str):
            print(f"{name}: {res}")
    names = [n for n, r in engines.items() if not isinstance(r, str)]
    for corpus in args.corpus:
        print(f"\ncorpus {corpus}")
        head = f"{'batch':>6}"
        for n in names:
            head += f" | {n + ' texts/s':>24} {'tokens/s':>9} {'RSS MiB':>8}"
        print(head + f" | {'seed page':>9}")
        for i, batch in enumerate(args.batches):
            line = f"{batch:>6}"
            for n in names:
                rows = engines[n].get(corpus) or engines[n].get(str(corpus)) or []
                r = rows[i] if i < len(rows) else None
                line += f" | {r['texts_s']:>24.1f} {r['tokens_s']:>9.0f} {r['rss']:>8.1f}" if r else f" | {'-':>24} {'-':>9} {'-':>8}"
            print(line + f" | {DOCS_CPU.get(batch, ''):>9}")


if __name__ == "__main__":
    main()
