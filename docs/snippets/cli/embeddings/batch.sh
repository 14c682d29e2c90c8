# The page's server, started here: `mullama serve` on port 8080.
mullama serve --port 8080 --model all-minilm >serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://localhost:8080/health >/dev/null && break; sleep 0.2; done
# --8<-- [start:batch]
# Many texts in one request to the OpenAI-compatible server (`mullama serve`)
curl -s http://localhost:8080/v1/embeddings \
  -H "Content-Type: application/json" \
  -d '{
    "model": "all-minilm",
    "input": [
      "The quick brown fox",
      "Machine learning is AI",
      "Rust is a language"
    ]
  }'
# --8<-- [end:batch]
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.env.OUTPUT, "utf8"));
  if (r.object !== "list" || r.data.length !== 3 || r.data.some((d) => d.embedding.length !== 384)) process.exit(1);
'
