# --8<-- [start:spaces]
# The model's fingerprint, the model part of every embedding space
mullama show all-minilm | grep fingerprint
# The same options give the same "space"; other dimensions (or a prompt...) another one
mullama embed all-minilm "How do I cook pasta?" --format json
mullama embed all-minilm "Boil water, add salt and the spaghetti." --format json
mullama embed all-minilm "How do I cook pasta?" --dimensions 128 --format json
# --8<-- [end:spaces]
grep -Eq '^fingerprint +[0-9a-f]{16}$' "$OUTPUT"
spaces=$(grep -o '"space":"[0-9a-f]\{16\}"' "$OUTPUT")
test "$(printf '%s\n' "$spaces" | wc -l)" -eq 3
test "$(printf '%s\n' "$spaces" | sed -n 1p)" = "$(printf '%s\n' "$spaces" | sed -n 2p)"
test "$(printf '%s\n' "$spaces" | sed -n 1p)" != "$(printf '%s\n' "$spaces" | sed -n 3p)"
