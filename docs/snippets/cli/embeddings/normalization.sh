# --8<-- [start:normalization]
# Unit-length vectors (L2 norm = 1)
mullama embed all-minilm "Hello!" --normalize --format json
# --8<-- [end:normalization]
node -e '
  const v = JSON.parse(require("fs").readFileSync(process.env.OUTPUT, "utf8")).embedding;
  if (Math.abs(Math.hypot(...v) - 1) > 1e-5) process.exit(1);
'
