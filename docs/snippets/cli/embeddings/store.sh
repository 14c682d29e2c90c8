# --8<-- [start:store]
# Convert a Hugging Face BERT-family folder into the store, then use it by name
mullama convert ./all-MiniLM-L6-v2 --type q8_0 --name minilm-q8
mullama list
mullama embed minilm-q8 "Hello!" --format json > /dev/null && echo "minilm-q8 works"
mullama rm minilm-q8
# --8<-- [end:store]
grep -q '101 tensors' "$OUTPUT"
grep -q '^minilm-q8 ' "$OUTPUT"
grep -qx 'minilm-q8 works' "$OUTPUT"
test ! -e "$MULLAMA_HOME/models/minilm-q8.gguf"
