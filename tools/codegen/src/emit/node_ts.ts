// Schema -> the npm package's TypeScript surface:
// - packages/node/src/generated/api.ts: every IDL class and function as a thin wrapper over the
//   napi binding (binding.cjs) whose only job is to turn binding errors into MullamaErrors
//   (src/errors.ts), with the IDL's doc comments, which TypeDoc renders as the Node reference;
// - packages/node/test/types/generated/idl.ts: the type test, one assertion per IDL item, that
//   the built typings have the IDL's shapes.
// Enums and records come from the binding as napi declares them (with the IDL's docs).

import type { Callable, ClassDef, Doc, EnumDef, Method, Param, RecordDef, Schema, TypeRef } from "../schema.ts";

/**
 * Enum arguments are read as the core reads them, `@alias`es included (\`cls\`, \`truncate\`):
 * napi's string enums take only the exact values, so the wrappers canonicalise first. Records
 * passed in (options, params) are copied with their enum fields canonicalised.
 */
let RECORDS = new Map<string, RecordDef>();

function spellings(e: EnumDef): string {
  const pairs = e.members.flatMap((m) => [m.value, ...m.aliases].map((v) => `${JSON.stringify(v.toLowerCase())}: ${JSON.stringify(m.value)}`));
  return `const ${e.name}Spellings: Readonly<Record<string, string>> = { ${pairs.join(", ")} };\n`;
}

/** Input records the wrapper copies first: with enum fields (aliases) or vector fields (napi
 * takes only a Float32Array there; JavaScript callers may pass a number[]). */
const needsCopyIn = (r: RecordDef) => r.fields.some((f) => f.type.kind === "enum" || f.type.kind === "vector");

/** A record's enum fields canonicalised and vector fields made Float32Arrays, in a copy (the
 * caller's object is left alone). */
function recordIn(r: RecordDef): string {
  const fixes = r.fields
    .filter((f) => f.type.kind === "enum" || f.type.kind === "vector")
    .map((f) =>
      f.type.kind === "vector"
        ? `  if (Array.isArray(v.${f.name})) o.${f.name} = Float32Array.from(v.${f.name} as ArrayLike<number>);`
        : `  if (v.${f.name} !== undefined) o.${f.name} = canonical(${(f.type as { name: string }).name}Spellings, v.${f.name}) as ${(f.type as { name: string }).name};`,
    );
  return `function in${r.name}(v: ${r.name} | undefined): ${r.name} | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return v;
  const o = { ...v };
${fixes.join("\n")}
  return o;
}
`;
}

/** The argument as passed to the binding: enums and records with enums canonicalised. */
function argIn(p: Param): string {
  if (p.type.kind === "enum") return `canonical(${p.type.name}Spellings, ${p.name}) as ${p.type.name}`;
  if (p.type.kind === "record" && needsCopyIn(RECORDS.get(p.type.name)!)) return `in${p.type.name}(${p.name})`;
  return p.name;
}

/** The TypeScript type of a value; a Vector argument also takes `number[]` (VectorLike). */
function tsType(t: TypeRef, pos: "param" | "return"): string {
  switch (t.kind) {
    case "prim":
      return { string: "string", bool: "boolean", u32: "number", u64: "number", usize: "number", f32: "number" }[t.name];
    case "vector":
      return pos === "param" ? "VectorLike" : "Float32Array";
    case "quantized":
      return "Int8Array | Uint8Array";
    case "comparable":
      return "Embedding | VectorLike";
    case "enum":
    case "record":
    case "class":
      return t.name;
    case "array":
      return `${tsType(t.of, pos)}[]`;
    case "void":
      return "void";
  }
}

function jsdoc(doc: Doc, indent = ""): string {
  if (!doc.text) return "";
  const lines = doc.text.split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ""}`).join("\n")}\n${indent} */\n`;
}

const params = (ps: Param[]) => ps.map((p) => `${p.name}${p.optional ? "?" : ""}: ${tsType(p.type, "param")}`).join(", ");
const args = (ps: Param[]) => ps.map(argIn).join(", ");

function returnType(c: Callable): string {
  const t = tsType(c.returns, "return");
  return c.isAsync ? `Promise<${t}>` : t;
}

/** The wrapped call: errors become MullamaErrors; a class instance made by the binding gets the
 * wrapper's prototype, so `instanceof` holds (the native getters work on it unchanged). */
function body(c: Callable, inner: string): string {
  const wrap = c.isAsync ? "callAsync" : "call";
  const t = c.returns;
  const adopt = (v: string) => `Object.setPrototypeOf(${v}, ${(t as { name: string }).name}.prototype) as ${(t as { name: string }).name}`;
  if (t.kind === "class") return c.isAsync ? `return ${wrap}(() => ${inner}).then((v) => ${adopt("v")});` : `return ${adopt(`${wrap}(() => ${inner})`)};`;
  return `return ${wrap}(() => ${inner});`;
}

function emitMethod(c: ClassDef, m: Method): string {
  const inner = m.isStatic ? `binding.${c.name}.${m.name}(${args(m.params)})` : `super.${m.name}(${args(m.params)})`;
  return `${jsdoc(m.doc, "  ")}  ${m.isStatic ? "static " : ""}override ${m.name}(${params(m.params)}): ${returnType(m)} {\n    ${body(m, inner)}\n  }\n`;
}

function emitClass(c: ClassDef): string {
  const items: string[] = [];
  if (c.ctor) {
    items.push(`${jsdoc(c.ctor.doc, "  ")}  constructor(${params(c.ctor.params)}) {
    try {
      super(${args(c.ctor.params)});
    } catch (e) {
      throw toMullamaError(e);
    }
  }
`);
  }
  items.push(...c.methods.map((m) => emitMethod(c, m)));
  return `${jsdoc(c.doc)}export class ${c.name} extends binding.${c.name} {\n${items.join("\n")}}\n`;
}

function emitFunction(f: Callable): string {
  return `${jsdoc(f.doc)}export function ${f.name}(${params(f.params)}): ${returnType(f)} {\n  ${body(f, `binding.${f.name}(${args(f.params)})`)}\n}\n`;
}

export function emitNodeApi(s: Schema, header: string): string {
  RECORDS = new Map(s.records.map((r) => [r.name, r]));
  const paramTypes = [...s.classes.flatMap((c) => [...(c.ctor?.params ?? []), ...c.methods.flatMap((m) => m.params)]), ...s.functions.flatMap((f) => f.params)].map((p) => p.type);
  const inputs = s.records.filter((r) => needsCopyIn(r) && paramTypes.some((t) => t.kind === "record" && t.name === r.name));
  const enumArgs = s.enums.filter((e) => paramTypes.some((t) => t.kind === "enum" && t.name === e.name) || inputs.some((r) => r.fields.some((f) => f.type.kind === "enum" && f.type.name === e.name)));
  const enums = s.enums.map((e) => e.name);
  const records = s.records.map((r) => r.name);
  return `${header}
//
// The npm package's API: each IDL class and function over the napi binding, with the IDL's doc
// comments. Adds nothing to the computation; binding errors become MullamaErrors.
import * as binding from '../../binding.cjs';
import { ${enums.join(", ")}, ${records.map((r) => `type ${r}`).join(", ")} } from '../../binding.cjs';
import { call, callAsync, toMullamaError, type VectorLike } from '../errors.js';

export { ${enums.join(", ")} };
export type { ${records.join(", ")} };

/** An enum value as the core parses it: case-insensitive, \`-\` read as \`_\`, aliases too. */
function canonical(spellings: Readonly<Record<string, string>>, v: unknown): unknown {
  return typeof v === 'string' ? (spellings[v.toLowerCase().replace(/-/g, '_')] ?? v) : v;
}

${enumArgs.map(spellings).join("")}
${inputs.map(recordIn).join("\n")}
${[...s.classes.map(emitClass), ...s.functions.map(emitFunction)].join("\n")}`;
}

// --- the type test ---------------------------------------------------------------------------

/** The type the built typings must have, written from the IDL side. */
function expected(t: TypeRef, pos: "param" | "return"): string {
  if (t.kind === "vector") return pos === "param" ? "Float32Array | number[]" : "Float32Array";
  if (t.kind === "comparable") return "Embedding | Float32Array | number[]";
  if (t.kind === "array") return `(${expected(t.of, pos)})[]`;
  return tsType(t, pos);
}

const tuple = (ps: Param[]) => `[${ps.map((p) => `${p.name}${p.optional ? "?" : ""}: ${expected(p.type, "param")}${p.optional ? " | undefined" : ""}`).join(", ")}]`;
const ret = (c: Callable) => (c.isAsync ? `Promise<${expected(c.returns, "return")}>` : expected(c.returns, "return"));

export function emitNodeTypeTest(s: Schema, header: string): string {
  const names = [...s.enums.map((e) => e.name), ...s.classes.map((c) => c.name), ...s.functions.map((f) => f.name)];
  const types = s.records.map((r) => `type ${r.name}`);
  const lines: string[] = [];
  lines.push("// Enums: the same string values as the IDL's.");
  for (const e of s.enums) lines.push(`expectTypeOf<\`\${${e.name}}\`>().toEqualTypeOf<\`\${Idl.${e.name}}\`>();`);
  lines.push("", "// Records: the same keys, optional where the IDL's are, with the same value types.");
  for (const r of s.records) {
    lines.push(`expectTypeOf<Plain<${r.name}>>().toEqualTypeOf<Plain<Idl.${r.name}>>();`);
    for (const f of r.fields.filter((f) => f.type.kind === "vector")) lines.push(`expectTypeOf<${r.name}['${f.name}']>().toEqualTypeOf<Float32Array${f.optional ? " | undefined" : ""}>();`);
  }
  lines.push("", "// Classes.");
  for (const c of s.classes) {
    if (c.ctor) lines.push(`expectTypeOf(${c.name}).constructorParameters.toEqualTypeOf<${tuple(c.ctor.params)}>();`);
    for (const g of c.getters) lines.push(`expectTypeOf<${c.name}['${g.name}']>().toEqualTypeOf<${expected(g.type, "return")}>();`);
    for (const m of c.methods) {
      const ref = m.isStatic ? `${c.name}.${m.name}` : `${c.name}.prototype.${m.name}`;
      lines.push(`expectTypeOf(${ref}).parameters.toEqualTypeOf<${tuple(m.params)}>();`);
      lines.push(`expectTypeOf(${ref}).returns.toEqualTypeOf<${ret(m)}>();`);
    }
  }
  lines.push("", "// Free functions: Vector arguments also take number[].");
  for (const f of s.functions) {
    lines.push(`expectTypeOf(${f.name}).parameters.toEqualTypeOf<${tuple(f.params)}>();`);
    lines.push(`expectTypeOf(${f.name}).returns.toEqualTypeOf<${ret(f)}>();`);
  }
  return `${header}
//
// Type test: the public typings of \`mullama\` (dist/*.d.mts over napi's binding.d.cts) have the
// IDL's shapes (packages/api-spec), one assertion per IDL item. Checked by \`tsc --noEmit\`
// (test/types.test.mjs).
import { expectTypeOf } from 'vitest';
import type * as Idl from '../../../../api-spec/src/index.js';
import { ${[...names, ...types].join(", ")} } from 'mullama';

type Plain<T> = { [K in keyof T]: T[K] extends infer V ? (V extends string ? \`\${V}\` : V) : never };

${lines.join("\n")}
`;
}
