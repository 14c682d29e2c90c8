#!/usr/bin/env node
// How fast a vector becomes JSON text: the core's `vectorToJson` (shortest float32 decimals)
// beside the JavaScript loop `mullama embed` and `mullama serve` used before it (the same text
// by toPrecision and Math.fround) and `JSON.stringify(Array.from(v))` (float64 text). Prints
// microseconds per vector and bytes per vector; figures, not a pass/fail.
//
//   node bench/vector-json.mjs [--dims 384] [--vectors 5000]
import { parseArgs } from 'node:util';
import { normalize, vectorToJson } from 'mullama';

const { values } = parseArgs({ options: { dims: { type: 'string', default: '384' }, vectors: { type: 'string', default: '5000' } } });
const [dims, count] = [Number(values.dims), Number(values.vectors)];

/** The shortest decimal that reads back as the same float32, by trial (the former CLI code). */
function f32(x) {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return '0';
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}
const jsLoop = (v) => {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + f32(v[i]);
  return s + ']';
};

// Unit vectors with a seeded spread of values, as embeddings are.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
const vectors = Array.from({ length: 64 }, () => normalize(Float32Array.from({ length: dims }, random)));

const formatters = [
  ['vectorToJson (core)', vectorToJson],
  ['JavaScript shortest-float32 loop', jsLoop],
  ['JSON.stringify(Array.from(v))', (v) => JSON.stringify(Array.from(v))],
];
console.log(`${count} vectors of ${dims} float32, Node ${process.version}`);
console.log(`${'formatter'.padEnd(34)} ${'us/vector'.padStart(10)} ${'bytes/vector'.padStart(13)}`);
for (const [name, format] of formatters) {
  for (let i = 0; i < 500; i++) format(vectors[i % 64]); // warm-up: let V8 optimise
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) bytes += format(vectors[i % 64]).length;
  const us = ((performance.now() - t0) * 1000) / count;
  console.log(`${name.padEnd(34)} ${us.toFixed(1).padStart(10)} ${(bytes / count).toFixed(0).padStart(13)}`);
}
