"""The Python tab of every example in spec/embeddings.md, run as written.

Blocks run in order in one namespace (later examples use the `context` of the first), in a
temporary directory where `embedding-model.gguf` and `nomic-embed-text.gguf` are the default
model. Names an example uses without defining are defined by lines marked `# glue`.
"""

import re

import pytest

from conftest import SPEC

GLUE = {
    # The normalization example compares two normalized vectors it never computes.
    "normalized_a": 'normalized_a = __import__("mullama").normalize(context.get_embedding("Hi!").data)  # glue\n'
    'normalized_b = __import__("mullama").normalize(context.get_embedding("Hello!").data)  # glue\n',
}


def python_blocks(text: str) -> list[str]:
    blocks = []
    for m in re.finditer(r'=== "Python"\n\n    ```python\n(.*?)\n    ```', text, re.S):
        lines = m.group(1).split("\n")
        blocks.append("\n".join(line[4:] for line in lines) + "\n")
    return blocks


def test_spec_python_examples(tmp_path, monkeypatch, capsys, default_model_path):
    if not SPEC.exists():
        pytest.skip(f"no spec at {SPEC}")
    blocks = python_blocks(SPEC.read_text())
    assert len(blocks) == 6, f"expected 6 Python examples, found {len(blocks)}"
    for name in ("embedding-model.gguf", "nomic-embed-text.gguf"):
        (tmp_path / name).symlink_to(default_model_path)
    monkeypatch.chdir(tmp_path)
    ns: dict = {"__name__": "__spec__"}
    ran = 0
    for block in blocks:
        if "chromadb" in block:  # run for real by another issue (needs a Chroma server)
            continue
        glue = "".join(v for k, v in GLUE.items() if k in block)
        exec(compile(glue + block, f"{SPEC.name}:python#{ran}", "exec"), ns)
        ran += 1
    out = capsys.readouterr().out
    assert ran == 5
    assert "Dimension: 384" in out
    assert "Vector (first 5): [" in out
    assert out.count("-> dim 384") == 4
    sim12 = float(re.search(r"Pasta vs Spaghetti: ([-\d.]+)", out).group(1))
    sim13 = float(re.search(r"Pasta vs Quantum: ([-\d.]+)", out).group(1))
    assert sim12 > sim13
    assert abs(ns["cos_sim"] - sim12) < 1e-3
    assert -1.0 <= ns["sim"] <= 1.0
    ns["context"].close()


def test_spec_python_examples_type_check(tmp_path):
    """The examples also type-check against the generated stubs (mypy --strict on the snippets)."""
    import subprocess
    import sys

    if not SPEC.exists():
        pytest.skip(f"no spec at {SPEC}")
    blocks = [b for b in python_blocks(SPEC.read_text()) if "chromadb" not in b]
    source = ""
    for block in blocks:
        source += "".join(v for k, v in GLUE.items() if k in block) + block
    (tmp_path / "examples.py").write_text(source)
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / ".cache"), "examples.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
