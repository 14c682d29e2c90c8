# 500 texts, one per line
for i in $(seq 0 499); do echo "Document $i is about topic $((i % 7))."; done > texts.txt
# --8<-- [start:stream]
# Any number of lines: read, embedded 64 texts per batch and written in input order,
# with a few batches in memory at a time
mullama embed all-minilm --input texts.txt --batch 64 --format ndjson > vectors.ndjson
wc -l < vectors.ndjson # 500
# --8<-- [end:stream]
grep -qx '500' "$OUTPUT"
# One line per text, its index in input order, each with its vector
node -e '
  const lines = require("fs").readFileSync("vectors.ndjson", "utf8").trim().split("\n").map((l) => JSON.parse(l));
  if (lines.length !== 500 || lines.some((e, i) => e.index !== i || e.embedding.length !== 384)) process.exit(1);
'
