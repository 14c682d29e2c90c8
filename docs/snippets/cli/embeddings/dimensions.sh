# --8<-- [start:dimensions]
# Keep the first 128 of 384 values (re-normalised with --normalize)
mullama embed all-minilm "Hello, world!" --dimensions 128 --normalize --format json

# More than the model has: INVALID_ARGUMENT, exit status 12
mullama embed all-minilm "Hello, world!" --dimensions 1024 || echo "exit code $?"
# --8<-- [end:dimensions]
grep -q '"dimension":128,' "$OUTPUT"
grep -qx 'exit code 12' "$OUTPUT"
