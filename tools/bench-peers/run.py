"""`make bench-peers`: mullama beside the other local embedding engines, interleaved in one run.

Every system embeds the same texts of the two shared corpora with all-MiniLM-L6-v2 (the same F16
GGUF for the llama.cpp systems), with the same thread count, one call or request per batch:

    mullama Rust, Node.js, Python      in-process, through each package's batch call
    mullama server                     `mullama serve`, OpenAI /v1/embeddings over loopback
    llama-server                       built by setup.sh from the llama.cpp our crate compiles
    node-llama-cpp                     npm's prebuilt CPU build (no batch call: one per text)
    ONNX Runtime                       fp32 ONNX, batches padded to their longest text
    sentence-transformers              torch on the CPU: the reference for the vectors

Each system runs in its own process, started once (the weights load once). A row (corpus x
batch) runs every system in turn before the next row starts, the order rotated per repetition,
so that a load that comes and goes on a shared machine falls on all of them; the best
repetition per system is kept. For each row the harness prints texts/s, tokens/s (mullama's
token counts for the same texts, so that the systems are comparable), the process's peak RSS,
and the foreign CPU load: cores busy during the row minus the system's own and the harness's.

    python tools/bench-peers/run.py [--reps 2] [--threads 2] [--skip NAME,...] [--only NAME,...]
        [--batch 1,8,32,128,256] [--short-texts 512] [--mixed-texts 256] [--clients 8]
        [--out docs/bench]
"""

import argparse
import concurrent.futures as cf
import http.client
import json
import math
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PEERS = REPO / "target" / "peers"
HZ = os.sysconf("SC_CLK_TCK")
# all-MiniLM-L6-v2's sentence-transformers length; the corpora keep the texts that fit it.
MAX_TOKENS = 256
REFERENCE = "sentence-transformers"
# Offline, and no progress bars in the harness's output.
QUIET_HF = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", "TQDM_DISABLE": "1", "TOKENIZERS_PARALLELISM": "false"}


def store_model(name):
    home = os.environ.get("MULLAMA_HOME") or str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mullama")
    return Path(home) / "models" / f"{name}.gguf"


# ---- measuring a process --------------------------------------------------------------------


def busy_jiffies():
    """Jiffies the whole machine spent busy (every core), from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (f + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def proc_jiffies(pid):
    """utime + stime of one process, all its threads."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except OSError:
        return 0


def self_jiffies():
    t = os.times()
    return round((t.user + t.system) * HZ)


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().split("\n"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid):
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the systems ----------------------------------------------------------------------------


@dataclass
class System:
    name: str
    kind: str  # "worker" (stdin/stdout protocol) or "server" (OpenAI /v1/embeddings)
    argv: list
    cwd: Path = REPO
    env: dict = field(default_factory=dict)
    port: int = 0
    note: str = ""
    proc: subprocess.Popen = None
    pool: list = field(default_factory=list)

    def start(self):
        env = {**os.environ, **self.env}
        if self.kind == "worker":
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            ready = self.proc.stdout.readline()
            if not ready.startswith("{"):
                raise RuntimeError(f"{self.name} did not start (exit {self.proc.poll()})")
        else:
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 120
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode} while starting")
                try:
                    self.post(["ready?"])
                    return
                except (OSError, http.client.HTTPException, RuntimeError):
                    time.sleep(0.5)
            raise RuntimeError(f"{self.name} did not answer on port {self.port} in 120 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            if self.kind == "worker":
                try:
                    self.proc.stdin.write("quit\n")
                    self.proc.stdin.flush()
                    self.proc.wait(10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()

    # -- worker protocol
    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError(f"{self.name} exited with {self.proc.poll()} on {line!r}")
        return json.loads(reply)

    # -- server protocol: one keep-alive connection per client thread
    def connection(self):
        return self.pool.pop() if self.pool else http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def post(self, texts):
        body = json.dumps({"model": "all-minilm", "input": texts})
        while True:
            reused = bool(self.pool)
            conn = self.connection()
            try:
                conn.request("POST", "/v1/embeddings", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                # A kept-alive connection the server has since closed (its idle timeout): the
                # next one, or a new one; a new one that fails is a real failure.
                if not reused:
                    raise
        if resp.status != 200:
            conn.close()
            raise RuntimeError(f"{self.name}: HTTP {resp.status}: {data[:200]!r}")
        self.pool.append(conn)
        return [d["embedding"] for d in sorted(json.loads(data)["data"], key=lambda d: d["index"])]

    # -- the two measurements
    def run(self, corpus, texts, batch):
        if self.kind == "worker":
            r = self.ask(f"run {corpus} {batch} {len(texts)}")
            return r["seconds"]
        t0 = time.perf_counter()
        for i in range(0, len(texts), batch):
            self.post(texts[i : i + batch])
        return time.perf_counter() - t0

    def concurrent(self, texts, clients):
        """`clients` threads, each sending one text per request until every text is sent."""
        it = iter(texts)
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    t = next(it, None)
                if t is None:
                    return
                self.post([t])

        t0 = time.perf_counter()
        with cf.ThreadPoolExecutor(clients) as ex:
            for f in [ex.submit(client) for _ in range(clients)]:
                f.result()
        return time.perf_counter() - t0

    def vectors(self, corpus, texts):
        if self.kind == "worker":
            return self.ask(f"vectors {corpus} {len(texts)}")["vectors"]
        return self.post(texts)


def systems(args, model):
    t = str(args.threads)
    release = REPO / "target" / "x86_64-unknown-linux-gnu" / "release"
    worker = str(REPO / "tools" / "bench-peers" / "workers" / "python_worker.py")
    peers_py = str(PEERS / "venv" / "bin" / "python")
    node_bench = REPO / "packages" / "node" / "bench"
    p1, p2 = free_port(), free_port()
    llama_server = PEERS / "llama.cpp" / "build" / "bin" / "llama-server"
    # llama-server's defaults but for what an embedding server must be told: --embeddings, mean
    # pooling, the thread count, and slots enough to batch: it packs one text per slot, and its
    # default of 4 slots in 512 positions leaves 128 tokens each, too few for the paragraphs.
    server_flags = ["--embeddings", "--pooling", "mean", "-t", t, "-tb", t, "-c", str(512 * args.slots), "-np", str(args.slots), "-b", "2048", "-ub", "2048"]
    return [
        System("mullama Rust", "worker", [str(release / "examples" / "peer_worker"), str(model), t]),
        System("mullama Node", "worker", ["node", "peer-worker.mjs", "mullama", str(model), t], cwd=node_bench),
        System("mullama Python", "worker", [str(REPO / ".venv" / "bin" / "python"), worker, "mullama", str(model), t]),
        System("mullama server", "server", ["node", str(REPO / "packages" / "cli" / "dist" / "cli.mjs"), "serve", "--model", str(model), "--host", "127.0.0.1", "--port", str(p1), "--threads", t], port=p1),
        System("llama-server", "server", [str(llama_server), "-m", str(model), "--host", "127.0.0.1", "--port", str(p2), *server_flags], port=p2, note=" ".join(server_flags)),
        System("node-llama-cpp", "worker", ["node", "peer-worker.mjs", "node-llama-cpp", str(model), t], cwd=node_bench),
        System("ONNX Runtime", "worker", [peers_py, worker, "onnxruntime", str(PEERS / "onnx"), t]),
        System(REFERENCE, "worker", [peers_py, worker, "sentence-transformers", str(REPO / "target" / "models-src" / "all-MiniLM-L6-v2"), t], env=QUIET_HF),
    ]


def is_mullama(name):
    return name.startswith("mullama")


# ---- the run --------------------------------------------------------------------------------


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def measure(sut, fn):
    """Runs fn() and returns (seconds, peak RSS MiB, foreign load in cores)."""
    pid = sut.proc.pid
    reset_peak_rss(pid)
    b0, p0, s0, w0 = busy_jiffies(), proc_jiffies(pid), self_jiffies(), time.perf_counter()
    secs = fn()
    wall = time.perf_counter() - w0
    b1, p1, s1 = busy_jiffies(), proc_jiffies(pid), self_jiffies()
    foreign = max(0.0, (b1 - b0) - (p1 - p0) - (s1 - s0)) / HZ / wall
    return secs, peak_rss_mib(pid), foreign


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--slots", type=int, default=8, help="llama-server's --parallel")
    ap.add_argument("--batch", default="1,8,32,128,256")
    ap.add_argument("--short-texts", type=int, default=512)
    ap.add_argument("--mixed-texts", type=int, default=256)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--skip", default="")
    ap.add_argument("--only", default="")
    ap.add_argument("--model", default=str(store_model("all-minilm")))
    ap.add_argument("--out", default="", help="folder for peers.json (the figures)")
    ap.add_argument("--table", default="", help="file for the Markdown table the docs include")
    args = ap.parse_args()
    batches = [int(b) for b in args.batch.split(",")]
    shared = Path(os.environ.get("MULLAMA_SHARED", REPO.parent / "shared")) / "bench"
    corpora = [("sentences", shared / "corpus-short.txt", args.short_texts), ("paragraphs", shared / "corpus-mixed.txt", args.mixed_texts)]

    chosen = systems(args, args.model)
    skip, only = set(filter(None, args.skip.split(","))), set(filter(None, args.only.split(",")))
    chosen = [s for s in chosen if s.name not in skip and (not only or s.name in only or s.name == "mullama Rust")]
    started = []
    try:
        for s in chosen:
            t0 = time.perf_counter()
            s.start()
            started.append(s)
            print(f"started {s.name} in {time.perf_counter() - t0:.1f} s (pid {s.proc.pid})", flush=True)
        corpora, texts, counts = fitting_corpora(started[0], corpora, MAX_TOKENS)
        results = run_all(args, started, corpora, texts, counts, batches)
    finally:
        for s in started:
            s.stop()
    report(args, results, started)


def fitting_corpora(rust, corpora, limit):
    """The corpora without the texts past `limit` tokens (mullama's count), written to
    target/peers/corpora: every system then embeds every text whole, none truncates or refuses."""
    out, texts, counts = [], {}, {}
    folder = PEERS / "corpora"
    folder.mkdir(parents=True, exist_ok=True)
    for name, path, count in corpora:
        lines = [l for l in path.read_text(encoding="utf-8").split("\n") if l.strip()]
        pairs = [(l, n) for l, n in zip(lines, rust.ask(f"tokens {path}")["tokens"]) if n <= limit]
        kept = [l for l, _ in pairs]
        dest = folder / f"{name}.txt"
        dest.write_text("\n".join(kept) + "\n", encoding="utf-8")
        print(f"{name}: {len(kept)} of {len(lines)} texts fit {limit} tokens", flush=True)
        out.append((name, dest, count))
        texts[name] = kept
        counts[name] = [n for _, n in pairs]
    return out, texts, counts


def run_all(args, started, corpora, texts, counts, batches):
    rust = started[0]
    results = {"rows": [], "cosine": {}, "avg_tokens": {}}
    # Vectors first: every system against sentence-transformers (or mullama Rust without it).
    ref_sys = next((s for s in started if s.name == REFERENCE), None)
    for cname, cpath, _ in corpora:
        sample = texts[cname][:16]
        vecs = {s.name: s.vectors(str(cpath), sample) for s in started}
        ref = vecs[ref_sys.name] if ref_sys else vecs[rust.name]
        for name, v in vecs.items():
            c = min(cosine(a, b) for a, b in zip(v, ref))
            results["cosine"][name] = min(c, results["cosine"].get(name, 1.0))
        print(f"{cname}: min cosine to {ref_sys.name if ref_sys else rust.name}: " + ", ".join(f"{n} {results['cosine'][n]:.6f}" for n in vecs), flush=True)
    for cname, cpath, count in corpora:
        # Tokens as mullama counts them (fitting_corpora): the tokens/s column of every system.
        tok = lambda n: sum(counts[cname][:n])
        results["avg_tokens"][cname] = tok(count) / min(count, len(texts[cname]))
        # Warm-up: first contexts and page-in of the weights, every system.
        for s in started:
            s.run(str(cpath), texts[cname][:64], 32)
        for batch in batches + (["c"] if args.clients else []):
            n = min(count if batch != 1 else count // 2, len(texts[cname]))
            chunk = texts[cname][:n]
            row = {"corpus": cname, "batch": batch if batch != "c" else f"{args.clients} clients", "texts": n, "tokens": tok(n), "systems": {}}
            for rep in range(args.reps):
                order = started[rep % len(started) :] + started[: rep % len(started)]
                for s in order:
                    if batch == "c" and s.kind != "server":
                        continue
                    fn = (lambda s=s: s.concurrent(chunk, args.clients)) if batch == "c" else (lambda s=s: s.run(str(cpath), chunk, batch))
                    secs, rss, foreign = measure(s, fn)
                    best = row["systems"].get(s.name)
                    if best is None or secs < best["seconds"]:
                        row["systems"][s.name] = {"seconds": secs, "texts_per_s": n / secs, "tokens_per_s": tok(n) / secs, "peak_rss_mib": rss, "foreign_load": foreign}
            results["rows"].append(row)
            print_row(row)
    return results


def ratio(row):
    """mullama's best surface over the best peer of the row."""
    ours = [v["texts_per_s"] for n, v in row["systems"].items() if is_mullama(n)]
    peers = [(v["texts_per_s"], n) for n, v in row["systems"].items() if not is_mullama(n)]
    if not ours or not peers:
        return None, None
    best_peer = max(peers)
    return max(ours) / best_peer[0], best_peer[1]


def print_row(row):
    r, peer = ratio(row)
    print(f"\n{row['corpus']}, batch {row['batch']} ({row['texts']} texts, {row['tokens']} tokens)" + (f": mullama / best peer ({peer}) = {r:.2f}x" if r else ""))
    print(f"  {'system':<24}{'texts/s':>9}{'tokens/s':>10}{'peak RSS MiB':>14}{'foreign load':>14}")
    for name, v in row["systems"].items():
        print(f"  {name:<24}{v['texts_per_s']:>9.1f}{v['tokens_per_s']:>10.0f}{v['peak_rss_mib']:>14.1f}{v['foreign_load']:>14.2f}", flush=True)


def report(args, results, started):
    names = [s.name for s in started]
    lines = []
    for cname in dict.fromkeys(r["corpus"] for r in results["rows"]):
        rows = [r for r in results["rows"] if r["corpus"] == cname]
        avg = results["avg_tokens"].get(cname, 0)
        lines.append(f"\n**{cname}** (about {avg:.0f} tokens a text), texts/s:\n")
        lines.append("| system | " + " | ".join(f"b{r['batch']}" if isinstance(r["batch"], int) else r["batch"] for r in rows) + " | peak RSS MiB | cosine to ST |")
        lines.append("|---" * (len(rows) + 3) + "|")
        for n in names:
            cells = [f"{r['systems'][n]['texts_per_s']:.1f}" if n in r["systems"] else "—" for r in rows]
            rss = max((r["systems"][n]["peak_rss_mib"] for r in rows if n in r["systems"]), default=0)
            cos = results["cosine"].get(n)
            lines.append(f"| {n} | " + " | ".join(cells) + f" | {rss:.0f} | " + (f"{cos:.6f} |" if cos is not None else "— |"))
        ratios = [ratio(r) for r in rows]
        lines.append("| **mullama / best peer** | " + " | ".join(f"**{x:.2f}x** ({p})" if x else "—" for x, p in ratios) + " | | |")
        lines.append("| foreign load, cores (max over systems) | " + " | ".join(f"{max(v['foreign_load'] for v in r['systems'].values()):.2f}" for r in rows) + " | | |")
    table = "\n".join(lines)
    print("\n" + table)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        meta = {
            "date": time.strftime("%Y-%m-%d"),
            "command": "make bench-peers (python tools/bench-peers/run.py " + " ".join(sys.argv[1:]) + ")",
            "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "kernel": platform.release()},
            "threads": args.threads,
            "repetitions": args.reps,
            "selection": "per system and row, the repetition with the highest texts/s",
            "llama_server_flags": next((s.note for s in started if s.name == "llama-server"), None),
            "load_average_after": list(os.getloadavg()),
        }
        (out / "peers.json").write_text(json.dumps({**meta, **results}, indent=2) + "\n")
        print(f"\nwrote {out / 'peers.json'}")
    if args.table:
        head = f"<!-- Written by `make bench-peers` (tools/bench-peers/run.py) on {time.strftime('%Y-%m-%d')}: do not edit, run it again. -->\n"
        machine = f"{cpu_model()}, {os.cpu_count()} cores, {args.threads} threads per system, best of {args.reps} interleaved repetition(s)."
        Path(args.table).write_text(head + "\n" + machine + "\n" + table + "\n")
        print(f"wrote {args.table}")


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().split("\n"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


if __name__ == "__main__":
    main()
