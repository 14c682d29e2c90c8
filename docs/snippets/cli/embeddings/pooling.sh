# --8<-- [start:pooling]
# Mean pooling (the default)
mullama embed all-minilm "Hello!" --pooling mean

# The last token's vector
mullama embed all-minilm "Hello!" --pooling last

# The pooling the model declares (mean for all-minilm)
mullama embed all-minilm "Hello!" --pooling native
# --8<-- [end:pooling]
test "$(grep -c '^Dimension: 384' "$OUTPUT")" = 3
# mean and native agree, last differs
vectors=$(grep '^\[' "$OUTPUT")
test "$(sed -n 1p <<<"$vectors")" = "$(sed -n 3p <<<"$vectors")"
test "$(sed -n 1p <<<"$vectors")" != "$(sed -n 2p <<<"$vectors")"
