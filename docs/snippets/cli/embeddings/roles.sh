# --8<-- [start:roles]
# Embed as a search query (the model's query prompt, if it has one: 'mullama show' prints it)
mullama embed all-minilm "how do I cook pasta?" --role query --format json
# A prompt of your own, counted in the tokens and reported with the vector
mullama embed all-minilm "how do I cook pasta?" --prompt "query: " --format json
# --8<-- [end:roles]
grep -q '"tokens":8,"input_tokens":8,"truncated":false,"space":"[0-9a-f]\{16\}","embedding"' "$OUTPUT"
grep -q '"tokens":10,"input_tokens":10,"truncated":false,"prompt":"query: "' "$OUTPUT"
