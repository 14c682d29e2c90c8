# --8<-- [start:index]
# Embed a catalogue, one title a line, into one JSON line a vector
printf '%s\n' "How to bake sourdough bread at home" "Planting tomatoes in spring" \
  "Training for your first marathon" > articles.txt
mullama embed all-minilm --input articles.txt --normalize --format ndjson > index.ndjson
# --8<-- [end:index]
test "$(wc -l < index.ndjson)" = 3
# --8<-- [start:search]
# How close is a query to one title?
mullama embed all-minilm --compare "help with my vegetable garden" "Planting tomatoes in spring"
# --8<-- [end:search]
awk '{ exit !($1 > 0.3) }' "$OUTPUT"
# --8<-- [start:duplicates]
# Two titles that say the same thing score high
mullama embed all-minilm --compare "How to bake sourdough bread at home" "A beginner guide to sourdough baking"
# --8<-- [end:duplicates]
awk '{ exit !($1 > 0.7) }' "$OUTPUT"
