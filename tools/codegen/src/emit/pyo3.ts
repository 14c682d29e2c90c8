// Schema -> packages/python-gen/native/src/generated/glue.rs: the pyo3 layer of the pip package.
// One Python item per IDL item; conversions and calls into the core's generated traits only.
// Inputs become owned Rust values, then the GIL is released (`py.detach`) for the whole call.
// Async IDL calls get a sync method plus `<name>_async` returning an asyncio future, settled
// from the core's completion (instance methods) or from a thread of its own (static, free).
// Records: a constructor's record param is a keyword-only pyclass; a method's optional record
// param is flattened into keyword arguments; returned records are frozen pyclasses.

import { readFileSync } from "node:fs";
import { python, rust, snake } from "../names.ts";
import type { Callable, ClassDef, EnumDef, Field, Param, RecordDef, Schema, TypeRef } from "../schema.ts";
import { docLines } from "./rust.ts";
import { isContextManager, traitImports } from "../schema.ts";

const SEP = "// ---------------------------------------------------------------------------------------------";
const RUNTIME = readFileSync(new URL("./pyo3_runtime.rs.tmpl", import.meta.url), "utf8").split("\n").slice(1).join("\n");
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ");

/** Rust ident of a field/param (Python name = the same without `r#`). */
const id = (name: string) => rust.ident(name);
const enumHelpers = (name: string) => ({ statik: snake(name).toUpperCase(), add: `add_${snake(name)}`, arg: `${snake(name)}_arg`, ret: `${snake(name)}_ret` });

/** IDL unsigned integers: checked by the runtime's `int_arg`, which names the argument and range. */
const isInt = (t: TypeRef) => t.kind === "prim" && (t.name === "u32" || t.name === "usize" || t.name === "u64");
const intMax = (t: TypeRef) => ((t as { name: string }).name === "u64" ? "u64::MAX" : "u32::MAX as u64");
const intArg = (t: TypeRef, v: string, name: string) => `int_arg(${v}, ${JSON.stringify(name)}, ${intMax(t)})? as ${outType(t)}`;
const isText = (t: TypeRef) => t.kind === "prim" && t.name === "string";

function emitEnum(e: EnumDef): string {
  const h = enumHelpers(e.name);
  return `${SEP}
// enum ${e.name}

static ${h.statik}: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn ${h.add}(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let class = add_enum(m, ${JSON.stringify(e.name)}, ${JSON.stringify(oneLine(e.doc.text))}, &[${e.members.map((x) => `(${JSON.stringify(x.name)}, core::${e.name}::${x.name}.as_str())`).join(", ")}])?;
    let _ = ${h.statik}.set(m.py(), class);
    Ok(())
}

fn ${h.arg}(v: &Bound<'_, PyAny>) -> PyResult<core::${e.name}> {
    enum_arg(v, core::${e.name}::parse)
}

fn ${h.ret}(py: Python<'_>, v: core::${e.name}) -> PyResult<Py<PyAny>> {
    enum_ret(py, &${h.statik}, v.as_str())
}
`;
}

/** The stored Rust type of an output-record field. */
function outType(t: TypeRef): string {
  switch (t.kind) {
    case "prim":
      return { string: "String", bool: "bool", u32: "u32", u64: "u64", usize: "usize", f32: "f32" }[t.name];
    case "vector":
      return "Py<PyArray1<f32>>";
    case "quantized":
      return "Py<PyAny>";
    case "enum":
      return "Py<PyAny>";
    default:
      throw new Error(`pyo3 emitter: output field of kind ${t.kind} is not supported`);
  }
}

/** Converts core value `e` of type `t` for an output record. */
function outConv(t: TypeRef, e: string): string {
  if (t.kind === "vector") return `vector_ret(py, ${e})`;
  if (t.kind === "quantized") return `quantized_ret(py, ${e})`;
  if (t.kind === "enum") return `${enumHelpers(t.name).ret}(py, ${e})?`;
  return e;
}

function emitOutputRecord(r: RecordDef): string {
  const optional = (f: Field) => f.optional && !f.default;
  const fields = r.fields.map((f) => `${docLines(f.doc, "    ")}    pub ${id(f.name)}: ${optional(f) ? `Option<${outType(f.type)}>` : outType(f.type)},`);
  const conv = r.fields.map((f) => {
    const src = `v.${id(f.name)}`;
    if (optional(f) && outConv(f.type, "x") !== "x") return `            ${id(f.name)}: match ${src} {\n                Some(x) => Some(${outConv(f.type, "x")}),\n                None => None,\n            },`;
    return `            ${id(f.name)}: ${outConv(f.type, src)},`;
  });
  const names = r.fields.map((f) => JSON.stringify(python.ident(f.name)));
  return `${SEP}
// record ${r.name} (output record: frozen, read-only fields)

${docLines(r.doc)}#[pyclass(module = "mullama", name = ${JSON.stringify(r.name)}, frozen, get_all)]
pub struct ${r.name} {
${fields.join("\n")}
}

impl ${r.name} {
    fn from_core(py: Python<'_>, v: core::${r.name}) -> PyResult<Self> {
        Ok(${r.name} {
${conv.join("\n")}
        })
    }
}

#[pymethods]
impl ${r.name} {
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        record_repr(slf.as_any(), ${JSON.stringify(r.name)}, &[${names.join(", ")}])
    }
}
`;
}

function defaultExpr(f: Field): string {
  const d = f.default!;
  return d.kind === "enum" ? `core::${d.enumName}::${d.member}` : String(d.value);
}

function pyDefault(f: Field): string {
  const d = f.default;
  if (!d || d.kind === "enum") return "None";
  return d.kind === "bool" ? (d.value ? "true" : "false") : String(d.value);
}

/**
 * A record passed to a constructor: a keyword-only pyclass. A field with an IDL default takes
 * it; an optional field without one stays `None` (the core then decides, e.g. from the model).
 */
function emitInputRecord(r: RecordDef): string {
  const enumFields = r.fields.filter((f) => f.type.kind === "enum");
  const intFields = r.fields.filter((f) => isInt(f.type));
  // pyo3 calls a `from_py_with` function with the value only: one per field, to name it.
  const intHelper = (f: Field) => `${snake(r.name)}_${snake(f.name)}_arg`;
  const unset = (f: Field) => f.optional && !f.default;
  const fields = r.fields.map((f) => {
    const attr = f.type.kind === "enum" || isInt(f.type) ? "" : "    #[pyo3(get, set)]\n";
    const base = f.type.kind === "enum" ? `core::${(f.type as { name: string }).name}` : outType(f.type);
    return `${docLines(f.doc, "    ")}${attr}    pub ${id(f.name)}: ${unset(f) ? `Option<${base}>` : base},`;
  });
  const sig = r.fields.map((f) => `${id(f.name)} = ${unset(f) ? "None" : pyDefault(f)}`).join(", ");
  const args = r.fields.map((f) => {
    if (f.type.kind === "enum") return `${id(f.name)}: Option<Bound<'_, PyAny>>`;
    if (isInt(f.type) && !unset(f)) return `#[pyo3(from_py_with = ${intHelper(f)})] ${id(f.name)}: ${outType(f.type)}`;
    if (isInt(f.type)) return `${id(f.name)}: Option<Bound<'_, PyAny>>`;
    return `${id(f.name)}: ${unset(f) ? `Option<${outType(f.type)}>` : outType(f.type)}`;
  });
  const init = r.fields.map((f) => {
    if (isInt(f.type) && unset(f)) return `            ${id(f.name)}: match ${id(f.name)} {\n                Some(v) => Some(${intHelper(f)}(&v)?),\n                None => None,\n            },`;
    if (f.type.kind !== "enum") return `            ${id(f.name)},`;
    const arg = enumHelpers(f.type.name).arg;
    return unset(f)
      ? `            ${id(f.name)}: match ${id(f.name)} {\n                Some(v) => Some(${arg}(&v)?),\n                None => None,\n            },`
      : `            ${id(f.name)}: match ${id(f.name)} {\n                Some(v) => ${arg}(&v)?,\n                None => ${defaultExpr(f)},\n            },`;
  });
  const accessors = enumFields.map((f) => {
    const h = enumHelpers((f.type as { name: string }).name);
    if (unset(f))
      return `    #[getter]
    fn get_${snake(f.name)}(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.${id(f.name)}.map(|v| ${h.ret}(py, v)).transpose()
    }

    #[setter]
    fn set_${snake(f.name)}(&mut self, v: Option<Bound<'_, PyAny>>) -> PyResult<()> {
        self.${id(f.name)} = match v {
            Some(v) => Some(${h.arg}(&v)?),
            None => None,
        };
        Ok(())
    }
`;
    return `    #[getter]
    fn get_${snake(f.name)}(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ${h.ret}(py, self.${id(f.name)})
    }

    #[setter]
    fn set_${snake(f.name)}(&mut self, v: Bound<'_, PyAny>) -> PyResult<()> {
        self.${id(f.name)} = ${h.arg}(&v)?;
        Ok(())
    }
`;
  });
  for (const f of intFields) {
    const t = outType(f.type);
    accessors.push(unset(f)
      ? `    #[getter]
    fn get_${snake(f.name)}(&self) -> Option<${t}> {
        self.${id(f.name)}
    }

    #[setter]
    fn set_${snake(f.name)}(&mut self, v: Option<Bound<'_, PyAny>>) -> PyResult<()> {
        self.${id(f.name)} = match v {
            Some(v) => Some(${intHelper(f)}(&v)?),
            None => None,
        };
        Ok(())
    }
`
      : `    #[getter]
    fn get_${snake(f.name)}(&self) -> ${t} {
        self.${id(f.name)}
    }

    #[setter]
    fn set_${snake(f.name)}(&mut self, v: Bound<'_, PyAny>) -> PyResult<()> {
        self.${id(f.name)} = ${intHelper(f)}(&v)?;
        Ok(())
    }
`);
  }
  const helpers = intFields.map((f) => `fn ${intHelper(f)}(v: &Bound<'_, PyAny>) -> PyResult<${outType(f.type)}> {\n    Ok(${intArg(f.type, "v", python.ident(f.name))})\n}\n`).join("\n");
  return `${SEP}
// record ${r.name} (input record with defaults: keyword-only constructor, mutable fields)

${helpers}
${docLines(r.doc)}#[pyclass(module = "mullama", name = ${JSON.stringify(r.name)})]
#[derive(Clone)]
pub struct ${r.name} {
${fields.join("\n")}
}

#[pymethods]
impl ${r.name} {
    #[new]
    #[pyo3(signature = (*, ${sig}))]
    fn new(${args.join(", ")}) -> PyResult<Self> {
        Ok(${r.name} {
${init.join("\n")}
        })
    }

${accessors.join("\n")}
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        record_repr(slf.as_any(), ${JSON.stringify(r.name)}, &[${r.fields.map((f) => JSON.stringify(python.ident(f.name))).join(", ")}])
    }
}

impl ${r.name} {
    fn to_core(&self) -> core::${r.name} {
        core::${r.name} {
${r.fields.map((f) => `            ${id(f.name)}: self.${id(f.name)},`).join("\n")}
        }
    }
}
`;
}

/** The name of the converter of a result type. */
function retFn(t: TypeRef): string {
  if (t.kind === "array") return `${snake((t.of as { name: string }).name)}_list_ret`;
  return `${snake((t as { name: string }).name)}_ret`;
}

function emitRetFns(types: TypeRef[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of types) {
    const name = retFn(t);
    if (seen.has(name)) continue;
    seen.add(name);
    if (t.kind === "class") out.push(`fn ${name}(py: Python<'_>, v: core::${t.name}) -> PyResult<Py<PyAny>> {\n    Ok(Py::new(py, ${t.name} { inner: Arc::new(v) })?.into_any())\n}\n`);
    else if (t.kind === "record") out.push(`fn ${name}(py: Python<'_>, v: core::${t.name}) -> PyResult<Py<PyAny>> {\n    Ok(Py::new(py, ${t.name}::from_core(py, v)?)?.into_any())\n}\n`);
    else if (t.kind === "array" && t.of.kind === "record") {
      const one = retFn(t.of);
      if (!seen.has(one)) {
        seen.add(one);
        out.push(`fn ${one}(py: Python<'_>, v: core::${t.of.name}) -> PyResult<Py<PyAny>> {\n    Ok(Py::new(py, ${t.of.name}::from_core(py, v)?)?.into_any())\n}\n`);
      }
      out.push(`fn ${name}(py: Python<'_>, v: Vec<core::${t.of.name}>) -> PyResult<Py<PyAny>> {\n    let list = PyList::empty(py);\n    for x in v {\n        list.append(${one}(py, x)?)?;\n    }\n    Ok(list.into_any().unbind())\n}\n`);
    }
  }
  return `${SEP}\n// Result converters (one per IDL return type), used by sync and async variants alike.\n\n${out.join("\n")}`;
}

interface Shape {
  /** `name: Type` parameters of the Rust fn (after py). */
  params: string[];
  /** pyo3 signature entries. */
  sig: string[];
  /** Statements that turn Python arguments into owned Rust values. */
  prep: string[];
  /** Arguments of the core call. */
  call: string[];
}

/** How a callable's params look in Python and how they reach the core. `lt` is the lifetime. */
function shape(c: Callable, records: Map<string, RecordDef>, lt: string): Shape {
  const s: Shape = { params: [], sig: [], prep: [], call: [] };
  for (const p of c.params) {
    const n = id(p.name);
    if (p.type.kind === "record" && p.optional) {
      // An options record is flattened into keyword arguments.
      const r = records.get(p.type.name)!;
      s.sig.push("*");
      const fields = r.fields.map((f) => {
        const fid = id(f.name);
        s.sig.push(`${fid} = None`);
        if (f.type.kind === "enum") {
          s.params.push(`${fid}: Option<Bound<${lt}, PyAny>>`);
          const arg = enumHelpers(f.type.name).arg;
          return f.default
            ? `        ${fid}: match ${fid} {\n            Some(v) => ${arg}(&v)?,\n            None => ${defaultExpr(f)},\n        },`
            : `        ${fid}: match ${fid} {\n            Some(v) => Some(${arg}(&v)?),\n            None => None,\n        },`;
        }
        if (isInt(f.type)) {
          s.params.push(`${fid}: Option<Bound<${lt}, PyAny>>`);
          const some = intArg(f.type, "&v", python.ident(f.name));
          return `        ${fid}: match ${fid} {\n            Some(v) => ${f.default ? some : `Some(${some})`},\n            None => ${f.default ? defaultExpr(f) : "None"},\n        },`;
        }
        if (f.type.kind === "vector") {
          s.params.push(`${fid}: Option<Bound<${lt}, PyAny>>`);
          return `        ${fid}: match ${fid} {\n            Some(v) => Some(vector_arg(&v)?),\n            None => None,\n        },`;
        }
        s.params.push(`${fid}: Option<${outType(f.type)}>`);
        return f.default ? `        ${fid}: ${fid}.unwrap_or(${defaultExpr(f)}),` : `        ${fid},`;
      });
      s.prep.push(`    let ${n} = core::${r.name} {\n${fields.join("\n")}\n    };`);
      s.call.push(n);
    } else if (p.type.kind === "vector") {
      s.params.push(`${n}: Bound<${lt}, PyAny>`);
      s.sig.push(n);
      s.prep.push(`    let ${n} = vector_arg(&${n})?;`);
      s.call.push(`&${n}`);
    } else if (p.type.kind === "comparable" || p.type.kind === "quantized" || (p.type.kind === "array" && p.type.of.kind === "vector")) {
      const conv = p.type.kind === "comparable" ? "compared_arg" : p.type.kind === "quantized" ? "quantized_arg" : "vectors_arg";
      s.params.push(`${n}: Bound<${lt}, PyAny>`);
      s.sig.push(n);
      s.prep.push(`    let ${n} = ${conv}(&${n})?;`);
      s.call.push(p.type.kind === "comparable" ? `core::Compared { data: &${n}.0, space: ${n}.1.as_deref() }` : `&${n}`);
    } else if (isText(p.type) && !p.optional) {
      s.params.push(`${n}: Bound<${lt}, PyAny>`);
      s.sig.push(n);
      s.prep.push(`    let ${n} = text_arg(&${n})?;`);
      s.call.push(`&${n}`);
    } else if (isInt(p.type)) {
      s.params.push(p.optional ? `${n}: Option<Bound<${lt}, PyAny>>` : `${n}: Bound<${lt}, PyAny>`);
      s.sig.push(p.optional ? `${n} = None` : n);
      const one = intArg(p.type, "&v", python.ident(p.name));
      s.prep.push(p.optional ? `    let ${n} = match ${n} {\n        Some(v) => Some(${one}),\n        None => None,\n    };` : `    let ${n} = ${intArg(p.type, `&${n}`, python.ident(p.name))};`);
      s.call.push(n);
    } else if (p.type.kind === "array" && isText(p.type.of)) {
      s.params.push(`${n}: Bound<${lt}, PyAny>`);
      s.sig.push(n);
      s.prep.push(`    let ${n} = texts_arg(&${n})?;`);
      s.call.push(`&${n}`);
    } else if (p.type.kind === "prim") {
      // Numbers and bools: pyo3 checks the Python type (and the range, for unsigned ints).
      s.params.push(p.optional ? `${n}: Option<${outType(p.type)}>` : `${n}: ${outType(p.type)}`);
      s.sig.push(p.optional ? `${n} = None` : n);
      s.call.push(n);
    } else if (p.type.kind === "enum") {
      s.params.push(p.optional ? `${n}: Option<Bound<${lt}, PyAny>>` : `${n}: Bound<${lt}, PyAny>`);
      s.sig.push(p.optional ? `${n} = None` : n);
      const arg = enumHelpers(p.type.name).arg;
      s.prep.push(p.optional ? `    let ${n} = match ${n} {\n        Some(v) => Some(${arg}(&v)?),\n        None => None,\n    };` : `    let ${n} = ${arg}(&${n})?;`);
      s.call.push(n);
    } else if (p.type.kind === "array" && p.type.of.kind === "prim") {
      s.params.push(`${n}: Vec<${outType(p.type.of)}>`);
      s.sig.push(n);
      s.call.push(`&${n}`);
    } else {
      throw new Error(`pyo3 emitter: parameter ${c.name}.${p.name} of kind ${p.type.kind} is not supported`);
    }
  }
  return s;
}

const indent = (text: string, by: string) => text.split("\n").map((l) => (l ? by + l : l)).join("\n");

/** The sync and (for async IDL calls) `_async` Rust fns of a callable. */
function emitCallable(c: Callable, records: Map<string, RecordDef>, target: { call: string; self: boolean; attrs: string[] }): string {
  const name = id(c.name);
  const doc = docLines(c.doc);
  const recv = target.self ? "&self, " : "";
  const inner = target.self ? "    let inner = self.inner.clone();\n" : "";
  const out: string[] = [];
  {
    const s = shape(c, records, "'_");
    const call = `${target.call}(${s.call.join(", ")})`;
    const attrs = [...target.attrs, `#[pyo3(signature = (${s.sig.join(", ")}))]`].join("\n");
    let ret: string;
    let body: string;
    if (c.returns.kind === "void" && c.fallible) {
      ret = " -> PyResult<()>";
      body = `${inner}    let out = py.detach(move || ${call});\n    out.map_err(|e| to_py_err(py, e))`;
    } else if (c.returns.kind === "void") {
      ret = "";
      body = `${inner}    py.detach(move || ${call})`;
    } else if (!c.fallible && (c.returns.kind === "record" || c.returns.kind === "class" || c.returns.kind === "array")) {
      ret = " -> PyResult<Py<PyAny>>";
      body = `${inner}    let out = py.detach(move || ${call});\n    ${retFn(c.returns)}(py, out)`;
    } else if (!c.fallible) {
      ret = c.returns.kind === "vector" ? " -> PyResult<Py<PyArray1<f32>>>" : ` -> PyResult<${outType(c.returns)}>`;
      body = `${inner}    let out = py.detach(move || ${call});\n    Ok(${c.returns.kind === "vector" ? "vector_ret(py, out)" : "out"})`;
    } else if (c.returns.kind === "vector") {
      ret = " -> PyResult<Py<PyArray1<f32>>>";
      body = `${inner}    let out = py.detach(move || ${call});\n    Ok(vector_ret(py, out.map_err(|e| to_py_err(py, e))?))`;
    } else if (c.returns.kind === "prim" || (c.returns.kind === "array" && c.returns.of.kind === "prim")) {
      ret = ` -> PyResult<${c.returns.kind === "array" ? `Vec<${outType(c.returns.of)}>` : outType(c.returns)}>`;
      body = `${inner}    let out = py.detach(move || ${call});\n    out.map_err(|e| to_py_err(py, e))`;
    } else {
      ret = " -> PyResult<Py<PyAny>>";
      body = `${inner}    let out = py.detach(move || ${call});\n    ${retFn(c.returns)}(py, out.map_err(|e| to_py_err(py, e))?)`;
    }
    const params = [`py: Python<'_>`, ...s.params].join(", ");
    out.push(`${doc}${attrs}\nfn ${name}(${recv}${params})${ret} {\n${s.prep.join("\n")}${s.prep.length ? "\n" : ""}${body}\n}\n`);
  }
  if (c.isAsync) {
    const s = shape(c, records, "'py");
    const call = `${target.call}(${s.call.join(", ")})`;
    const attrs = [...target.attrs, `#[pyo3(signature = (${s.sig.join(", ")}))]`].join("\n");
    const params = [`py: Python<'py>`, ...s.params].join(", ");
    // An instance method enters the core's non-blocking form (NAME_submit, owned arguments);
    // static and free calls (loading, converting) run on a thread of their own.
    const entry = target.self
      ? `submit_future(py, move |done| inner.${name}_submit(${[...s.call.map((a) => a.replace(/^&/, "")), "done"].join(", ")}), ${retFn(c.returns)})`
      : `spawn_future(py, move || ${call}, ${retFn(c.returns)})`;
    out.push(`${doc}${attrs}\nfn ${name}_async<'py>(${recv}${params}) -> PyResult<Bound<'py, PyAny>> {\n${s.prep.join("\n")}${s.prep.length ? "\n" : ""}${inner}    ${entry}\n}\n`);
  }
  return out.join("\n");
}

function emitClass(c: ClassDef, records: Map<string, RecordDef>): string {
  const items: string[] = [];
  if (c.ctor) {
    const sig = c.ctor.params.map((p) => (p.optional ? `${id(p.name)} = None` : id(p.name)));
    const params = c.ctor.params.map((p) => (p.optional ? `${id(p.name)}: Option<PyRef<'_, ${(p.type as { name: string }).name}>>` : `${id(p.name)}: PyRef<'_, ${(p.type as { name: string }).name}>`));
    const prep = c.ctor.params.map((p) =>
      p.type.kind === "class"
        ? `    let ${id(p.name)} = ${id(p.name)}.inner.clone();`
        : `    let ${id(p.name)} = match ${id(p.name)} {\n        Some(p) => p.to_core(),\n        None => core::${(p.type as { name: string }).name}::default(),\n    };`,
    );
    items.push(`${docLines(c.ctor.doc)}#[new]
#[pyo3(signature = (${sig.join(", ")}))]
fn new(py: Python<'_>, ${params.join(", ")}) -> PyResult<Self> {
${prep.join("\n")}
    let out = py.detach(move || <core::${c.name} as ${c.name}Api>::new(${c.ctor.params.map((p) => id(p.name)).join(", ")}));
    Ok(${c.name} { inner: Arc::new(out.map_err(|e| to_py_err(py, e))?) })
}
`);
  }
  for (const m of c.methods) {
    if (m.isStatic) items.push(emitCallable(m, records, { call: `<core::${c.name} as ${c.name}Api>::${id(m.name)}`, self: false, attrs: ["#[staticmethod]"] }));
    else items.push(emitCallable(m, records, { call: `inner.${id(m.name)}`, self: true, attrs: [] }));
  }
  for (const g of c.getters) {
    if (g.type.kind !== "record") throw new Error(`pyo3 emitter: getter ${c.name}.${g.name} must return a record`);
    items.push(`${docLines(g.doc)}#[getter]\nfn ${id(g.name)}(&self, py: Python<'_>) -> PyResult<${g.type.name}> {\n    ${g.type.name}::from_core(py, ${c.name}Api::${id(g.name)}(&*self.inner))\n}\n`);
  }
  if (isContextManager(c)) {
    items.push(`// A class with an infallible \`close()\` is a context manager.
fn __enter__(slf: Py<Self>) -> Py<Self> {
    slf
}

#[pyo3(signature = (*_args))]
fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> bool {
    self.close(py);
    false
}
`);
  }
  return `${SEP}
// class ${c.name}

${docLines(c.doc)}#[pyclass(module = "mullama", name = ${JSON.stringify(c.name)}, frozen)]
pub struct ${c.name} {
    pub inner: Arc<core::${c.name}>,
}

#[pymethods]
impl ${c.name} {
${indent(items.join("\n"), "    ")}
}
`;
}

/** Records passed to a constructor become pyclasses; optional method params are flattened. */
export function recordRoles(s: Schema): { ctorInputs: Set<string>; flattened: Set<string> } {
  const ctorInputs = new Set(s.classes.flatMap((c) => c.ctor?.params ?? []).filter((p) => p.type.kind === "record").map((p) => (p.type as { name: string }).name));
  const flattened = new Set(
    [...s.classes.flatMap((c) => c.methods.flatMap((m) => m.params)), ...s.functions.flatMap((f) => f.params)]
      .filter((p: Param) => p.type.kind === "record" && p.optional)
      .map((p) => (p.type as { name: string }).name),
  );
  return { ctorInputs, flattened };
}

export function emitPyo3(s: Schema, header: string): string {
  const records = new Map(s.records.map((r) => [r.name, r]));
  const { ctorInputs, flattened } = recordRoles(s);
  const returned = [...s.classes.flatMap((c) => c.methods.map((m) => m.returns)), ...s.functions.map((f) => f.returns)].filter((t) => t.kind === "class" || t.kind === "record" || t.kind === "array");
  const funcs = s.functions.map((f) => emitCallable(f, records, { call: `<core::Api as FunctionsApi>::${id(f.name)}`, self: false, attrs: ["#[pyfunction]"] }));
  const register = [
    "add_errors(m)?;",
    "register_exit_hook(m)?;",
    ...s.enums.map((e) => `${enumHelpers(e.name).add}(m)?;`),
    ...s.records.filter((r) => !flattened.has(r.name)).map((r) => `m.add_class::<${r.name}>()?;`),
    ...s.classes.map((c) => `m.add_class::<${c.name}>()?;`),
    ...s.functions.flatMap((f) => [`m.add_function(wrap_pyfunction!(${id(f.name)}, m)?)?;`, ...(f.isAsync ? [`m.add_function(wrap_pyfunction!(${id(f.name)}_async, m)?)?;`] : [])]),
  ];
  return [
    `${header}
//
// pyo3 glue over mullama-core: one Python item per IDL item, conversions and calls only.
// Every core call converts its inputs to owned Rust values, then releases the GIL
// (\`py.detach\`) for the whole call. Async IDL methods get a sync method plus \`<name>_async\`,
// which returns an asyncio future: instance methods enter the core without blocking and the
// core's completion settles the future, so no thread waits per call and concurrent calls share
// decodes; static and free calls settle it from a thread of their own. Nothing here takes a lock.

${RUNTIME.replace("@@TRAITS@@", traitImports(s))}`,
    ...s.enums.map(emitEnum),
    ...s.records.filter((r) => ctorInputs.has(r.name)).map(emitInputRecord),
    ...s.records.filter((r) => !ctorInputs.has(r.name) && !flattened.has(r.name)).map(emitOutputRecord),
    emitRetFns(returned),
    ...s.classes.map((c) => emitClass(c, records)),
    `${SEP}\n// free functions\n\n${funcs.join("\n")}`,
    `${SEP}\n// module\n\npub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {\n${register.map((l) => `    ${l}`).join("\n")}\n    Ok(())\n}\n`,
  ].join("\n");
}
