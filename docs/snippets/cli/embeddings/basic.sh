# --8<-- [start:basic]
mullama embed all-minilm "Hello, world!"
# --8<-- [end:basic]
grep -qx 'Dimension: 384' "$OUTPUT"
