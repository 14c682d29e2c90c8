"""mullama.ray on a real local Ray cluster (2 CPUs, listening on 127.0.0.1 only): 2 actors x 1
thread give the single-process vectors in row order, a failing row gets a null vector and its error
while its neighbours get theirs, embed_dataset round-trips Parquet, and `python -m mullama.ray` runs."""

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Before Ray is imported (it reads them then, and its child processes inherit them): no usage
# statistics, and a single-machine cluster on the loopback address. Ray resolves a node address of
# 127.0.0.1 to the machine's outward one unless multi-node clusters are off
# (ray_constants.ENABLE_RAY_CLUSTER); with 127.0.0.1 its gRPC servers listen on loopback only.
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mullama
import mullama.ray
from mullama.ray import MullamaEmbedder, embed_dataset

ROOT = Path(__file__).resolve().parents[3]
# Ray Data warns about its own deprecated settings whenever it copies its DataContext.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")
LONG = "word " * 400  # over all-minilm's 256 tokens: INPUT_TOO_LONG under the default overflow


@pytest.fixture(scope="module")
def cluster():
    import ray

    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    ray.init(address="local", num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", _temp_dir=temp, log_to_driver=False, logging_level=logging.WARNING)
    data = ray.data.DataContext.get_current()
    data.enable_progress_bars = False
    data.execution_options.preserve_order = True  # take_all() in input order (row order within a batch is ours)
    try:
        assert ray.util.get_node_ip_address() == "127.0.0.1", "Ray was imported before this module set its environment"
        yield ray
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def model_path(testdata) -> str:
    return str(testdata / "all-minilm.gguf")


@pytest.fixture(scope="module")
def corpus() -> list:
    lines = [line for line in (ROOT / "scenarios" / "corpus" / "short.txt").read_text().splitlines() if line.strip()]
    texts = lines[:60]
    texts[29] = ""  # a failing row between two good ones
    texts[45] = LONG
    return texts


@pytest.fixture(scope="module")
def expected(model_path, corpus) -> dict:
    """The single-process vectors of every text that has one."""
    with mullama.Context(mullama.Model.load(model_path), mullama.ContextParams(n_threads=1)) as ctx:
        good = [i for i, t in enumerate(corpus) if t and t != LONG]
        return dict(zip(good, (e.data for e in ctx.get_embedding_batch([corpus[i] for i in good]))))


def cosine(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def check_rows(table: pa.Table, corpus: list, expected: dict) -> None:
    assert table.num_rows == len(corpus)
    assert table.column("id").to_pylist() == list(range(len(corpus)))  # row order kept
    assert table.column("text").to_pylist() == corpus
    assert table.schema.field("embedding").type == pa.list_(pa.float32(), 384)  # fixed_size_list<float32>[384]
    vectors = table.column("embedding").to_pylist()
    errors = table.column("error").to_pylist()
    for i, want in expected.items():
        assert errors[i] is None, (i, errors[i])
        assert cosine(np.asarray(vectors[i], np.float32), want) >= 0.99999, i
    assert vectors[29] is None and errors[29] == {"code": "EMPTY_INPUT", "message": "text is empty"}
    assert vectors[45] is None and errors[45]["code"] == "INPUT_TOO_LONG", errors[45]
    assert vectors[28] is not None and vectors[30] is not None  # its batch's neighbours have theirs


def test_two_actors_give_the_single_process_vectors(cluster, model_path, corpus, expected):
    ds = cluster.data.from_items([{"id": i, "text": t} for i, t in enumerate(corpus)], override_num_blocks=4)
    out = ds.map_batches(
        MullamaEmbedder,
        fn_constructor_args=(model_path,),
        fn_constructor_kwargs={"n_threads": 1, "tokens_column": "tokens"},
        compute=cluster.data.ActorPoolStrategy(size=2),
        num_cpus=1,
        batch_size=16,
        batch_format="pyarrow",
    )
    table = pa.concat_tables(cluster.get(out.to_arrow_refs()))
    check_rows(table, corpus, expected)
    tokens = table.column("tokens").to_pylist()
    assert tokens[29] is None and tokens[45] is None and all(n > 2 for i, n in enumerate(tokens) if i in expected)


def test_numpy_batches_and_options(cluster, model_path, corpus):
    ds = cluster.data.from_items([{"id": i, "text": t} for i, t in enumerate(corpus[:20])])
    out = ds.map_batches(
        MullamaEmbedder,
        fn_constructor_args=(model_path,),
        fn_constructor_kwargs={"dimensions": 128, "normalize": True, "role": "query"},
        compute=cluster.data.ActorPoolStrategy(size=1),
        batch_size=8,
        batch_format="numpy",
    )
    table = pa.concat_tables(cluster.get(out.to_arrow_refs()))
    assert table.schema.field("embedding").type == pa.list_(pa.float32(), 128)
    with mullama.Context(mullama.Model.load(model_path), mullama.ContextParams(n_threads=1)) as ctx:
        want = ctx.get_embedding_batch(corpus[:8], dimensions=128, normalize=True, role="query")
    got = table.column("embedding").to_numpy(zero_copy_only=False)
    for g, w in zip(got[:8], want):
        assert cosine(g, w.data) >= 0.99999


def test_embed_dataset_parquet_to_parquet_and_the_command(cluster, model_path, corpus, expected, tmp_path):
    source = tmp_path / "corpus.parquet"
    pq.write_table(pa.table({"id": list(range(len(corpus))), "text": corpus}), source)
    report = embed_dataset(str(source), str(tmp_path / "vectors"), model_path, actors=2, threads_per_actor=1, batch_size=16)
    assert (report.rows, report.failed) == (60, 2)
    check_rows(pq.read_table(tmp_path / "vectors"), corpus, expected)
    with pytest.raises(ValueError, match="not empty"):
        embed_dataset(str(source), str(tmp_path / "vectors"), model_path)

    # The command, joining this cluster, on a text file (one document per line).
    (tmp_path / "lines.txt").write_text("\n".join(corpus[:10]) + "\n")
    args = ["--model", model_path, "--actors", "1", "--threads-per-actor", "1", "--normalize", "--address", cluster.get_runtime_context().gcs_address]
    r = subprocess.run([sys.executable, "-m", "mullama.ray", str(tmp_path / "lines.txt"), str(tmp_path / "cli"), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("10 rows, 0 failed, in "), r.stdout
    table = pq.read_table(tmp_path / "cli")
    assert table.column("text").to_pylist() == corpus[:10]
    np.testing.assert_allclose(np.linalg.norm(table.column("embedding").to_numpy(zero_copy_only=False).tolist(), axis=1), 1, atol=1e-5)


def test_a_batch_without_ray(model_path):
    """The class is a plain callable: each batch format, the strict mode, and no Ray import."""
    embedder = MullamaEmbedder(model_path, vector_column="v", error_column="err")
    assert embedder.dimension == 384 and embedder.load_seconds > 0
    table = embedder(pa.table({"text": ["a", None, "b", ""], "v": [1, 2, 3, 4]}))  # an old `v` is replaced
    assert table.column_names == ["text", "v", "err"]
    assert [e and e["code"] for e in table.column("err").to_pylist()] == [None, "EMPTY_INPUT", None, "EMPTY_INPUT"]
    assert table.column("v").null_count == 2
    import pandas as pd

    from_numpy = embedder({"text": np.array(["a", "b"], dtype=object)})
    from_pandas = embedder(pd.DataFrame({"text": ["a", "b"]}))
    np.testing.assert_array_equal(from_numpy.column("v").to_pylist(), from_pandas.column("v").to_pylist())
    # A text the glue refuses before the call (a lone surrogate, which Arrow cannot hold) stays its
    # row's error in the per-row fallback too.
    _, _, errors = embedder._embed(["a", "\ud800", ""])
    assert [e and e[0] for e in errors] == [None, "INVALID_UTF8", "EMPTY_INPUT"]
    strict = MullamaEmbedder(model_path, error_column=None)
    with pytest.raises(mullama.EmptyInputError):
        strict(pa.table({"text": ["a", ""]}))
    with pytest.raises(TypeError):
        MullamaEmbedder(model_path, no_such_option=1)


def test_importable_without_ray_and_not_shadowing_it(cluster):
    # `import ray` from mullama.ray is the Ray package, not the module itself.
    assert mullama.ray._import("ray") is sys.modules["ray"] is cluster
    assert sys.modules["ray"] is not mullama.ray and hasattr(cluster, "data")
    code = (
        "import sys\n"
        "class NoRay:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('ray', 'pyarrow'): raise ImportError(name)\n"
        "sys.meta_path.insert(0, NoRay())\n"
        "import mullama.ray\n"
        "try:\n"
        "    mullama.ray.embed_dataset('in.parquet', 'out', 'all-minilm')\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "pip install mullama[ray]" in r.stdout
