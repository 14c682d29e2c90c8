# --8<-- [start:vectors-as-json]
# The command prints vectors the same way: the shortest float32 decimals
mullama embed all-minilm "Hello, world!" --format json
# --8<-- [end:vectors-as-json]
node -e '
  const text = require("fs").readFileSync(process.env.OUTPUT, "utf8");
  const v = JSON.parse(text).embedding;
  if (v.length !== 384) process.exit(1);
  // Shortest float32 text: no number has more than 9 significant digits.
  const numbers = text.slice(text.indexOf("\"embedding\"")).match(/-?[0-9.]+(e[-+][0-9]+)?/g);
  if (numbers.some((n) => n.replace(/^-?0\.0*|[-.]|e.*$/g, "").length > 9)) process.exit(1);
'
