# --8<-- [start:convert]
# A cross-encoder's Hugging Face folder (config.json, model.safetensors, tokenizer files),
# e.g. cross-encoder/ms-marco-MiniLM-L6-v2, becomes a reranker in the model store
mullama convert ./ms-marco-MiniLM-L6-v2 --name ms-marco-minilm
# --8<-- [end:convert]
# --8<-- [start:rerank]
# Most relevant first: score, the document's position, the document
mullama rerank ms-marco-minilm "How many people live in Berlin?" \
  "Berlin is well known for its museums." \
  "Berlin had a population of 3,520,031 registered inhabitants." \
  "New York City is famous for the Metropolitan Museum of Art." --top-n 2 | tee "$OUTPUT"
# --8<-- [end:rerank]
[ "$(wc -l < "$OUTPUT")" -eq 2 ]
# The JSON form carries each result's index, score, logit and tokens
mullama rerank ./ms-marco-minilm.gguf "How many people live in Berlin?" "Berlin" "Paris" --json > ranked.json
node -e '
  const r = JSON.parse(require("fs").readFileSync("ranked.json", "utf8"));
  if (r.results.length !== 2 || !(r.results[0].logit >= r.results[1].logit)) process.exit(1);
'
