"""The shared scenarios (scenarios/*.json, see scenarios/README.md), by the same names the Rust and
Node tests use. Each call is found in the generated table of IDL calls
(scenarios/generated/calls.json), never in an `if` here; the expectations are the same in every
language and read the result as plain JSON. Keys are in the IDL's (Node) spelling; the table
gives the Python names."""

import asyncio
import json
import re
import types

import numpy as np
import pytest

import mullama

from conftest import ROOT, TESTDATA

TABLE = json.loads((ROOT / "scenarios" / "generated" / "calls.json").read_text())
CALLS, RECORDS = TABLE["calls"], TABLE["records"]
SCENARIOS = [
    s
    for path in sorted((ROOT / "scenarios").glob("*.json"))
    if path.name != "reference-texts.json"
    for s in json.loads(path.read_text())
]
SCENARIO_KEYS = {"name", "model", "call", "params", "args", "expect"}
EXPECT_KEYS = {"error", "reference", "tolerance", "tokens", "inputTokens", "truncated", "dimension", "prompt", "space", "value", "vector", "equals", "ranking"}


def snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v)
    return v if n == 0 else v / n


def plain(v):
    """A result as plain JSON: records with the IDL's camelCase keys, vectors as lists,
    quantized vectors as {"int8": [...]} or {"uint8": [...]}."""
    if isinstance(v, np.ndarray):
        return {str(v.dtype): v.tolist()} if v.dtype in (np.int8, np.uint8) else v.tolist()
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, (mullama.Model, mullama.Context, mullama.EmbeddingStream)):
        return {"class": type(v).__name__}
    name = type(v).__name__
    if name in RECORDS:
        return {f["node"]: plain(getattr(v, f["python"])) for f in RECORDS[name]["fields"]}
    if hasattr(v, "value") and not isinstance(v, (int, float, str, bool)):
        return v.value  # an enum member
    return v


def call_args(c, args):
    """Positional arguments, and an options record flattened into keyword arguments (as the
    Python API takes it)."""
    pos, kw = [], {}
    for p, a in zip(c["params"], args):
        if p["type"] == "quantized":
            (dtype, values), = a.items()
            pos.append(np.array(values, dtype=dtype))
        elif p["type"] == "comparable" and isinstance(a, dict):
            pos.append(types.SimpleNamespace(**a))  # an embedding: anything with data and space
        elif p["type"] in RECORDS and p["optional"]:
            kw.update({snake(k): x for k, x in a.items()})
        else:
            pos.append(a)
    return pos, kw


def run(s):
    c = CALLS.get(s["call"])
    assert c, f"no IDL call named {s['call']}"
    model_path = str(TESTDATA / f"{s.get('model')}.gguf")
    pos, kw = call_args(c, [model_path if a == "$model" else a for a in s.get("args", [])])
    if c["kind"] == "function":
        return plain(getattr(mullama, c["python"])(*pos, **kw))
    if c["kind"] == "static":
        return plain(getattr(getattr(mullama, c["class"]), c["python"])(*pos, **kw))
    # Instance calls: a Model is the scenario's model; any other class is built on it with `params`.
    model = mullama.Model.load(model_path)
    if c["class"] == "Model":
        recv = model
    else:
        params = mullama.ContextParams(**{snake(k): v for k, v in s.get("params", {}).items()})
        recv = getattr(mullama, c["class"])(model, params)
    try:
        if c["kind"] == "getter":
            return plain(getattr(recv, c["python"]))
        if c["async"]:
            # The asyncio variant: the same call through the core's non-blocking entry.
            async def go():
                return await getattr(recv, c["python"] + "_async")(*pos, **kw)

            via_async = plain(asyncio.run(go()))
            assert plain(getattr(recv, c["python"])(*pos, **kw)) == via_async
            return via_async
        return plain(getattr(recv, c["python"])(*pos, **kw))
    finally:
        if recv is not model:
            recv.close()


def column(out, key, want):
    assert isinstance(out, list) and len(out) == len(want), out
    return [e[key] for e in out]


@pytest.mark.parametrize("s", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(s, testdata):
    assert set(s) <= SCENARIO_KEYS, set(s) - SCENARIO_KEYS
    e = s["expect"]
    assert set(e) <= EXPECT_KEYS, set(e) - EXPECT_KEYS
    if "error" in e:
        with pytest.raises(mullama.MullamaError) as info:
            run(s)
        assert info.value.code == e["error"]
        return
    out = run(s)
    tol = e.get("tolerance", 0)
    checked = 0
    if "reference" in e:
        refs = {r["text"]: r for r in json.loads((testdata / "reference" / f"{s['model']}.json").read_text())["items"]}
        texts = s["args"][0]
        assert len(out) == len(texts)
        for text, emb in zip(texts, out):
            diff = np.abs(unit(emb["data"]) - unit(refs[text]["pooled"][e["reference"]])).max()
            assert diff <= tol, f"{text}: {diff}"
        checked += 1
    for key in ("tokens", "inputTokens", "truncated", "dimension", "prompt", "space"):
        if key in e:
            assert column(out, key, e[key]) == e[key]
            checked += 1
    if "value" in e:
        assert abs(out - e["value"]) <= tol
        checked += 1
    if "vector" in e:
        assert len(out) == len(e["vector"])
        assert np.abs(np.asarray(out) - np.asarray(e["vector"])).max() <= tol
        checked += 1
    if "ranking" in e:
        # Context.rank against reference/NAME.json: each logit, token count and the order.
        query, docs, *opts = s["args"]
        refs = json.loads((testdata / "reference" / f"{e['ranking']}.json").read_text())["items"]
        ref = [next(r for r in refs if r["query"] == query and r["document"] == d) for d in docs]
        top_n = (opts[0] if opts else {}).get("topN") or len(docs)
        assert [r["index"] for r in out] == sorted(range(len(docs)), key=lambda i: -ref[i]["logit"])[:top_n]
        for r in out:
            assert abs(r["logit"] - ref[r["index"]]["logit"]) <= tol, r
            assert r["tokens"] == len(ref[r["index"]]["tokens"])
        checked += 1
    if "equals" in e:
        assert out == e["equals"]
        checked += 1
    assert checked, "a successful call must be checked"
