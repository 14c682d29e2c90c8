# Runs where ./all-MiniLM-L6-v2 is the Hugging Face folder and MULLAMA_HOME is a scratch store.
# --8<-- [start:store]
from mullama import Model, convert_model, ConvertType, models_dir, resolve_model_path

# Convert a Hugging Face BERT-family folder (safetensors) to GGUF; no torch needed
report = convert_model("./all-MiniLM-L6-v2", "./minilm-q8.gguf", type=ConvertType.Q8_0, name="all-MiniLM-L6-v2")
print(f"{report.architecture}: {report.tensors} tensors, {report.parameters} parameters, "
      f"{report.type.value}, {report.bytes_written / 2**20:.1f} MiB")

# Named models live in one folder, shared with the CLI (`mullama list`)
print(f"Model store: {models_dir()}")
model = Model.load(resolve_model_path("all-minilm"))
print(f"all-minilm: {model.info.path}")
# --8<-- [end:store]

import os

assert report.tensors == 101 and report.dimension == 384
assert models_dir().startswith(os.environ["MULLAMA_HOME"])
assert Model.load("./minilm-q8.gguf").info.dimension == 384
