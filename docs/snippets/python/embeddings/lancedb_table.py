# Named lancedb_table.py, not lancedb.py: a script of that name would be imported as the lancedb package.
# --8<-- [start:lancedb]
import lancedb
import pyarrow as pa
from mullama import Context, ContextParams, EmbedRole, Model

# Embed with mullama; unit vectors, so LanceDB's default L2 distance ranks like cosine
model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True, normalize=True))

documents = [
    "Rust is a systems programming language",
    "Python is great for data science",
    "JavaScript runs in the browser",
]
embeddings = context.get_embedding_batch(documents, role=EmbedRole.Document)

# A fixed-size vector column, and in the schema's metadata the model's fingerprint and the
# vectors' space: whoever opens the table later knows what made its vectors
schema = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("text", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), model.info.dimension)),
    ],
    metadata={"fingerprint": model.info.fingerprint, "space": embeddings[0].space},
)
db = lancedb.connect("./lancedb")  # a folder: LanceDB runs in-process
rows = [
    {"id": f"doc_{i}", "text": text, "vector": e.data}
    for i, (text, e) in enumerate(zip(documents, embeddings))
]
db.create_table("docs", rows, schema=schema)

# Query the table, as a later run would: open it, then embed the question
table = db.open_table("docs")
query_embed = context.get_embedding("Which language runs in a web browser?", role=EmbedRole.Query)
# Vectors of another model or other settings are not comparable, yet a search would still
# rank them: check the table's space before searching
stored_space = table.schema.metadata[b"space"].decode()
if stored_space != query_embed.space:
    raise ValueError(f"the table holds space {stored_space}, the query is in {query_embed.space}")
results = table.search(query_embed.data).limit(2).to_list()
print([r["text"] for r in results])
# --8<-- [end:lancedb]

# The top hit, and the metadata as a new connection reads it back from disk.
assert results[0]["text"] == "JavaScript runs in the browser"
assert results[0]["id"] == "doc_2"
reopened = lancedb.connect("./lancedb").open_table("docs")
metadata = {k.decode(): v.decode() for k, v in reopened.schema.metadata.items()}
assert metadata == {"fingerprint": model.info.fingerprint, "space": query_embed.space}, metadata
assert reopened.schema.field("vector").type == pa.list_(pa.float32(), 384)
assert reopened.count_rows() == 3
# The check refuses what it should: shorter vectors are another space.
assert context.get_embedding("Which language runs in a web browser?", dimensions=128).space != stored_space
context.close()
