# --8<-- [start:vector_db]
# JSON for one text, or one JSON line a text for a file of texts, ready for a database loader
mullama embed all-minilm "Rust is a systems language" --format json

printf '%s\n' "Python is great for data science" "JavaScript runs in the browser" > docs.txt
mullama embed all-minilm --input docs.txt --format ndjson --normalize
# --8<-- [end:vector_db]
test "$(wc -l < "$OUTPUT")" = 3
grep -q '"index":1,"model":"all-minilm","dimension":384' "$OUTPUT"
