# --8<-- [start:similarity]
# Cosine similarity of two texts
mullama embed all-minilm --compare \
  "How do I cook pasta?" \
  "What is the recipe for spaghetti?"
# --8<-- [end:similarity]
awk '{ exit !($1 > 0.6 && $1 < 0.8) }' "$OUTPUT"
