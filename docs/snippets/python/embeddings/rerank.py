# --8<-- [start:convert]
from mullama import convert_model

# A cross-encoder's Hugging Face folder, e.g. cross-encoder/ms-marco-MiniLM-L6-v2
report = convert_model("./ms-marco-MiniLM-L6-v2", "./ms-marco-minilm.gguf")
print("Reranker:", report.is_reranker, f"({report.tensors} tensors)")  # True
# --8<-- [end:convert]

# --8<-- [start:rerank]
from mullama import Context, ContextParams, Model, RankResult

# A cross-encoder converted with `mullama convert` (see "Converting a reranker" below)
reranker = Model.load("./ms-marco-minilm.gguf")
print("Reranker:", reranker.info.is_reranker)  # True

context = Context(reranker, ContextParams(embeddings=True))
query = "How many people live in Berlin?"
documents = [
    "Berlin is well known for its museums.",
    "Berlin had a population of 3,520,031 registered inhabitants.",
    "New York City is famous for the Metropolitan Museum of Art.",
]

# Every document scored against the query, most relevant first: list[RankResult]
results: list[RankResult] = context.rank(query, documents, top_n=2, return_documents=True)
for r in results:
    print(f"{r.score:.4f} (logit {r.logit:.2f}) #{r.index}: {r.document}")
# --8<-- [end:rerank]

# Not shown on the page: what the docs test asserts.
import mullama

assert len(results) == 2 and results[0].logit >= results[1].logit
assert results[0].document == documents[results[0].index]
assert 0 < results[0].score < 1
everything = context.rank(query, documents)
assert [r.index for r in everything[:2]] == [r.index for r in results]
try:
    context.get_embedding("Berlin")
    raise AssertionError("a reranker computes no embeddings")
except mullama.MullamaError as e:
    assert e.code == "MODEL_UNSUPPORTED"
context.close()
