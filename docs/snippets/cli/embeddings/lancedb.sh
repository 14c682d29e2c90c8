# --8<-- [start:lancedb]
# The documents as JSONL, with their ids: each output line carries the id, the vector and its space
cat > documents.jsonl <<'JSONL'
{"id": "doc_0", "text": "Rust is a systems programming language"}
{"id": "doc_1", "text": "Python is great for data science"}
{"id": "doc_2", "text": "JavaScript runs in the browser"}
JSONL
mullama embed all-minilm --input documents.jsonl --role document --normalize --format ndjson > vectors.ndjson
# The question, as a search query with the same options (so in the same space)
mullama embed all-minilm "Which language runs in a web browser?" --role query --normalize --format json > query.json
# The model's facts, its fingerprint among them
mullama show all-minilm --format json > model.json

# Load the vectors into a LanceDB table and search it, with LanceDB's Python package (pip install lancedb)
python3 - <<'PY'
import json
import lancedb
import pyarrow as pa

texts = [json.loads(line)["text"] for line in open("documents.jsonl")]
vectors = [json.loads(line) for line in open("vectors.ndjson")]  # "index": the input line
query = json.load(open("query.json"))
schema = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("text", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), vectors[0]["dimension"])),
    ],
    # The model's fingerprint and the vectors' space, as the table's metadata
    metadata={"fingerprint": json.load(open("model.json"))["fingerprint"], "space": vectors[0]["space"]},
)
rows = [{"id": v["id"], "text": texts[v["index"]], "vector": v["embedding"]} for v in vectors]
table = lancedb.connect("./lancedb").create_table("docs", rows, schema=schema)

# Vectors of another model or other settings are not comparable: check the space before searching
if table.schema.metadata[b"space"].decode() != query["space"]:
    raise SystemExit(f"the query's space {query['space']} is not the table's")
for hit in table.search(query["embedding"]).limit(2).to_list():
    print(hit["id"], hit["text"])
PY
# --8<-- [end:lancedb]
test "$(sed -n 1p "$OUTPUT")" = "doc_2 JavaScript runs in the browser"
test "$(wc -l < "$OUTPUT")" -eq 2
# The metadata as a new connection reads it back from disk: the fingerprint of `mullama show`, the
# space of the query
python3 -c '
import json, sys, lancedb
meta = lancedb.connect("./lancedb").open_table("docs").schema.metadata
want = {b"fingerprint": json.load(open("model.json"))["fingerprint"].encode(), b"space": json.load(open("query.json"))["space"].encode()}
sys.exit(meta != want)
'
grep -Eq '"fingerprint":"[0-9a-f]{16}"' model.json
