"""Writes a GGUF with every tensor dequantized to F32 (metadata kept, `general.file_type` dropped).

Why: llama.cpp rounds activations to 8 bits per block before multiplying by quantized weights,
so a Q4 model's vectors sit ~1e-3 (cosine) from the float64 reference whatever the engine does
right or wrong. The same weights in F32 take that rounding out, and the engine must then equal
the reference to 1e-5: the check that catches a wrong graph (rope, norms, sliding window).

    python tools/models/dequantize_gguf.py IN.gguf OUT.gguf
"""
import sys

import gguf
import numpy as np
from gguf.quants import dequantize


def main(src: str, dst: str) -> None:
    reader = gguf.GGUFReader(src)
    writer = gguf.GGUFWriter(dst, reader.fields["general.architecture"].contents())
    for field in reader.fields.values():
        # The writer adds the architecture and the GGUF.* header fields itself; the file type
        # would claim a quantization the file no longer has.
        if field.name in ("general.architecture", "general.file_type") or field.name.startswith("GGUF."):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), value_type, sub_type=sub_type)
    for tensor in reader.tensors:
        writer.add_tensor(tensor.name, dequantize(np.asarray(tensor.data), tensor.tensor_type).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
