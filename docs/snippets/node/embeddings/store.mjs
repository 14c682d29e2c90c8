// Runs where ./all-MiniLM-L6-v2 is the Hugging Face folder and MULLAMA_HOME is a scratch store.
// --8<-- [start:store]
import { Model, convertModel, ConvertType, modelsDir, resolveModelPath } from 'mullama';

// Convert a Hugging Face BERT-family folder (safetensors) to GGUF; no Python needed
const report = await convertModel('./all-MiniLM-L6-v2', './minilm-q8.gguf', {
  type: ConvertType.Q8_0,
  name: 'all-MiniLM-L6-v2',
});
console.log(`${report.architecture}: ${report.tensors} tensors, ${report.parameters} parameters, ` +
  `${report.type}, ${(report.bytesWritten / 2 ** 20).toFixed(1)} MiB`);

// Named models live in one folder, shared with the CLI (`mullama list`)
console.log(`Model store: ${modelsDir()}`);
const model = await Model.load(resolveModelPath('all-minilm'));
console.log(`all-minilm: ${model.info.path}`);
// --8<-- [end:store]

import assert from 'node:assert/strict';
assert.equal(report.tensors, 101);
assert.equal(report.dimension, 384);
assert.ok(modelsDir().startsWith(process.env.MULLAMA_HOME));
const q8 = await Model.load('./minilm-q8.gguf');
assert.equal(q8.info.dimension, 384);
