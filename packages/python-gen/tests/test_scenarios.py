"""The shared scenarios (scenarios/*.json, see scenarios/README.md), by the same names the Rust and
Node tests use. Params and options are in the IDL's (Node) spelling; `snake` converts them."""

import json
import re

import numpy as np
import pytest

import mullama

from conftest import ROOT, TESTDATA

SCENARIOS = [
    s
    for path in sorted((ROOT / "scenarios").glob("*.json"))
    if path.name != "reference-texts.json"
    for s in json.loads(path.read_text())
]


def snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v)
    return v if n == 0 else v / n


def run(s):
    model_path = str(TESTDATA / f"{s.get('model')}.gguf")
    call = s["call"]
    if call == "Model.load":
        return mullama.Model.load(model_path)
    if call == "Context.getEmbeddingBatch":
        params = mullama.ContextParams(**{snake(k): v for k, v in s.get("params", {}).items()})
        with mullama.Context(mullama.Model.load(model_path), params) as ctx:
            return ctx.get_embedding_batch(s["input"], **{snake(k): v for k, v in s.get("options", {}).items()})
    if call == "cosineSimilarity":
        return mullama.cosine_similarity(*s["input"])
    if call == "dotProduct":
        return mullama.dot_product(*s["input"])
    if call == "normalize":
        return mullama.normalize(s["input"][0])
    raise AssertionError(f"scenario call {call} is not mapped in test_scenarios.py")


@pytest.mark.parametrize("s", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(s, testdata):
    e = s["expect"]
    if "error" in e:
        with pytest.raises(mullama.MullamaError) as info:
            run(s)
        assert info.value.code == e["error"]
        return
    out = run(s)
    tol = e.get("tolerance", 0)
    if "reference" in e:
        refs = {r["text"]: r for r in json.loads((testdata / "reference" / f"{s['model']}.json").read_text())["items"]}
        for text, emb in zip(s["input"], out):
            diff = np.abs(unit(emb.data) - unit(refs[text]["pooled"][e["reference"]])).max()
            assert diff <= tol, f"{text}: {diff}"
    for key in ("tokens", "inputTokens", "truncated"):
        if key in e:
            assert [getattr(x, snake(key)) for x in out] == e[key]
    if "value" in e:
        assert abs(out - e["value"]) <= tol
    if "vector" in e:
        assert np.abs(np.asarray(out) - np.asarray(e["vector"])).max() <= tol
