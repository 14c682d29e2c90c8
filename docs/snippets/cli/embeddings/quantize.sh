printf '%s\n' "Boil water, add salt and the spaghetti." "The stock market fell sharply today." > corpus.txt
# --8<-- [start:quantize]
# int8: calibrate on a sample of your corpus once, then quantize everything with those ranges
mullama embed all-minilm "Boil water, add salt and the spaghetti." "The stock market fell sharply today." \
  "Quantum computers use qubits." "The cat slept on the warm windowsill." --emit-ranges > ranges.json
mullama embed all-minilm --input corpus.txt --precision int8 --ranges ranges.json --format ndjson

# binary: 48 bytes of packed sign bits per vector (each byte minus 128)
mullama embed all-minilm "How do I cook pasta?" --precision binary --format json

# One text alone has no range to calibrate int8 on: INVALID_ARGUMENT, exit status 12
mullama embed all-minilm "Hello, world!" --precision int8 || echo "exit code $?"
# --8<-- [end:quantize]
# ranges.json: every dimension's minimum, then every maximum
node -e 'const r = JSON.parse(require("fs").readFileSync("ranges.json", "utf8")); if (r.length !== 768 || r.some((x, i) => i < 384 && x > r[384 + i])) process.exit(1)'
test "$(grep -c '"precision":"int8"' "$OUTPUT")" -eq 2
grep '"precision":"int8"' "$OUTPUT" | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const e = JSON.parse(l).embedding; if (e.length !== 384 || e.some((x) => !Number.isInteger(x) || x < -128 || x > 127)) process.exit(1) }'
grep '"precision":"binary"' "$OUTPUT" | node -e 'const e = JSON.parse(require("fs").readFileSync(0, "utf8")).embedding; if (e.length !== 48 || e.some((x) => !Number.isInteger(x) || x < -128 || x > 127)) process.exit(1)'
grep -qx 'exit code 12' "$OUTPUT"
