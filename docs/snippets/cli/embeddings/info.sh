# --8<-- [start:info]
# Dimension, context length, pooling and more of a model in the store
mullama show all-minilm
# --8<-- [end:info]
grep -Eq '^dimension +384$' "$OUTPUT"
grep -Eq '^pooling +mean$' "$OUTPUT"
