"""The Python side of the peer benchmark (tools/bench-peers/run.py): one engine, loaded once,
answering one request per stdin line with one JSON line on stdout.

    python python_worker.py mullama MODEL.gguf THREADS             (the project's .venv)
    python python_worker.py onnxruntime MODEL_DIR THREADS          (target/peers/venv)
    python python_worker.py sentence-transformers MODEL_DIR THREADS (target/peers/venv)

    run CORPUS BATCH COUNT   -> {"seconds", "texts", "tokens"}   (BATCH texts per call)
    vectors CORPUS COUNT     -> {"vectors": [[...], ...]}

ONNX Runtime is driven the way its users do for this model: the HF tokenizer, the batch padded
to its longest text, truncation at the model's 256 tokens, mean pooling over the mask and L2
normalisation in numpy. Each engine's vectors stay in its own type inside the timed loop (no
conversion to lists). Timing is taken here, around the calls only, as in every worker.
"""

import json
import os
import sys
import time
from pathlib import Path

MAX_TOKENS = 256  # all-MiniLM-L6-v2's sentence-transformers max_seq_length


def load_mullama(model, threads):
    from mullama import Context, ContextParams, Model

    ctx = Context(Model.load(model), ContextParams(embeddings=True, n_threads=threads))

    def embed(texts):
        out = ctx.get_embedding_batch(texts)
        return [e.data for e in out], sum(e.tokens for e in out)

    return embed


def load_onnxruntime(model_dir, threads):
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(Path(model_dir) / "model.onnx"), opts, providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}
    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding()

    def embed(texts):
        enc = tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled, int(mask.sum())

    return embed


def load_sentence_transformers(model_dir, threads):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    st = SentenceTransformer(model_dir, device="cpu")
    st.max_seq_length = MAX_TOKENS

    def embed(texts):
        v = st.encode(texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True)
        return v, None

    return embed


LOADERS = {"mullama": load_mullama, "onnxruntime": load_onnxruntime, "sentence-transformers": load_sentence_transformers}


def main():
    engine, model, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    embed = LOADERS[engine](model, threads)
    corpora = {}

    def lines(path):
        if path not in corpora:
            corpora[path] = [l for l in Path(path).read_text(encoding="utf-8").split("\n") if l.strip()]
        return corpora[path]

    print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        w = line.split()
        if not w or w[0] == "quit":
            break
        if w[0] == "run":
            texts, batch = lines(w[1])[: int(w[3])], int(w[2])
            tokens = 0
            t0 = time.perf_counter()
            for i in range(0, len(texts), batch):
                tokens += embed(texts[i : i + batch])[1] or 0
            reply = {"seconds": time.perf_counter() - t0, "texts": len(texts), "tokens": tokens}
        elif w[0] == "vectors":
            reply = {"vectors": [[float(x) for x in v] for v in embed(lines(w[1])[: int(w[2])])[0]]}
        else:
            raise SystemExit(f"unknown request {line!r}")
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
