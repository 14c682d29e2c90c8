// Schema -> packages/node/native/src/generated/glue.rs: the napi-rs layer of the npm package.
// One #[napi] item per IDL item; conversions and calls into the core's generated traits only.
// Async instance methods enter the core without blocking (`NAME_submit`) and settle their
// promise from the completion: no thread waits per call, so any number of calls reach the core
// together and share decodes. Async static and free calls (loading, converting a model) are
// AsyncTasks on the libuv pool.

import { rust } from "../names.ts";
import type { Callable, ClassDef, EnumDef, Field, Param, RecordDef, Schema, TypeRef } from "../schema.ts";
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

/** Converts core value `e` (of IDL type `t`) to its JS-facing form. */
function toJs(t: TypeRef, e: string): string {
  if (t.kind === "prim" && t.name === "usize") return `${e} as u32`;
  if (t.kind === "prim" && t.name === "u64") return `${e} as i64`;
  if (t.kind === "prim" && t.name === "f32") return `${e} as f64`;
  if (t.kind === "vector") return `vector_ret(${e})`;
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
    return `${docLines(f.doc, "    ")}    ${attr}pub ${ident}: Option<${jsType(f.type)}>,`;
  });
  const needsDefault = r.fields.some((f) => f.default);
  const conv = r.fields.map((f) => {
    const { ident } = napiIdent(f.name);
    const core = rust.ident(f.name);
    const into = f.type.kind === "enum" || f.type.kind === "record" ? ".map(Into::into)" : "";
    return f.default ? `${core}: v.${ident}${into}.unwrap_or(d.${core}),` : `${core}: v.${ident}${into},`;
  });
  return `${SEP}
// interface ${r.name} (input)

${docLines(r.doc)}#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ${r.name} {
${fields.join("\n")}
}

impl From<${r.name}> for core::${r.name} {
    fn from(v: ${r.name}) -> Self {
${needsDefault ? `        let d = core::${r.name}::default();\n` : ""}        core::${r.name} {
${conv.map((c) => `            ${c}`).join("\n")}
        }
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

/** How a JS argument is declared on the #[napi] fn, and stored in a task. */
function argType(p: Param): string {
  if (p.type.kind === "vector") return "Either<Float32Array, Vec<f64>>";
  if (p.type.kind === "class") return `&${p.type.name}`;
  const t = jsType(p.type);
  return p.optional ? `Option<${t}>` : t;
}

function storedType(p: Param): string {
  if (p.type.kind === "vector") return "Vec<f32>";
  if (p.type.kind === "class") return `Arc<core::${p.type.name}>`;
  return jsType(p.type);
}

/** The value stored for a param (in a task) from the JS argument. */
function stored(p: Param): string {
  const id = napiIdent(p.name).ident;
  if (p.type.kind === "vector") return `vector_arg(&${id})`;
  if (p.type.kind === "class") return `${id}.inner.clone()`;
  if (p.optional && p.type.kind === "record") return `${id}.unwrap_or_default()`;
  return id;
}

/** The owned argument of a core `_submit` call, from the JS argument. */
function ownedArg(p: Param): string {
  const id = napiIdent(p.name).ident;
  if (p.type.kind === "vector") return `vector_arg(&${id})`;
  if (p.type.kind === "class") return `${id}.inner.clone()`;
  if (p.type.kind === "record") return p.optional ? `${id}.unwrap_or_default().into()` : `${id}.into()`;
  if (p.type.kind === "enum") return p.optional ? `${id}.map(Into::into)` : `${id}.into()`;
  return id;
}

/** The argument passed to the core's trait method, from a stored value `e`. */
function coreArg(p: Param, e: string): string {
  if (p.type.kind === "prim" && p.type.name === "string") return `&${e}`;
  if (p.type.kind === "array" || p.type.kind === "vector") return `&${e}`;
  if (p.type.kind === "record") return `${e}.clone().into()`;
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
  const params = c.params.map((p) => `${napiIdent(p.name).ident}: ${argType(p)}`);
  const ret = jsType(c.returns);
  const doc = docLines(c.doc, selfArg ? "    " : "");
  const ind = selfArg ? "    " : "";
  if (c.isAsync && target.receiver) {
    // The core's non-blocking entry: the promise is settled from the completion, through the
    // deferred's threadsafe function, so no thread (libuv's or ours) waits for the call.
    const ownedArgs = c.params.map((p) => ownedArg(p));
    const tsRet = c.returns.kind === "array" ? `Promise<Array<${jsType(c.returns.of)}>>` : `Promise<${ret}>`;
    const settle = c.returns.kind === "array" ? "out.map(|v| v.into_iter().map(Into::into).collect::<Vec<_>>())" : c.returns.kind === "class" ? `out.map(|v| ${resultToJs(c.returns, "v")})` : `out.map(${c.returns.kind === "record" || c.returns.kind === "enum" ? "Into::into" : `|v| ${toJs(c.returns, "v")}`})`;
    return `${doc}${ind}#[napi(ts_return_type = "${tsRet}")]
${ind}pub fn ${rust.ident(c.name)}<'env>(${[selfArg, "env: &'env Env", ...params].join(", ")}) -> Result<Object<'env>> {
${ind}    let (deferred, promise) = env.create_deferred::<${ret}, _>()?;
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
    const init = [...(target.receiver ? ["inner: self.inner.clone()"] : []), ...c.params.map((p) => (stored(p) === napiIdent(p.name).ident ? stored(p) : `${napiIdent(p.name).ident}: ${stored(p)}`))];
    const callArgs = [...(target.receiver ? ["&*self.inner"] : []), ...c.params.map((p) => coreArg(p, `self.${napiIdent(p.name).ident}`))];
    const tsRet = c.returns.kind === "array" ? `Promise<Array<${jsType(c.returns.of)}>>` : `Promise<${ret}>`;
    const fnParams = [...(selfArg ? [selfArg] : []), ...params];
    const resolve = c.returns.kind === "array" ? "|v| v.into_iter().map(Into::into).collect()" : c.returns.kind === "class" ? `|v| ${resultToJs(c.returns, "v")}` : "Into::into";
    const coreRet = c.returns.kind === "array" ? `Vec<core::${jsType(c.returns.of)}>` : `core::${jsType(c.returns)}`;
    return `${doc}${ind}#[napi(ts_return_type = "${tsRet}")]
${ind}pub fn ${rust.ident(c.name)}(${fnParams.join(", ")}) -> AsyncTask<${target.taskName}> {
${ind}    AsyncTask::new(${target.taskName} { ${init.join(", ")} })
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
  const callArgs = [...(target.receiver ? ["&*self.inner"] : []), ...c.params.map((p) => (p.type.kind === "vector" ? `&vector_arg(&${napiIdent(p.name).ident})` : coreArg(p, napiIdent(p.name).ident)))];
  const call = `${target.call}(${callArgs.join(", ")})`;
  if (!c.fallible) {
    const fnParams = [...(selfArg ? [selfArg] : []), ...params];
    const arrow = ret === "()" ? "" : ` -> ${ret}`;
    return `${doc}${ind}#[napi]\n${ind}pub fn ${rust.ident(c.name)}(${fnParams.join(", ")})${arrow} {\n${ind}    ${toJs(c.returns, call)}\n${ind}}\n`;
  }
  const fnParams = [...(selfArg ? [selfArg] : []), "env: Env", ...params];
  const map = toJs(c.returns, "v") === "v" ? "" : `.map(|v| ${toJs(c.returns, "v")})`;
  return `${doc}${ind}#[napi]\n${ind}pub fn ${rust.ident(c.name)}(${fnParams.join(", ")}) -> Result<${ret}> {\n${ind}    ${call}${map}.map_err(|e| throw(&env, e))\n${ind}}\n`;
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
    const params = c.ctor.params.map((p) => `${napiIdent(p.name).ident}: ${argType(p)}`);
    const args = c.ctor.params.map((p) => (p.type.kind === "class" ? `${napiIdent(p.name).ident}.inner.clone()` : p.optional ? `${napiIdent(p.name).ident}.unwrap_or_default().into()` : `${napiIdent(p.name).ident}.into()`));
    items.push(`${docLines(c.ctor.doc, "    ")}    #[napi(constructor)]
    pub fn new(env: Env, ${params.join(", ")}) -> Result<Self> {
        <core::${c.name} as ${c.name}Api>::new(${args.join(", ")})
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
use mullama_core::{ContextApi, FunctionsApi, ModelApi};
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
`;

export function emitNapi(s: Schema, header: string): string {
  const paramTypes = [...s.classes.flatMap((c) => [...(c.ctor?.params ?? []), ...c.methods.flatMap((m) => m.params)]), ...s.functions.flatMap((f) => f.params)].map((p) => p.type);
  const isInput = (r: RecordDef) => paramTypes.some((t) => t.kind === "record" && t.name === r.name);
  return [
    `${header}\n//\n// napi-rs glue over mullama-core: one #[napi] item per IDL item, conversions and calls only.\n// Async instance methods enter the core without blocking and settle their promise from the\n// core's completion; async static and free calls are AsyncTasks on the libuv pool.\n${RUNTIME}`,
    ...s.enums.map(emitEnum),
    ...s.records.map((r) => (isInput(r) ? emitInputRecord(r) : emitOutputRecord(r))),
    ...s.classes.map(emitClass),
    emitFunctions(s.functions),
  ].join("\n");
}
