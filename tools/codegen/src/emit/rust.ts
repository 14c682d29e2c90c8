// Schema -> packages/core-native/src/generated/api.rs: the enums, DTOs and traits the core (and
// the `mullama` crate) must implement, so that an IDL change the Rust side lacks fails to compile.

import { rust } from "../names.ts";
import type { Callable, ClassDef, DefaultValue, Doc, EnumDef, Field, Method, Param, RecordDef, Schema, TypeRef } from "../schema.ts";

/** Square brackets outside `code` read as intra-doc links to rustdoc ("[CLS]"): escape them. */
const rustdocText = (line: string) => line.split(/(`[^`]*`)/).map((part, i) => (i % 2 ? part : part.replace(/([[\]])/g, "\\$1"))).join("");

/** `///` lines as written; the napi and pyo3 glue pass them on to TypeScript and Python docs. */
export function docLines(doc: Doc, indent = "", line = (l: string) => l): string {
  if (!doc.text) return "";
  return doc.text.split("\n").map((l) => `${indent}/// ${line(l)}`.trimEnd()).join("\n") + "\n";
}

/** `///` lines for the core crate, which rustdoc renders. */
const rustdocLines = (doc: Doc, indent = "") => docLines(doc, indent, rustdocText);

/** The Rust type of a value that is owned (fields, return values). */
export function ownedType(t: TypeRef): string {
  switch (t.kind) {
    case "prim":
      return { string: "String", bool: "bool", u32: "u32", u64: "u64", usize: "usize", f32: "f32" }[t.name];
    case "vector":
      return "Vec<f32>";
    case "quantized":
      return "crate::QuantizedVector";
    case "comparable":
      throw new Error("rust emitter: VectorOrEmbedding is a parameter type only");
    case "enum":
    case "record":
      return t.name;
    case "class":
      return `std::sync::Arc<crate::${t.name}>`;
    case "array":
      return `Vec<${ownedType(t.of)}>`;
    case "void":
      return "()";
  }
}

/** The Rust type of a parameter: borrowed where that is free for the caller. */
function paramType(p: Param): string {
  const t = p.type;
  if (t.kind === "prim" && t.name === "string") return "&str";
  if (t.kind === "vector") return "&[f32]";
  if (t.kind === "quantized") return "&crate::QuantizedVector";
  if (t.kind === "comparable") return "crate::Compared<'_>";
  if (t.kind === "array") return `&[${ownedType(t.of)}]`;
  return ownedType(t);
}

function fieldType(f: Field): string {
  const base = ownedType(f.type);
  return f.optional && !f.default ? `Option<${base}>` : base;
}

function defaultExpr(d: DefaultValue): string {
  if (d.kind === "enum") return `${d.enumName}::${d.member}`;
  return String(d.value);
}

function emitEnum(e: EnumDef): string {
  const m = e.members;
  const accepted = m.map((x) => x.value).join(", ");
  return `${rustdocLines(e.doc)}#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ${e.name} {
${m.map((x) => `${rustdocLines(x.doc, "    ")}    ${x.name},`).join("\n")}
}

impl ${e.name} {
    /// Every member, in IDL order.
    pub const ALL: [${e.name}; ${m.length}] = [${m.map((x) => `${e.name}::${x.name}`).join(", ")}];

    /// The stable string form shared by every language.
    pub fn as_str(self) -> &'static str {
        match self {
${m.map((x) => `            ${e.name}::${x.name} => ${JSON.stringify(x.value)},`).join("\n")}
        }
    }

    /// Parses the string form (case-insensitive, \`-\` read as \`_\`).
    pub fn parse(s: &str) -> Result<${e.name}> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
${m.map((x) => `            ${[x.value, ...x.aliases].map((v) => JSON.stringify(v.toLowerCase())).join(" | ")} => Ok(${e.name}::${x.name}),`).join("\n")}
            _ => Err(Error::new(ErrorCode::InvalidArgument, format!("unknown ${e.name} {s:?}; expected one of ${accepted}"))),
        }
    }
}

impl std::fmt::Display for ${e.name} {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
`;
}

/** Small plain values are `Copy` in Rust, so options can be passed around without `.clone()`. */
function isCopy(t: TypeRef): boolean {
  return t.kind === "enum" || (t.kind === "prim" && t.name !== "string");
}

function emitRecord(r: RecordDef): string {
  const fields = r.fields.map((f) => `${rustdocLines(f.doc, "    ")}    pub ${rust.ident(f.name)}: ${fieldType(f)},`).join("\n");
  const allDefaultable = r.fields.every((f) => f.optional);
  const anyExplicit = r.fields.some((f) => f.default);
  const derives = ["Debug", "Clone", ...(r.fields.every((f) => isCopy(f.type)) ? ["Copy"] : []), "PartialEq", ...(allDefaultable && !anyExplicit ? ["Default"] : [])];
  let out = `${rustdocLines(r.doc)}#[derive(${derives.join(", ")})]
pub struct ${r.name} {
${fields}
}
`;
  if (allDefaultable && anyExplicit) {
    out += `
impl Default for ${r.name} {
    fn default() -> Self {
        ${r.name} {
${r.fields.map((f) => `            ${rust.ident(f.name)}: ${f.default ? defaultExpr(f.default) : "None"},`).join("\n")}
        }
    }
}
`;
  }
  return out;
}

function signature(c: Callable, receiver: string | null, selfType?: string): string {
  const params = c.params.map((p) => `${rust.ident(p.name)}: ${paramType(p)}`);
  if (receiver) params.unshift(receiver);
  // A class made by a call is returned owned; the binding decides how to share it.
  let ret = c.returns.kind === "class" ? (c.returns.name === selfType ? "Self" : `crate::${c.returns.name}`) : ownedType(c.returns);
  if (c.fallible) ret = `Result<${ret}>`;
  const arrow = ret === "()" ? "" : ` -> ${ret}`;
  return `${rustdocLines(c.doc, "    ")}    fn ${rust.ident(c.name)}(${params.join(", ")})${arrow};`;
}

/** The arguments of a call, as the names of its parameters converted to `paramType` from owned. */
function borrowedArg(p: Param): string {
  const id = rust.ident(p.name);
  if (p.type.kind === "prim" && p.type.name === "string") return `${id}.to_owned()`;
  if (p.type.kind === "vector" || p.type.kind === "array") return `${id}.to_vec()`;
  if (p.type.kind === "quantized") return `${id}.clone()`;
  return id;
}

/**
 * An async instance method (\`Promise<T>\` in the IDL) is entered without blocking: the core
 * implements \`NAME_submit\`, which takes owned arguments and a completion called exactly once
 * (on a worker thread, or before it returns when the call fails at once), and the blocking
 * \`NAME\` is a provided wrapper that waits for it. Bindings resolve promises and futures from
 * the completion, so no thread is parked per call.
 */
function asyncMethod(m: Method): string {
  const owned = m.params.map((p) => `${rust.ident(p.name)}: ${ownedType(p.type)}`);
  const ret = ownedType(m.returns);
  const args = m.params.map(borrowedArg);
  return `${rustdocLines(m.doc, "    ")}    ///
    /// Non-blocking form: \`done\` is called exactly once, with the result.
    fn ${rust.ident(m.name)}_submit(&self, ${[...owned, `done: crate::Completion<${ret}>`].join(", ")});
${rustdocLines(m.doc, "    ")}    ///
    /// Blocking form: waits for [\`Self::${rust.ident(m.name)}_submit\`].
    fn ${rust.ident(m.name)}(${["&self", ...m.params.map((p) => `${rust.ident(p.name)}: ${paramType(p)}`)].join(", ")}) -> Result<${ret}> {
        crate::wait(|done| self.${rust.ident(m.name)}_submit(${[...args, "done"].join(", ")}))
    }`;
}

function emitClassTrait(c: ClassDef): string {
  const items: string[] = [];
  if (c.ctor) {
    items.push(signature({ name: "new", doc: c.ctor.doc, params: c.ctor.params, returns: { kind: "class", name: c.name }, isAsync: false, fallible: true }, null, c.name));
  }
  for (const g of c.getters) items.push(`${rustdocLines(g.doc, "    ")}    fn ${rust.ident(g.name)}(&self) -> ${ownedType(g.type)};`);
  for (const m of c.methods) items.push(m.isAsync && !m.isStatic ? asyncMethod(m) : signature(m, m.isStatic ? null : "&self", c.name));
  return `${rustdocLines(c.doc)}pub trait ${c.name}Api: Sized + Send + Sync + 'static {
${items.join("\n")}
}
`;
}

function emitFunctionsTrait(fns: Callable[]): string {
  return `/// The IDL's free functions.
pub trait FunctionsApi {
${fns.map((f) => signature(f, null)).join("\n")}
}
`;
}

/**
 * The IDL's free functions as plain functions, with the IDL's docs: the \`mullama\` crate
 * re-exports them rather than writing its own copies. (Its \`embedding\` module keeps the
 * seed's number-returning \`cosine_similarity\` and \`dot_product\` beside these.)
 */
function emitFunctionsModule(fns: Callable[]): string {
  const items = fns.map((f) => {
    // A VectorOrEmbedding takes anything that converts: `&[f32]`, `&Vec<f32>`, `&Embedding`.
    const comparable = f.params.some((p) => p.type.kind === "comparable");
    const params = f.params.map((p) => `${rust.ident(p.name)}: ${p.type.kind === "comparable" ? "impl Into<crate::Compared<'a>>" : paramType(p)}`);
    let ret = ownedType(f.returns);
    if (f.fallible) ret = `Result<${ret}>`;
    const arrow = ret === "()" ? "" : ` -> ${ret}`;
    const args = f.params.map((p) => rust.ident(p.name) + (p.type.kind === "comparable" ? ".into()" : ""));
    return `${rustdocLines(f.doc, "    ")}    pub fn ${rust.ident(f.name)}${comparable ? "<'a>" : ""}(${params.join(", ")})${arrow} {
        <crate::Api as super::FunctionsApi>::${rust.ident(f.name)}(${args.join(", ")})
    }`;
  });
  return `/// The IDL's free functions, callable without naming the trait.
pub mod functions {
    use super::*;

${items.join("\n\n")}
}
`;
}

export function emitRust(s: Schema, header: string): string {
  return [
    `${header}
//! The IDL's types and the traits the core implements (see \`crate::api_impl\`).

use crate::error::{Error, Result};
`,
    ...s.enums.map(emitEnum),
    ...s.records.map(emitRecord),
    ...s.classes.map(emitClassTrait),
    emitFunctionsTrait(s.functions),
    emitFunctionsModule(s.functions),
  ].join("\n");
}
