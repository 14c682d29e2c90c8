"""The official Python clients and LangChain's embedding classes against `mullama serve` (run by
clients.test.mjs with the venv's Python): `python clients.py URL MODEL`. Prints what they got as one JSON object; the test compares
the vectors with the server's /v1/embeddings ones."""

import json
import sys

import ollama
import openai
from huggingface_hub import InferenceClient
from langchain_ollama import OllamaEmbeddings
from langchain_openai import OpenAIEmbeddings

url, model = sys.argv[1], sys.argv[2]
texts = ["why is the sky blue?", "because of Rayleigh scattering"]
out = {}

client = ollama.Client(host=url)
r = client.embed(model=model, input=texts)
out["ollama_embed"] = [list(v) for v in r.embeddings]
out["ollama_embed_model"] = r.model
out["ollama_embed_one"] = list(client.embed(model=model, input=texts[0]).embeddings[0])
out["ollama_embed_dims"] = list(client.embed(model=model, input=texts[0], dimensions=8, truncate=True, keep_alive="5m", options={"num_ctx": 64}).embeddings[0])
out["ollama_embeddings"] = list(client.embeddings(model=model, prompt=texts[0]).embedding)
out["ollama_list"] = [
    {"model": m.model, "size": int(m.size), "digest": m.digest, "format": m.details.format, "family": m.details.family, "modified": m.modified_at.isoformat()}
    for m in client.list().models
]
s = client.show(model)
out["ollama_show"] = {"family": s.details.family, "format": s.details.format, "modelinfo": dict(s.modelinfo), "capabilities": s.capabilities, "modelfile": s.modelfile}
out["ollama_ps"] = [m.model for m in client.ps().models]
try:
    client.embed(model="no-such-model", input="x")
    out["ollama_error"] = None
except ollama.ResponseError as e:
    out["ollama_error"] = {"error": e.error, "is_str": isinstance(e.error, str), "status_code": e.status_code}

oa = openai.OpenAI(base_url=f"{url}/v1", api_key="x")
e = oa.embeddings.create(model=model, input=texts)  # the SDK's default: base64, decoded by it
out["openai"] = [list(d.embedding) for d in e.data]
out["openai_usage"] = e.usage.prompt_tokens
out["openai_float"] = [list(d.embedding) for d in oa.embeddings.create(model=model, input=texts, encoding_format="float").data]
out["openai_dims"] = list(oa.embeddings.create(model=model, input=texts[0], dimensions=8).data[0].embedding)
try:
    oa.embeddings.create(model="no-such-model", input="x")
    out["openai_error"] = None
except openai.NotFoundError as err:
    out["openai_error"] = {"status_code": err.status_code, "code": err.code}

# text-embeddings-inference's client: POST / with TEI's fields.
tei = InferenceClient(model=url)
out["tei"] = tei.feature_extraction(texts).tolist()
out["tei_one"] = tei.feature_extraction(texts[0], normalize=True, prompt_name="query", truncate=True, truncation_direction="right").tolist()

# LangChain, as its docs show it, defaults untouched: OpenAIEmbeddings tokenizes with tiktoken
# (cl100k_base for a model name it does not know) and sends the token ids.
sent = []
lc = OpenAIEmbeddings(model=model, base_url=f"{url}/v1", api_key="x")
original = lc.client.create
lc.client.create = lambda **kw: (sent.append(kw["input"]), original(**kw))[1]
out["langchain_openai"] = lc.embed_documents(texts)
out["langchain_openai_query"] = lc.embed_query(texts[0])
out["langchain_openai_sent_token_ids"] = bool(sent) and all(isinstance(i, list) and all(isinstance(t, int) for t in i) for batch in sent for i in batch)
lo = OllamaEmbeddings(model=model, base_url=url)
out["langchain_ollama"] = lo.embed_documents(texts)
out["langchain_ollama_query"] = lo.embed_query(texts[0])

print(json.dumps(out))
