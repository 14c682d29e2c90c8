# --8<-- [start:decoder]
# A decoder-only LLM: its last token's vector
mullama embed smollm2:135m "Hello!" --pooling last
# --8<-- [end:decoder]
grep -qx 'Dimension: 576' "$OUTPUT"
# Native pooling is refused, with its code
! mullama embed smollm2:135m "Hello!" --pooling native 2>err.txt
grep -q POOLING_UNSUPPORTED err.txt
