long_text=$(printf 'All work and no play makes Jack a dull boy. %.0s' $(seq 100))
# --8<-- [start:errors]
# Keep the first 128 tokens instead of failing
mullama embed all-minilm --n-ctx 128 --overflow truncate_end --format json "$long_text"

# By default a text that is too long is an error: a message on stderr and exit status 8
# (INPUT_TOO_LONG; `mullama --help` lists the status of every error code)
mullama embed all-minilm --n-ctx 128 "$long_text" || echo "exit code $?"
# --8<-- [end:errors]
grep -q '"tokens":128,"input_tokens":1102,"truncated":true' "$OUTPUT"
grep -qx 'exit code 8' "$OUTPUT"
