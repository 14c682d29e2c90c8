cat > handbook.txt <<'TEXT'
Our office opens at 8:30 and closes at 18:00 on weekdays.
On Saturdays it is open from 10:00 to 14:00.
The cafeteria serves lunch from 12:00 to 14:00.
Lost laptops must be reported to IT within 24 hours.
TEXT
# --8<-- [start:index]
# One chunk a line in, one JSON line a vector out: load it into your vector store
mullama embed all-minilm --input handbook.txt --normalize --format ndjson > handbook.ndjson
wc -l handbook.ndjson
# --8<-- [end:index]
grep -q '^4 handbook.ndjson$' "$OUTPUT"
mullama serve --port 8080 --model all-minilm >serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://localhost:8080/health >/dev/null && break; sleep 0.2; done
# --8<-- [start:retrieve]
# At question time, any language can ask the server for the question's vector
curl -s http://localhost:8080/api/embed \
  -d '{"model": "all-minilm", "input": "When can I get lunch?"}'
# --8<-- [end:retrieve]
node -e '
  const fs = require("fs");
  const q = JSON.parse(fs.readFileSync(process.env.OUTPUT, "utf8")).embeddings[0];
  const rows = fs.readFileSync("handbook.ndjson", "utf8").trim().split("\n").map(JSON.parse);
  const norm = Math.hypot(...q);
  const dots = rows.map((r) => r.embedding.reduce((s, x, i) => s + x * q[i], 0) / norm);
  if (dots.indexOf(Math.max(...dots)) !== 2) process.exit(1); // the lunch line
'
