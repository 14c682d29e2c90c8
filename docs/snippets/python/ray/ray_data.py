import logging
import os
import shutil
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq

# This file starts a Ray cluster of its own on this machine, on 127.0.0.1 only and without usage
# statistics (set before Ray is imported); on a real cluster the script would join it instead.
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # a single-machine cluster: loopback addresses
import ray

temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
ray.init(address="local", num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", _temp_dir=temp, log_to_driver=False, logging_level=logging.WARNING)
ray.data.DataContext.get_current().enable_progress_bars = False
ray.data.DataContext.get_current().execution_options.preserve_order = True
texts = [
    "Pasta cooks in a large pot of boiling salted water.",
    "The stock market fell sharply on Monday.",
    "",  # an empty text: its row gets an error, not a vector
    "Cats sleep for most of the day.",
    "Rust is a systems programming language.",
    "Tomatoes, garlic and basil make a quick sauce.",
]
pq.write_table(pa.table({"id": list(range(len(texts))), "text": texts}), "corpus.parquet")

# --8<-- [start:ray]
import ray
from mullama.ray import MullamaEmbedder  # pip install mullama[ray]

THREADS = 1  # llama.cpp threads per actor, and the CPUs Ray holds for it
cpus = int(ray.cluster_resources()["CPU"])
actors = max(1, (cpus - 1) // THREADS)  # one CPU stays free for Ray Data's reads and writes

ds = ray.data.read_parquet("corpus.parquet")  # columns id and text; every column is kept
ds = ds.repartition(target_num_rows_per_block=256)  # blocks of one batch, so every actor gets some
ds = ds.map_batches(
    MullamaEmbedder,  # built once per actor: one model, one Context
    fn_constructor_args=("./all-minilm.gguf",),  # a path or store name, on every node
    fn_constructor_kwargs={"n_threads": THREADS, "normalize": True},
    compute=ray.data.ActorPoolStrategy(size=actors),
    num_cpus=THREADS,
    batch_size=256,  # rows per call; the engine packs them into micro-batches by tokens itself
    batch_format="pyarrow",
)
ds.write_parquet("vectors")

table = pq.read_table("vectors")
print(table.schema.field("embedding").type)  # fixed_size_list<element: float>[384]
for row in table.filter(table["error"].is_valid()).to_pylist():
    print(row["id"], row["error"])  # 2 {'code': 'EMPTY_INPUT', 'message': 'text is empty'}
# --8<-- [end:ray]

# --8<-- [start:embed_dataset]
from mullama.ray import embed_dataset

report = embed_dataset("corpus.parquet", "vectors-2", "./all-minilm.gguf", actors=actors, threads_per_actor=THREADS, normalize=True)
print(report.rows, report.failed)  # 6 1
# --8<-- [end:embed_dataset]

import subprocess
import sys

import numpy as np
from mullama import Context, ContextParams, Model

assert table.schema.field("embedding").type == pa.list_(pa.float32(), 384)
assert table.column("id").to_pylist() == list(range(len(texts)))  # in input order
vectors = table.column("embedding").to_pylist()
assert vectors[2] is None and table.column("error").to_pylist()[2] == {"code": "EMPTY_INPUT", "message": "text is empty"}
# The vectors of one process's Context, normalised.
with Context(Model.load("./all-minilm.gguf"), ContextParams(n_threads=1)) as ctx:
    want = ctx.get_embedding_batch([t for t in texts if t], normalize=True)
got = [np.asarray(v, np.float32) for v in vectors if v is not None]
for g, w in zip(got, want):
    assert float(np.dot(g, w.data)) > 0.99999
assert (report.rows, report.failed) == (6, 1)
again = pq.read_table("vectors-2")
np.testing.assert_allclose(np.stack(again.column("embedding").to_pylist()[3:]), np.stack(vectors[3:]), atol=1e-5)

# The command of the page (the same options as the region above), joining this cluster.
command = "python -m mullama.ray corpus.parquet vectors-3 --model ./all-minilm.gguf --actors 1 --threads-per-actor 1 --normalize"
address = ray.get_runtime_context().gcs_address
r = subprocess.run([sys.executable, *command.split()[1:], "--address", address], capture_output=True, text=True, timeout=120)
assert r.returncode == 0, r.stdout + r.stderr
assert r.stdout.startswith("6 rows, 1 failed, in "), r.stdout
np.testing.assert_allclose(np.stack(pq.read_table("vectors-3").column("embedding").to_pylist()[3:]), np.stack(vectors[3:]), atol=1e-5)

ray.shutdown()
shutil.rmtree(temp, ignore_errors=True)
