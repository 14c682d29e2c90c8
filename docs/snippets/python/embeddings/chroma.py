# --8<-- [start:chroma]
from mullama import Model, Context, ContextParams
import chromadb

# Embed with mullama; unit vectors, so Chroma's default L2 distance ranks like cosine
model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True, normalize=True))

# Store in Chroma, in-process
client = chromadb.Client()
collection = client.create_collection("docs")

documents = [
    "Rust is a systems programming language",
    "Python is great for data science",
    "JavaScript runs in the browser",
]

embeddings = context.get_embedding_batch(documents)

collection.add(
    ids=[f"doc_{i}" for i in range(len(documents))],
    embeddings=[e.data for e in embeddings],
    documents=documents,
)

# Query
query_embed = context.get_embedding("Which language runs in a web browser?")
results = collection.query(
    query_embeddings=[query_embed.data],
    n_results=2,
)
print(results["documents"])
# --8<-- [end:chroma]

assert results["documents"][0][0] == "JavaScript runs in the browser"
