# The page's server, started here: `mullama serve` on port 8080.
mullama serve --port 8080 --model all-minilm >serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://localhost:8080/health >/dev/null && break; sleep 0.2; done
# --8<-- [start:token-vectors]
# Tokens with their byte offsets, and every token's vector (text-embeddings-inference's routes)
curl -s http://localhost:8080/tokenize -H "Content-Type: application/json" \
  -d '{"inputs": "Hello, wörld!"}' | tee tokens.json
curl -s http://localhost:8080/embed_all -H "Content-Type: application/json" \
  -d '{"inputs": ["Hello, wörld!"]}' > token-vectors.json
# --8<-- [end:token-vectors]
cp tokens.json "$OUTPUT"
node -e '
  const [tokens] = JSON.parse(require("fs").readFileSync("tokens.json", "utf8"));
  const [vectors] = JSON.parse(require("fs").readFileSync("token-vectors.json", "utf8"));
  if (tokens.length !== vectors.length || vectors[0].length !== 384 || tokens[3].start !== 7) process.exit(1);
'
