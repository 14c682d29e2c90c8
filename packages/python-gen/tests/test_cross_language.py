"""The same texts give the same vectors in Rust, Node and Python (max abs difference <= 1e-6): all
three call the same core with the same batch, so only the glue could make them differ."""

import json
import subprocess

import numpy as np

import mullama

from conftest import ROOT

TEXTS = ["Hello, world!", "The quick brown fox jumps over the lazy dog", "Café naïve résumé", "你好，世界"]
RUST = ROOT / "target" / "x86_64-unknown-linux-gnu" / "release" / "examples" / "embed_json"
NODE = f"""
const {{ Model, Context }} = require({json.dumps(str(ROOT / "packages" / "node"))});
(async () => {{
  const ctx = new Context(await Model.load(process.argv[1]));
  const out = await ctx.getEmbeddingBatch(JSON.parse(process.argv[2]));
  console.log(JSON.stringify(out.map((e) => Array.from(e.data))));
  ctx.close();
}})();
"""


def test_rust_node_and_python_agree(default_model_path):
    path = str(default_model_path)
    with mullama.Context(mullama.Model.load(path)) as ctx:
        py = np.array([e.data for e in ctx.get_embedding_batch(TEXTS)])
    if not RUST.exists():
        subprocess.run(["cargo", "build", "--release", "-p", "mullama", "--example", "embed_json"], cwd=ROOT, check=True)
    rust = np.array(json.loads(subprocess.run([str(RUST), path, *TEXTS], capture_output=True, text=True, check=True).stdout))
    node = np.array(json.loads(subprocess.run(["node", "-e", NODE, path, json.dumps(TEXTS)], capture_output=True, text=True, check=True).stdout))
    assert py.shape == rust.shape == node.shape == (len(TEXTS), 384)
    assert np.abs(py - rust).max() <= 1e-6
    assert np.abs(py - node).max() <= 1e-6
