"""Runs every Python snippet file under docs/snippets/python/ as a reader would run it.

A file passes when it exits 0: the lines after each region assert what the region computed.
The folder each one runs in mirrors docs/test/workdir.mjs (the Node, Rust and CLI runner).
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "docs" / "snippets" / "python"
LEDGER = ROOT / "target" / "docs-ledger" / "python"
FILES = sorted(p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*.py"))


@pytest.fixture(scope="session")
def default_model() -> Path:
    import mullama

    path = Path(mullama.resolve_model_path("all-minilm"))
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/default-model.sh (make test does)")
    return path


@pytest.fixture
def workdir(tmp_path: Path, default_model: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "all-minilm.gguf").symlink_to(default_model)
    (tmp_path / "all-MiniLM-L6-v2").symlink_to(ROOT / "target" / "models-src" / "all-MiniLM-L6-v2")
    (tmp_path / "home" / "models").mkdir(parents=True)
    (tmp_path / "home" / "models" / "all-minilm.gguf").symlink_to(default_model)
    # The decoder of the decoder examples, from scripts/real-models.sh.
    decoder = default_model.parent / "smollm2-135m.gguf"
    (tmp_path / "smollm2-135m.gguf").symlink_to(decoder)
    (tmp_path / "home" / "models" / "smollm2-135m.gguf").symlink_to(decoder)
    # The reranking examples' cross-encoder: the tiny one of scripts/gen-testdata.sh, laid out as
    # cross-encoder/ms-marco-MiniLM-L6-v2 (random weights: the scores mean nothing).
    testdata = ROOT / "target" / "testdata"
    (tmp_path / "ms-marco-minilm.gguf").symlink_to(testdata / "tiny-reranker.gguf")
    (tmp_path / "ms-marco-MiniLM-L6-v2").symlink_to(testdata / "variants" / "bert-reranker-hf")
    env = {**os.environ, "MULLAMA_HOME": str(tmp_path / "home"), "ANONYMIZED_TELEMETRY": "False"}
    return tmp_path, env


@pytest.mark.parametrize("name", FILES)
def test_python_snippet(name: str, workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    r = subprocess.run([sys.executable, str(SNIPPETS / name)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{name} failed:\n{r.stdout}\n{r.stderr}"
    LEDGER.mkdir(parents=True, exist_ok=True)
    (LEDGER / name.replace("/", "__")).write_text(datetime.datetime.now().isoformat() + "\n")


def test_every_python_snippet_collected() -> None:
    assert len(FILES) >= 12, FILES
