# --8<-- [start:langchain]
# The documents, one a line, embedded as documents (the model's document prompt before each)
printf '%s\n' "Pasta cooks in a large pot of boiling salted water." "The stock market fell sharply on Monday." \
  "Cats sleep for most of the day." "Rust is a systems programming language." > documents.txt
mullama embed all-minilm --input documents.txt --role document --format ndjson > documents.ndjson

# The question, embedded as a search query (the model's query prompt)
mullama embed all-minilm "How do I cook spaghetti?" --role query --format json
# --8<-- [end:langchain]
node -e '
  const fs = require("fs");
  const q = JSON.parse(fs.readFileSync(process.env.OUTPUT, "utf8"));
  const rows = fs.readFileSync("documents.ndjson", "utf8").trim().split("\n").map(JSON.parse);
  if (rows.length !== 4 || [q, ...rows].some((r) => r.dimension !== 384 || r.embedding.length !== 384)) process.exit(1);
  const cos = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
  const scores = rows.map((r) => cos(q.embedding, r.embedding));
  if (scores.indexOf(Math.max(...scores)) !== 0) process.exit(1); // the pasta line
'
