printf '%s\n' "What is Rust?" "What is Python?" "What is JavaScript?" > questions.txt
# --8<-- [start:context]
# Threads, context size and how many texts go to the engine at once
mullama embed all-minilm --input questions.txt --threads 2 --n-ctx 256 --batch 64 --format ndjson
# --8<-- [end:context]
test "$(grep -c '"dimension":384' "$OUTPUT")" = 3
