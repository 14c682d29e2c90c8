# --8<-- [start:tokens]
# Every vector comes with its token counts: input_tokens (the text) and tokens (embedded)
mullama embed all-minilm "Hello, world!" --format json
# --8<-- [end:tokens]
grep -q '"input_tokens":6' "$OUTPUT"
grep -q '"tokens":6' "$OUTPUT"
