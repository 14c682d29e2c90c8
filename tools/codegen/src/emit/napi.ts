// Schema -> packages/node/native/src/generated/glue.rs: the napi-rs layer of the npm package.
// One #[napi] item per IDL item; conversions and calls into the core's generated traits only.
// Async instance methods enter the core without blocking (`NAME_submit`) and settle their
// promise from the completion: no thread waits per call, so any number of calls reach the core
// together and share decodes. Async static and free calls (loading, converting a model) are
// AsyncTasks on the libuv pool.

import { rust } from "../names.ts";
import type { Callable, ClassDef, EnumDef, Field, Param, RecordDef, Schema, TypeRef } from "../schema.ts";
import { traitImports } from "../schema.ts";
import { docLines } from "./rust.ts";

const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);
const SEP = "// ---------------------------------------------------------------------------------------------";

/** A field or param name as a Rust identifier napi accepts (`type` -> `type_`, renamed for JS). */
function napiIdent(name: string): { ident: string; attr: string } {
  const id = rust.ident(name);
  return id.startsWith("r#") ? { ident: `${id.slice(2)}_`, attr: `#[napi(js_name = "${name}")]\n    ` } : { ident: id, attr: "" };
}

/** The JS-facing Rust type of a value. */
function jsType(t: TypeRef): string {
  switch (t.kind) {
    case "prim":
      return { string: "String", bool: "bool", u32: "u32", usize: "u32", u64: "i64", f32: "f64" }[t.name];
    case "vector":
      return "Float32Array";
    case "quantized":
      return "Either<Int8Array, Uint8Array>";
    case "comparable":
      return "Either3<Float32Array, Vec<f64>, EmbeddingLike>";
    case "enum":
    case "record":
    case "class":
      return t.name;
    case "array":
      return `Vec<${jsType(t.of)}>`;
    case "void":
      return "()";
  }
}

/** IDL unsigned integers. napi's own u32 conversion wraps (2**32 + 5 -> 5, -1 -> 4294967295,
 * 1.5 -> 1, NaN -> 0), so an integer input arrives as a JS number (f64) and `uint_arg` checks it. */
const isInt = (t: TypeRef) => t.kind === "prim" && (t.name === "u32" || t.name === "usize" || t.name === "u64");
const coreInt = (t: TypeRef) => (t as { name: string }).name;
const intMax = (t: TypeRef) => (coreInt(t) === "u64" ? "MAX_SAFE_INTEGER" : "u32::MAX as u64");
/** A text argument: read as UTF-16 so that an unpaired surrogate is an INVALID_UTF8 error, not a
 * U+FFFD that napi's UTF-8 conversion would put in its place and embed. */
const isText = (t: TypeRef) => t.kind === "prim" && t.name === "string";
const isTexts = (t: TypeRef) => t.kind === "array" && isText(t.of);

/** The Rust type a JS input of IDL type `t` is received as. */
function jsInType(t: TypeRef): string {
  if (isInt(t)) return "f64";
  if (isText(t)) return "Utf16String";
  if (isTexts(t)) return "Vec<Utf16String>";
  return jsType(t);
}

/** A checked integer: JS number `e` as the core's integer type. */
const checkedInt = (t: TypeRef, e: string, label: string) => `uint_arg(${e}, ${JSON.stringify(label)}, ${intMax(t)})? as ${coreInt(t)}`;

/** Converts core value `e` (of IDL type `t`) to its JS-facing form. */
function toJs(t: TypeRef, e: string): string {
  if (t.kind === "prim" && t.name === "usize") return `${e} as u32`;
  if (t.kind === "prim" && t.name === "u64") return `${e} as i64`;
  if (t.kind === "prim" && t.name === "f32") return `${e} as f64`;
  if (t.kind === "vector") return `vector_ret(${e})`;
  if (t.kind === "quantized") return `quantized_ret(${e})`;
  if (t.kind === "enum" || t.kind === "record") return `${e}.into()`;
  if (t.kind === "array") return `${e}.into_iter().map(Into::into).collect()`;
  return e;
}

function emitEnum(e: EnumDef): string {
  const conv = (from: string, to: string) => `impl From<${from}> for ${to} {
    fn from(v: ${from}) -> Self {
        match v {
${e.members.map((m) => `            ${from}::${m.name} => ${to}::${m.name},`).join("\n")}
        }
    }
}`;
  return `${SEP}
// enum ${e.name}

${docLines(e.doc)}#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ${e.name} {
${e.members.map((m) => `${docLines(m.doc, "    ")}    #[napi(value = ${JSON.stringify(m.value)})]\n    ${m.name},`).join("\n")}
}

${conv(e.name, `core::${e.name}`)}

${conv(`core::${e.name}`, e.name)}
`;
}

function emitInputRecord(r: RecordDef): string {
  const fields = r.fields.map((f) => {
    const { ident, attr } = napiIdent(f.name);
    return `${docLines(f.doc, "    ")}    ${attr}pub ${ident}: Option<${isInt(f.type) ? "f64" : jsType(f.type)}>,`;
  });
  const needsDefault = r.fields.some((f) => f.default);
  // (A typed-array field is neither Debug nor Clone in napi-rs: such a record derives Default only.)
  const conv = r.fields.map((f) => {
    const { ident } = napiIdent(f.name);
    const core = rust.ident(f.name);
    if (isInt(f.type)) {
      const some = checkedInt(f.type, "x", f.name);
      return `${core}: match v.${ident} {\n                Some(x) => ${f.default ? some : `Some(${some})`},\n                None => ${f.default ? `d.${core}` : "None"},\n            },`;
    }
    const into = f.type.kind === "enum" || f.type.kind === "record" ? ".map(Into::into)" : f.type.kind === "vector" ? ".map(|a| a.to_vec())" : "";
    return f.default ? `${core}: v.${ident}${into}.unwrap_or(d.${core}),` : `${core}: v.${ident}${into},`;
  });
  return `${SEP}
// interface ${r.name} (input)

${docLines(r.doc)}#[napi(object)]
#[derive(${r.fields.some((f) => f.type.kind === "vector") ? "Default" : "Debug, Clone, Default"})]
pub struct ${r.name} {
${fields.join("\n")}
}

impl TryFrom<${r.name}> for core::${r.name} {
    type Error = core::Error;

    fn try_from(v: ${r.name}) -> core::Result<Self> {
${needsDefault ? `        let d = core::${r.name}::default();\n` : ""}        Ok(core::${r.name} {
${conv.map((c) => `            ${c}`).join("\n")}
        })
    }
}
`;
}

function emitOutputRecord(r: RecordDef): string {
  const ty = (f: Field) => (f.optional && !f.default ? `Option<${jsType(f.type)}>` : jsType(f.type));
  const fields = r.fields.map((f) => {
    const { ident, attr } = napiIdent(f.name);
    return `${docLines(f.doc, "    ")}    ${attr}pub ${ident}: ${ty(f)},`;
  });
  const conv = r.fields.map((f) => {
    const { ident } = napiIdent(f.name);
    const src = `v.${rust.ident(f.name)}`;
    const optional = f.optional && !f.default;
    const mapped = f.type.kind === "enum" || f.type.kind === "record" ? `${src}.map(Into::into)` : `${src}.map(|x| ${toJs(f.type, "x")})`;
    const value = optional ? (toJs(f.type, "x") === "x" ? src : mapped) : toJs(f.type, src);
    return `            ${ident}: ${value},`;
  });
  return `${SEP}
// interface ${r.name} (output)

${docLines(r.doc)}#[napi(object)]
pub struct ${r.name} {
${fields.join("\n")}
}

impl From<core::${r.name}> for ${r.name} {
    fn from(v: core::${r.name}) -> Self {
        ${r.name} {
${conv.join("\n")}
        }
    }
}
`;
}

/** How a JS argument is declared on the #[napi] fn. `checked`: the call is fallible, so its
 * integers and texts arrive raw and are checked by `prep` (an infallible call cannot refuse). */
function argType(p: Param, checked: boolean): string {
  if (p.type.kind === "vector") return "Either<Float32Array, Vec<f64>>";
  if (p.type.kind === "array" && p.type.of.kind === "vector") return "Vec<Either<Float32Array, Vec<f64>>>";
  if (p.type.kind === "class") return `&${p.type.name}`;
  const t = checked ? jsInType(p.type) : jsType(p.type);
  return p.optional ? `Option<${t}>` : t;
}

/** The statement that turns a checked JS argument into the core's owned value (or throws). */
function prep(p: Param, env: string): string | undefined {
  const id = napiIdent(p.name).ident;
  const fail = `.map_err(|e| throw(${env}, e))?`;
  if (isInt(p.type)) {
    const one = (v: string) => `uint_arg(${v}, ${JSON.stringify(p.name)}, ${intMax(p.type)})`;
    return p.optional
      ? `let ${id} = ${id}.map(|v| ${one("v")}).transpose()${fail}.map(|v| v as ${coreInt(p.type)});`
      : `let ${id} = ${one(id)}${fail} as ${coreInt(p.type)};`;
  }
  if (isText(p.type)) return p.optional ? `let ${id} = ${id}.map(|v| text_arg(&v)).transpose()${fail};` : `let ${id} = text_arg(&${id})${fail};`;
  if (isTexts(p.type)) return `let ${id} = texts_arg(&${id})${fail};`;
  if (p.type.kind === "record") return `let ${id} = core::${p.type.name}::try_from(${id}${p.optional ? ".unwrap_or_default()" : ""})${fail};`;
  if (p.type.kind === "vector") return `let ${id} = vector_arg(&${id});`;
  if (p.type.kind === "array" && p.type.of.kind === "vector") return `let ${id}: Vec<Vec<f32>> = ${id}.iter().map(vector_arg).collect();`;
  if (p.type.kind === "comparable") return `let ${id} = compared_arg(&${id});`;
  if (p.type.kind === "quantized") return `let ${id} = quantized_arg(&${id});`;
  if (p.type.kind === "class") return `let ${id} = ${id}.inner.clone();`;
  return undefined;
}

/** The Rust type a task stores for a param (after `prep`). */
function storedType(p: Param): string {
  if (p.type.kind === "vector") return "Vec<f32>";
  if (p.type.kind === "class") return `Arc<core::${p.type.name}>`;
  if (p.type.kind === "record") return `core::${p.type.name}`;
  if (isInt(p.type)) return p.optional ? `Option<${coreInt(p.type)}>` : coreInt(p.type);
  if (isTexts(p.type)) return "Vec<String>";
  const t = jsType(p.type);
  return p.optional ? `Option<${t}>` : t;
}

/** The owned argument of a core `_submit` call, from the prepared argument. */
function ownedArg(p: Param): string {
  const id = napiIdent(p.name).ident;
  if (p.type.kind === "enum") return p.optional ? `${id}.map(Into::into)` : `${id}.into()`;
  return id;
}

/** The argument passed to the core's trait method, from a prepared value `e`. */
function coreArg(p: Param, e: string, owned: boolean): string {
  if (p.type.kind === "prim" && p.type.name === "string") return `&${e}`;
  if (p.type.kind === "array" || p.type.kind === "vector" || p.type.kind === "quantized") return `&${e}`;
  if (p.type.kind === "comparable") return `core::Compared { data: &${e}.0, space: ${e}.1.as_deref() }`;
  if (p.type.kind === "record") return owned ? e : `${e}.clone()`;
  if (p.type.kind === "enum") return `${e}.into()`;
  return e;
}

/** The JS value of a successful core result `v`. */
function resultToJs(t: TypeRef, v: string): string {
  if (t.kind === "class") return `${t.name} { inner: Arc::new(${v}) }`;
  return toJs(t, v);
}

interface Target {
  /** Rust path of the core call, e.g. `ContextApi::get_embedding` or `core::Api::normalize`. */
  call: string;
  /** Leading receiver argument, e.g. `&*self.inner`. */
  receiver?: string;
  taskName: string;
}

function emitCall(c: Callable, target: Target, selfArg: string): string {
  const checked = c.fallible || c.isAsync;
  const params = c.params.map((p) => `${napiIdent(p.name).ident}: ${argType(p, checked)}`);
  const ret = jsType(c.returns);
  const doc = docLines(c.doc, selfArg ? "    " : "");
  const ind = selfArg ? "    " : "";
  const preps = (env: string) =>
    c.params
      .map((p) => prep(p, env))
      .filter((x) => x)
      .map((x) => `${ind}    ${x}\n`)
      .join("");
  if (c.isAsync && target.receiver) {
    // The core's non-blocking entry: the promise is settled from the completion, through the
    // deferred's threadsafe function, so no thread (libuv's or ours) waits for the call. Bad
    // arguments throw before the deferred exists (the TypeScript layer makes that a rejection).
    const ownedArgs = c.params.map((p) => ownedArg(p));
    const tsRet = c.returns.kind === "array" ? `Promise<Array<${jsType(c.returns.of)}>>` : `Promise<${ret}>`;
    const settle = c.returns.kind === "array" ? "out.map(|v| v.into_iter().map(Into::into).collect::<Vec<_>>())" : c.returns.kind === "class" ? `out.map(|v| ${resultToJs(c.returns, "v")})` : `out.map(${c.returns.kind === "record" || c.returns.kind === "enum" ? "Into::into" : `|v| ${toJs(c.returns, "v")}`})`;
    return `${doc}${ind}#[napi(ts_return_type = "${tsRet}")]
${ind}pub fn ${rust.ident(c.name)}<'env>(${[selfArg, "env: &'env Env", ...params].join(", ")}) -> Result<Object<'env>> {
${preps("env")}${ind}    let (deferred, promise) = env.create_deferred::<${ret}, _>()?;
${ind}    ${target.call}_submit(${["&*self.inner", ...ownedArgs].join(", ")}, Box::new(move |out| {
${ind}        deferred.resolve(move |env| ${settle}.map_err(|e| throw(&env, e)))
${ind}    }));
${ind}    Ok(promise)
${ind}}
`;
  }
  if (c.isAsync) {
    const fields = c.params.map((p) => `    ${napiIdent(p.name).ident}: ${storedType(p)},`);
    if (target.receiver) fields.unshift(`    inner: Arc<core::${target.receiver}>,`);
    const init = [...(target.receiver ? ["inner: self.inner.clone()"] : []), ...c.params.map((p) => napiIdent(p.name).ident)];
    const callArgs = [...(target.receiver ? ["&*self.inner"] : []), ...c.params.map((p) => coreArg(p, `self.${napiIdent(p.name).ident}`, false))];
    const tsRet = c.returns.kind === "array" ? `Promise<Array<${jsType(c.returns.of)}>>` : `Promise<${ret}>`;
    const fnParams = [...(selfArg ? [selfArg] : []), "env: Env", ...params];
    const resolve = c.returns.kind === "array" ? "|v| v.into_iter().map(Into::into).collect()" : c.returns.kind === "class" ? `|v| ${resultToJs(c.returns, "v")}` : "Into::into";
    const coreRet = c.returns.kind === "array" ? `Vec<core::${jsType(c.returns.of)}>` : `core::${jsType(c.returns)}`;
    return `${doc}${ind}#[napi(ts_return_type = "${tsRet}")]
${ind}pub fn ${rust.ident(c.name)}(${fnParams.join(", ")}) -> Result<AsyncTask<${target.taskName}>> {
${preps("&env")}${ind}    Ok(AsyncTask::new(${target.taskName} { ${init.join(", ")} }))
${ind}}
@@TASK@@pub struct ${target.taskName} {
${fields.join("\n")}
}

impl Task for ${target.taskName} {
    type Output = core::Result<${coreRet}>;
    type JsValue = ${ret};

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(${target.call}(${callArgs.join(", ")}))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Self::JsValue> {
        output.map(${resolve}).map_err(|e| throw(&env, e))
    }
}
`;
  }
  if (!c.fallible) {
    if (c.params.some((p) => p.type.kind === "record")) throw new Error(`napi emitter: infallible ${c.name} cannot take a record (its conversion can fail)`);
    const callArgs = [...(target.receiver ? ["&*self.inner"] : []), ...c.params.map((p) => (p.type.kind === "vector" ? `&vector_arg(&${napiIdent(p.name).ident})` : coreArg(p, napiIdent(p.name).ident, true)))];
    const call = `${target.call}(${callArgs.join(", ")})`;
    const fnParams = [...(selfArg ? [selfArg] : []), ...params];
    const arrow = ret === "()" ? "" : ` -> ${ret}`;
    return `${doc}${ind}#[napi]\n${ind}pub fn ${rust.ident(c.name)}(${fnParams.join(", ")})${arrow} {\n${ind}    ${toJs(c.returns, call)}\n${ind}}\n`;
  }
  const callArgs = [...(target.receiver ? ["&*self.inner"] : []), ...c.params.map((p) => coreArg(p, napiIdent(p.name).ident, true))];
  const call = `${target.call}(${callArgs.join(", ")})`;
  const fnParams = [...(selfArg ? [selfArg] : []), "env: Env", ...params];
  const map = resultToJs(c.returns, "v") === "v" ? "" : `.map(|v| ${resultToJs(c.returns, "v")})`;
  return `${doc}${ind}#[napi]\n${ind}pub fn ${rust.ident(c.name)}(${fnParams.join(", ")}) -> Result<${ret}> {\n${preps("&env")}${ind}    ${call}${map}.map_err(|e| throw(&env, e))\n${ind}}\n`;
}

/** Splits emitted items into the `impl` body and the task definitions that follow it. */
function splitTasks(items: string[]): { body: string; tasks: string } {
  const body: string[] = [];
  const tasks: string[] = [];
  for (const it of items) {
    const [b, t] = it.split("@@TASK@@");
    body.push(b);
    if (t) tasks.push(t);
  }
  return { body: body.join("\n"), tasks: tasks.join("\n") };
}

function emitClass(c: ClassDef): string {
  const items: string[] = [];
  if (c.ctor) {
    const params = c.ctor.params.map((p) => `${napiIdent(p.name).ident}: ${argType(p, true)}`);
    const preps = c.ctor.params.map((p) => prep(p, "&env")).filter((x) => x).map((x) => `        ${x}\n`).join("");
    const args = c.ctor.params.map((p) => (p.type.kind === "enum" ? `${napiIdent(p.name).ident}.into()` : napiIdent(p.name).ident));
    items.push(`${docLines(c.ctor.doc, "    ")}    #[napi(constructor)]
    pub fn new(env: Env, ${params.join(", ")}) -> Result<Self> {
${preps}        <core::${c.name} as ${c.name}Api>::new(${args.join(", ")})
            .map(|v| ${c.name} { inner: Arc::new(v) })
            .map_err(|e| throw(&env, e))
    }
`);
  }
  for (const g of c.getters) {
    items.push(`${docLines(g.doc, "    ")}    #[napi(getter)]
    pub fn ${rust.ident(g.name)}(&self) -> ${jsType(g.type)} {
        ${toJs(g.type, `${c.name}Api::${rust.ident(g.name)}(&*self.inner)`)}
    }
`);
  }
  for (const m of c.methods) {
    const taskName = `${c.name}${pascal(m.name)}Task`;
    if (m.isStatic) items.push(emitCall(m, { call: `<core::${c.name} as ${c.name}Api>::${rust.ident(m.name)}`, taskName }, ""));
    else items.push(emitCall(m, { call: `${c.name}Api::${rust.ident(m.name)}`, receiver: c.name, taskName }, "&self"));
  }
  const { body, tasks } = splitTasks(items);
  return `${SEP}
// class ${c.name}

${docLines(c.doc)}#[napi]
pub struct ${c.name} {
    inner: Arc<core::${c.name}>,
}

#[napi]
impl ${c.name} {
${body}}

${tasks}`;
}

function emitFunctions(fns: Callable[]): string {
  const items = fns.map((f) => emitCall(f, { call: `core::Api::${rust.ident(f.name)}`, taskName: `${pascal(f.name)}Task` }, ""));
  return `${SEP}
// free functions

${items.map((i) => i.replace("@@TASK@@", "\n")).join("\n")}`;
}

const RUNTIME = `
#![allow(clippy::all, dead_code, unused_imports)]

use mullama_core as core;
@@TRAITS@@
use napi::bindgen_prelude::*;
use napi::{Env, JsError};
use napi_derive::napi;
use std::sync::Arc;

${SEP}
// Runtime helpers (fixed text, the same for every IDL).

/// A core error as a JS \`Error\` whose \`code\` is the stable code string (e.g. "EMPTY_INPUT").
fn throw(env: &Env, e: core::Error) -> napi::Error {
    let js = JsError::from(napi::Error::new(e.code().as_str().to_string(), e.message().to_string()));
    napi::Error::from(js.into_unknown(*env))
}

/// Largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// An IDL integer argument, received as a JS number: napi's own u32 conversion would wrap it
/// (2**32 + 5 -> 5, -1 -> 4294967295, 1.5 -> 1, NaN -> 0) and run with a value nobody asked for.
fn uint_arg(v: f64, name: &str, max: u64) -> core::Result<u64> {
    if v.is_finite() && v.fract() == 0.0 && v >= 0.0 && v <= max as f64 {
        Ok(v as u64)
    } else {
        let got = if v.is_infinite() { (if v > 0.0 { "Infinity" } else { "-Infinity" }).to_string() } else { v.to_string() };
        Err(core::Error::new(core::ErrorCode::InvalidArgument, format!("{name} must be an integer from 0 to {max}; got {got}")))
    }
}

/// A text argument, received as UTF-16: an unpaired surrogate is INVALID_UTF8 (napi's UTF-8
/// conversion would replace it with U+FFFD, and that would be embedded silently).
fn text_arg(v: &Utf16String) -> core::Result<String> {
    String::from_utf16(v).map_err(|_| {
        let at = unpaired_surrogate(v).unwrap_or(0);
        core::Error::new(core::ErrorCode::InvalidUtf8, format!("text is not valid Unicode: an unpaired surrogate at UTF-16 index {at}"))
    })
}

/// Texts of a batch, each checked as \`text_arg\`; the error names the bad text's index.
fn texts_arg(v: &[Utf16String]) -> core::Result<Vec<String>> {
    v.iter()
        .enumerate()
        .map(|(i, t)| text_arg(t).map_err(|e| if v.len() > 1 { core::Error::new(e.code(), format!("text {i}: {}", e.message())) } else { e }))
        .collect()
}

fn unpaired_surrogate(v: &[u16]) -> Option<usize> {
    let mut i = 0;
    while i < v.len() {
        match v[i] {
            0xD800..=0xDBFF if matches!(v.get(i + 1), Some(0xDC00..=0xDFFF)) => i += 2,
            0xD800..=0xDFFF => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// IDL \`Vector\` argument: a Float32Array or a plain array of numbers.
fn vector_arg(v: &Either<Float32Array, Vec<f64>>) -> Vec<f32> {
    match v {
        Either::A(a) => a.to_vec(),
        Either::B(b) => b.iter().map(|x| *x as f32).collect(),
    }
}

/// IDL \`Vector\` result: handed to JS without a copy (an external ArrayBuffer over the Vec).
fn vector_ret(v: Vec<f32>) -> Float32Array {
    Float32Array::new(v)
}

/// What an IDL \`VectorOrEmbedding\` argument accepts besides a vector: an \`Embedding\` (or any
/// object with its \`data\` and \`space\`), compared with its space checked.
#[napi(object)]
pub struct EmbeddingLike {
    pub data: Either<Float32Array, Vec<f64>>,
    pub space: Option<String>,
}

/// IDL \`VectorOrEmbedding\` argument: the values, and the space of an embedding.
fn compared_arg(v: &Either3<Float32Array, Vec<f64>, EmbeddingLike>) -> (Vec<f32>, Option<String>) {
    match v {
        Either3::A(a) => (a.to_vec(), None),
        Either3::B(b) => (b.iter().map(|x| *x as f32).collect(), None),
        Either3::C(e) => (vector_arg(&e.data), e.space.clone()),
    }
}

/// IDL \`QuantizedVector\` argument: an Int8Array or a Uint8Array, copied.
fn quantized_arg(v: &Either<Int8Array, Uint8Array>) -> core::QuantizedVector {
    match v {
        Either::A(a) => core::QuantizedVector::Int8(a.to_vec()),
        Either::B(b) => core::QuantizedVector::Uint8(b.to_vec()),
    }
}

/// IDL \`QuantizedVector\` result: an Int8Array or a Uint8Array over the Vec, without a copy.
fn quantized_ret(v: core::QuantizedVector) -> Either<Int8Array, Uint8Array> {
    match v {
        core::QuantizedVector::Int8(x) => Either::A(Int8Array::new(x)),
        core::QuantizedVector::Uint8(x) => Either::B(Uint8Array::new(x)),
    }
}
`;

export function emitNapi(s: Schema, header: string): string {
  const paramTypes = [...s.classes.flatMap((c) => [...(c.ctor?.params ?? []), ...c.methods.flatMap((m) => m.params)]), ...s.functions.flatMap((f) => f.params)].map((p) => p.type);
  const isInput = (r: RecordDef) => paramTypes.some((t) => t.kind === "record" && t.name === r.name);
  return [
    `${header}\n//\n// napi-rs glue over mullama-core: one #[napi] item per IDL item, conversions and calls only.\n// Async instance methods enter the core without blocking and settle their promise from the\n// core's completion; async static and free calls are AsyncTasks on the libuv pool.\n${RUNTIME.replace("@@TRAITS@@", traitImports(s))}`,
    ...s.enums.map(emitEnum),
    ...s.records.map((r) => (isInput(r) ? emitInputRecord(r) : emitOutputRecord(r))),
    ...s.classes.map(emitClass),
    emitFunctions(s.functions),
  ].join("\n");
}
