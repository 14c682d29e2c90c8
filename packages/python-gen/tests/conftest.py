"""Shared fixtures: where the generated test models and the default model live."""

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TESTDATA = Path(os.environ.get("MULLAMA_TESTDATA", ROOT / "target" / "testdata"))
MULLAMA_HOME = Path(os.environ.get("MULLAMA_HOME", Path.home() / ".cache" / "mullama"))
DEFAULT_MODEL = MULLAMA_HOME / "models" / "all-minilm.gguf"
SPEC = Path(os.environ.get("MULLAMA_SPEC", ROOT.parent / "shared" / "spec" / "embeddings.md"))


@pytest.fixture(scope="session")
def testdata() -> Path:
    if not (TESTDATA / "tiny-bert.gguf").exists():
        pytest.fail(f"no test models in {TESTDATA}: run scripts/gen-testdata.sh")
    return TESTDATA


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no default model at {DEFAULT_MODEL}: run scripts/setup.sh")
    return DEFAULT_MODEL


@pytest.fixture(scope="session")
def minilm(default_model_path):
    import mullama

    return mullama.Model.load(str(default_model_path))


@pytest.fixture(scope="session")
def prompted_model(testdata, tmp_path_factory):
    """tiny-bert converted with sentence-transformers prompts, as e5 declares them (the framework
    integrations' tests: documents and queries get their own prompts)."""
    import mullama

    src = tmp_path_factory.mktemp("hf") / "tiny-bert-e5"
    shutil.copytree(testdata / "tiny-bert-hf", src)
    (src / "config_sentence_transformers.json").write_text(json.dumps({"prompts": {"query": "query: ", "document": "passage: "}}))
    out = tmp_path_factory.mktemp("gguf") / "tiny-bert-e5.gguf"
    mullama.convert_model(str(src), str(out))
    return mullama.Model.load(str(out))
