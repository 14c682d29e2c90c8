"""Ray Data over the in-process library, for a corpus that outgrows one process:
``pip install mullama[ray]``.

    import ray
    from mullama.ray import MullamaEmbedder

    ds = ray.data.read_parquet("corpus/")
    ds = ds.repartition(target_num_rows_per_block=256)  # a block goes to one actor: keep them small
    ds = ds.map_batches(
        MullamaEmbedder,
        fn_constructor_args=("all-minilm",),
        fn_constructor_kwargs={"n_threads": 2, "normalize": True},
        compute=ray.data.ActorPoolStrategy(size=4),  # 4 actors...
        num_cpus=2,  # ...each holding the 2 cores its threads use; leave Ray Data a CPU to read with
        batch_size=256,
        batch_format="pyarrow",
    )
    ds.write_parquet("vectors/")

or, as a command: ``python -m mullama.ray corpus/ vectors/ --model all-minilm --actors 4
--threads-per-actor 2`` (``embed_dataset``).

Each actor loads the model once and keeps one ``Context``; a batch becomes one
``get_embedding_batch`` call, which the engine packs into micro-batches by tokens itself (at most
``ContextParams.n_batch`` tokens each, 256 by default). So ``batch_size`` does not size the model's
work: it sets how many rows Ray moves per call, and 128-1024 rows keep Ray's per-batch cost (a few
milliseconds) small beside the embedding without holding much memory; smaller ones also share the
work more evenly between the actors at the end of a dataset.

If the actors hold every CPU of the cluster, Ray Data has none left to read with and waits forever
(ray-project/ray#44687): keep actors x threads below the cluster's CPUs (``embed_dataset`` reads
the input first when they would not be).

Importing this module imports neither Ray nor pyarrow: they are imported where they are used.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

import mullama

# Batches are pyarrow Tables, pandas DataFrames or dicts of numpy arrays. pyarrow has no type
# information for mypy, so batches are typed Any.
Batch = Any


def _import(name: str) -> Any:
    """Ray or pyarrow on first use, so that ``import mullama.ray`` works without them.

    ``importlib.import_module`` is always absolute: ``"ray"`` is the Ray package, never this module
    (whose name is ``mullama.ray``). A script run from inside the package folder would put this file
    first on ``sys.path`` as ``ray``; that copy has no ``ray.data``, so the import fails with the hint.
    """
    try:
        module = importlib.import_module(name)
        if name == "ray":
            importlib.import_module("ray.data")
        return module
    except ImportError as err:
        raise ImportError(f"mullama.ray needs {name}: pip install mullama[ray] (Ray Data and pyarrow)") from err


class MullamaEmbedder:
    """A callable class for ``ray.data.Dataset.map_batches``: Ray builds one per actor.

    ``model``: a store name (``all-minilm``) or a GGUF path, resolved by ``mullama.resolve_model_path``
    on the node the actor runs on (so each node needs the file, or shared storage).
    ``n_threads``: the actor's ``ContextParams.n_threads``; give ``map_batches`` the same ``num_cpus``
    so that Ray places no more actors on a node than it has cores. ``context_params``: other
    ``ContextParams`` fields as a dict (``{"n_ctx": 512}``; Ray pickles constructor arguments, and a
    ``ContextParams`` cannot be pickled). Other keyword arguments are ``get_embedding_batch`` options
    for every batch (``normalize``, ``role``, ``prompt``, ``dimensions``, ``overflow``, ``pooling``,
    ``max_tokens``).

    Calling it with a batch (a pyarrow Table, a dict of numpy arrays or a pandas DataFrame) embeds
    the column ``text_column`` and returns the batch as a pyarrow Table, rows in their order, with
    ``vector_column`` added: ``fixed_size_list<float32>[dimension]``.

    A failing row is reported, not lost. When the batch's call fails (an empty text is
    ``EMPTY_INPUT``; a text longer than the context is ``INPUT_TOO_LONG`` under the default
    ``overflow``), each row of that batch is embedded on its own (the calls overlap, so the engine
    still packs them together) and a failing row gets a null vector and, in ``error_column``, a
    struct of its error ``code`` and ``message``; the column is null for the rows that have a
    vector. A null text is ``EMPTY_INPUT`` and a text that is not a string ``INVALID_ARGUMENT``.
    ``error_column=None`` raises instead, failing the batch (and, in Ray, the dataset).
    ``tokens_column``: also write each row's token count (``Embedding.tokens``, int32).
    """

    def __init__(
        self,
        model: Union[str, os.PathLike[str]],
        *,
        text_column: str = "text",
        vector_column: str = "embedding",
        error_column: Optional[str] = "error",
        tokens_column: Optional[str] = None,
        n_threads: int = 1,
        context_params: Optional[Dict[str, Any]] = None,
        **options: Any,
    ) -> None:
        start = time.perf_counter()
        self.model = mullama.Model.load(mullama.resolve_model_path(os.fspath(model)))
        self.context = mullama.Context(self.model, mullama.ContextParams(n_threads=n_threads, **(context_params or {})))
        self.text_column = text_column
        self.vector_column = vector_column
        self.error_column = error_column
        self.tokens_column = tokens_column
        self.options = options
        # One text through the options checks them here, in the actor's start, instead of in the
        # first batch, and gives the vector length (`dimensions` may shorten it) that the column
        # type needs even when every row of a batch fails.
        self.dimension = self.context.get_embedding_batch(["warm-up"], **options)[0].dimension
        self.load_seconds = time.perf_counter() - start
        """Model load, context start and the warm-up text: what each actor costs before its first batch."""

    def __call__(self, batch: Batch) -> Batch:
        pa = _import("pyarrow")
        table = batch if isinstance(batch, pa.Table) else _to_arrow(batch)
        texts = table.column(self.text_column).to_pylist()
        vectors, tokens, errors = self._embed(texts)
        columns: List[Tuple[str, Any]] = [
            (self.vector_column, pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), self.dimension, mask=pa.array([e is not None for e in errors], pa.bool_())))
        ]
        if self.tokens_column is not None:
            columns.append((self.tokens_column, pa.array(tokens, pa.int32())))
        if self.error_column is not None:
            error_type = pa.struct([("code", pa.string()), ("message", pa.string())])
            columns.append((self.error_column, pa.array([None if e is None else {"code": e[0], "message": e[1]} for e in errors], error_type)))
        for name, column in columns:  # a column of that name is replaced: embedding twice is no error
            at = table.schema.get_field_index(name)
            table = table.append_column(name, column) if at < 0 else table.set_column(at, name, column)
        return table

    def _embed(self, texts: Sequence[Any]) -> Tuple[np.ndarray, List[Optional[int]], List[Optional[Tuple[str, str]]]]:
        """Vectors (a zero row where none), token counts and errors (code, message) of each text."""
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        tokens: List[Optional[int]] = [None] * len(texts)
        errors: List[Optional[Tuple[str, str]]] = [None] * len(texts)
        if self.error_column is None:  # strict: whatever fails, fails the batch
            results: Sequence[Union[mullama.Embedding, BaseException]] = self.context.get_embedding_batch(list(texts), **self.options)
            rows = list(range(len(texts)))
        else:
            rows = []
            for i, text in enumerate(texts):
                if text is None:
                    errors[i] = (mullama.ErrorCode.EmptyInput.value, "text is null")
                elif not isinstance(text, str):
                    errors[i] = (mullama.ErrorCode.InvalidArgument.value, f"text is {type(text).__name__}, not str")
                else:
                    rows.append(i)
            todo = [texts[i] for i in rows]
            try:
                results = self.context.get_embedding_batch(todo, **self.options)
            except mullama.MullamaError:
                results = asyncio.run(self._each(todo))
        for i, result in zip(rows, results):
            if isinstance(result, mullama.Embedding):
                vectors[i] = result.data
                tokens[i] = result.tokens
            elif isinstance(result, mullama.MullamaError):
                errors[i] = (result.code, str(result))
            else:
                raise result  # not a row's fault (a bug, an interrupt): no row can absorb it
        return vectors, tokens, errors

    async def _each(self, texts: List[str]) -> List[Union[mullama.Embedding, BaseException]]:
        """Each text in a call of its own, all at once: one text's error stays its own, while the
        engine still packs the texts into shared micro-batches (as fast as one batch call)."""

        async def one(text: str) -> Union[mullama.Embedding, BaseException]:
            try:  # inside: a text the glue refuses before the call (INVALID_UTF8) raises at once
                return (await self.context.get_embedding_batch_async([text], **self.options))[0]
            except mullama.MullamaError as err:
                return err

        # return_exceptions: every call is awaited to its end, even past an unexpected error.
        return list(await asyncio.gather(*(one(text) for text in texts), return_exceptions=True))


def _to_arrow(batch: Batch) -> Any:
    """A dict of numpy arrays or a DataFrame as the Arrow table Ray itself would make of it (tensor
    columns included), so the other columns come back as Ray would store them."""
    block = importlib.import_module("ray.data.block")
    return block.BlockAccessor.batch_to_block(batch, block_type=block.BlockType.ARROW)


@dataclass
class DatasetReport:
    """What ``embed_dataset`` wrote."""

    rows: int
    """Rows written."""
    failed: int
    """Rows with a null vector and an error (``error_column``)."""
    seconds: float
    """Wall time of reading, embedding and writing (the actors' start included)."""


def embed_dataset(
    input_path: str,
    output_path: str,
    model: str,
    *,
    text_column: str = "text",
    vector_column: str = "embedding",
    error_column: str = "error",
    tokens_column: Optional[str] = None,
    actors: int = 2,
    threads_per_actor: int = 1,
    batch_size: int = 256,
    input_format: Optional[str] = None,
    address: Optional[str] = None,
    preserve_order: bool = True,
    context_params: Optional[Dict[str, Any]] = None,
    **options: Any,
) -> DatasetReport:
    """Embeds the texts of ``input_path`` into Parquet files in the new (or empty) folder
    ``output_path``, and says how many rows it wrote and how many failed.

    The input is Parquet (a file or a folder) or, when ``input_format="text"`` or the path ends in
    ``.txt``, text with one document per line (column ``text``; blank lines are skipped, as Ray's
    ``read_text`` does). Every column is kept and the columns of ``MullamaEmbedder`` added. The
    rows are cut into blocks of ``batch_size`` rows, each a batch any free actor takes. ``actors``
    actors each hold ``threads_per_actor`` CPUs (Ray's ``num_cpus``) and run as many llama.cpp
    threads; when they would hold every free CPU, the input is read in full before they start
    (Ray Data could not read beside them). ``address``: the cluster to join when Ray is not
    initialized yet (``"auto"``, ``"host:6379"``); without it ``ray.init()`` joins the cluster of
    ``ray start`` on this machine or starts a local one. ``preserve_order``: the output
    rows in input order (off lets a fast block overtake a slow one). ``context_params`` and the
    other keyword arguments are ``MullamaEmbedder``'s (``normalize``, ``role``, ``dimensions``...).
    Paths are read and written by every node: use shared storage on a cluster.
    """
    if "://" not in output_path and os.path.isdir(output_path) and os.listdir(output_path):
        # Ray Data adds its files beside any already there, and the report counts the folder.
        raise ValueError(f"{output_path} is not empty: write into a new folder")
    ray = _import("ray")
    pq = _import("pyarrow.parquet")
    start = time.perf_counter()
    if not ray.is_initialized():
        ray.init(address=address)
    data_context = ray.data.DataContext.get_current()
    was_ordered = data_context.execution_options.preserve_order
    data_context.execution_options.preserve_order = preserve_order
    try:
        text = input_format == "text" or (input_format is None and input_path.endswith(".txt"))
        ds = ray.data.read_text(input_path) if text else ray.data.read_parquet(input_path)
        # Ray reads a Parquet file as one block, and a block goes to one actor: blocks of one
        # batch each let every actor take the next batch as it is done.
        ds = ds.repartition(target_num_rows_per_block=batch_size)
        if actors * threads_per_actor >= ray.available_resources().get("CPU", 0):
            # Ray Data starts the actors before it reads, and a read task needs a CPU of its own:
            # with every CPU held by an actor it would wait forever (ray-project/ray#44687). So
            # the input is read first, into Ray's object store (spilled to disk past its size).
            ds = ds.materialize()
        embedder_kwargs = dict(options, text_column=text_column, vector_column=vector_column, error_column=error_column, tokens_column=tokens_column, n_threads=threads_per_actor, context_params=context_params)
        ds = ds.map_batches(
            MullamaEmbedder,
            fn_constructor_args=(model,),
            fn_constructor_kwargs=embedder_kwargs,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=threads_per_actor,  # Ray places an actor where its threads have cores
            batch_size=batch_size,
            batch_format="pyarrow",
        )
        # Writing holds no CPU: with actors on every CPU, writes would wait for the last batch,
        # keeping every vector in the object store until then.
        ds.write_parquet(output_path, ray_remote_args={"num_cpus": 0})
    finally:
        data_context.execution_options.preserve_order = was_ordered
    errors = pq.read_table(output_path, columns=[error_column]).column(error_column)
    return DatasetReport(rows=len(errors), failed=len(errors) - errors.null_count, seconds=time.perf_counter() - start)


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m mullama.ray INPUT OUTPUT --model M --actors N --threads-per-actor T``."""
    parser = argparse.ArgumentParser(prog="python -m mullama.ray", description="Embed a Parquet or text corpus with Ray Data into Parquet files.")
    parser.add_argument("input", help="Parquet file or folder, or a .txt file with one document per line")
    parser.add_argument("output", help="folder for the Parquet files")
    parser.add_argument("--model", default="all-minilm", help="store name or GGUF path (on every node)")
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--threads-per-actor", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256, help="rows per batch (the engine packs them by tokens itself)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--vector-column", default="embedding")
    parser.add_argument("--tokens-column", help="also write each row's token count")
    parser.add_argument("--format", choices=["parquet", "text"], help="input format (default: text for .txt, else parquet)")
    parser.add_argument("--address", help="Ray cluster to join (auto, HOST:PORT); default: ray.init()'s")
    parser.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--role", choices=["query", "document"])
    parser.add_argument("--prompt")
    parser.add_argument("--dimensions", type=int)
    parser.add_argument("--overflow", choices=["error", "truncate_end", "truncate_start"])
    args = parser.parse_args(argv)
    options = {k: v for k in ("normalize", "role", "prompt", "dimensions", "overflow") if (v := getattr(args, k)) is not None}
    report = embed_dataset(
        args.input,
        args.output,
        args.model,
        text_column=args.text_column,
        vector_column=args.vector_column,
        tokens_column=args.tokens_column,
        actors=args.actors,
        threads_per_actor=args.threads_per_actor,
        batch_size=args.batch_size,
        input_format=args.format,
        address=args.address,
        **options,
    )
    print(f"{report.rows} rows, {report.failed} failed, in {report.seconds:.1f} s: {args.output}")
    return 0


if __name__ == "__main__":
    # Run as `python -m mullama.ray`, this file is `__main__`, and Ray would pickle a class defined
    # here by value; the one imported from `mullama.ray` is found by name in every actor.
    from mullama.ray import main as _main

    sys.exit(_main())
