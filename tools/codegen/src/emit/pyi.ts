// Schema -> packages/python-gen/python/mullama/_native.pyi: the type stubs of the pyo3 module,
// checked against the built module by `mypy.stubtest` in the Python tests.

import { python } from "../names.ts";
import type { Callable, ClassDef, Doc, EnumDef, Field, RecordDef, Schema, TypeRef } from "../schema.ts";
import { recordRoles } from "./pyo3.ts";
import { isContextManager } from "../schema.ts";

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ");
const docstring = (doc: Doc, indent: string) => (doc.text ? `\n${indent}"""${oneLine(doc.text)}"""` : " ...");
const errorClass = (code: string) => code.split("_").map((w) => w[0] + w.slice(1).toLowerCase()).join("") + "Error";
const SECTION = (name: string) => `# ${name} ${"-".repeat(92 - name.length)}`;

function pyType(t: TypeRef, arg = false): string {
  switch (t.kind) {
    case "prim":
      return { string: "str", bool: "bool", u32: "int", u64: "int", usize: "int", f32: "float" }[t.name];
    case "vector":
      return arg ? "_VectorLike" : "_Vector";
    case "quantized":
      return "_QuantizedVector";
    case "comparable":
      return "Embedding | _VectorLike";
    case "enum":
      return arg ? `${t.name} | str` : t.name;
    case "record":
    case "class":
      return t.name;
    case "array":
      return arg ? `Sequence[${pyType(t.of, arg)}]` : `list[${pyType(t.of)}]`;
    case "void":
      return "None";
  }
}

function emitEnum(e: EnumDef): string {
  const members = e.members.map((m) => `    ${m.name} = ${JSON.stringify(m.value)}${m.doc.text ? `\n    """${oneLine(m.doc.text)}"""` : ""}`);
  return `class ${e.name}(str, enum.Enum):\n    """${oneLine(e.doc.text)}"""\n\n    def __new__(cls, value: str) -> Self: ...\n\n${members.join("\n")}\n`;
}

function emitInputRecord(r: RecordDef): string {
  const plain = r.fields.filter((f) => f.type.kind !== "enum");
  const enums = r.fields.filter((f) => f.type.kind === "enum");
  // An optional field without an IDL default is `None` until set: the core decides then.
  const unset = (f: Field) => f.optional && !f.default;
  const orNone = (f: Field) => (unset(f) ? " | None" : "");
  const lines = plain.map((f) => `    ${python.ident(f.name)}: ${pyType(f.type)}${orNone(f)}${f.doc.text ? `\n    """${oneLine(f.doc.text)}"""` : ""}`);
  const props = enums.map((f) => {
    const n = python.ident(f.name);
    return `    @property\n    def ${n}(self) -> ${pyType(f.type)}${orNone(f)}:${docstring(f.doc, "        ")}\n    @${n}.setter\n    def ${n}(self, value: ${pyType(f.type, true)}${orNone(f)}) -> None: ...`;
  });
  const pyDefault = (f: Field) => (f.default?.kind === "bool" ? (f.default.value ? "True" : "False") : f.default?.kind === "number" ? String(f.default.value) : "None");
  const args = r.fields.map((f) => `        ${python.ident(f.name)}: ${pyType(f.type, true)}${f.type.kind === "enum" || unset(f) ? " | None" : ""} = ${pyDefault(f)},`);
  const noneMeans = enums.filter((f) => f.default).map((f) => `\`${python.ident(f.name)}=None\` means \`${(f.default as { enumName: string; member: string }).enumName}.${(f.default as { member: string }).member}\``).join("; ");
  return `@final\nclass ${r.name}:\n    """${oneLine(r.doc.text)}"""\n\n${lines.join("\n")}\n${props.join("\n")}\n    def __new__(\n        cls,\n        *,\n${args.join("\n")}\n    ) -> Self:${noneMeans ? `\n        """${noneMeans}."""` : " ..."}\n`;
}

function emitOutputRecord(r: RecordDef): string {
  const props = r.fields.map((f) => {
    const t = f.optional && !f.default ? `${pyType(f.type)} | None` : pyType(f.type);
    return `    @property\n    def ${python.ident(f.name)}(self) -> ${t}:${docstring(f.doc, "        ")}`;
  });
  return `@final\nclass ${r.name}:\n    """${oneLine(r.doc.text)}"""\n\n${props.join("\n")}\n`;
}

/** Python parameters of a callable: options records flattened into keyword arguments. */
function params(c: Callable, records: Map<string, RecordDef>): string[] {
  const out: string[] = [];
  for (const p of c.params) {
    if (p.type.kind === "record" && p.optional) {
      out.push("*");
      for (const f of records.get(p.type.name)!.fields) out.push(`${python.ident(f.name)}: ${pyType(f.type, true)} | None = None`);
    } else out.push(`${python.ident(p.name)}: ${pyType(p.type, true)}${p.optional ? " | None = None" : ""}`);
  }
  return out;
}

function defaultsNote(c: Callable, records: Map<string, RecordDef>): string {
  const notes = c.params
    .filter((p) => p.type.kind === "record" && p.optional)
    .flatMap((p) => records.get((p.type as { name: string }).name)!.fields.filter((f) => f.default?.kind === "enum"))
    .map((f) => `\`${python.ident(f.name)}=None\` means \`${(f.default as { enumName: string }).enumName}.${(f.default as { member: string }).member}\`.`);
  return notes.length ? ` ${notes.join(" ")}` : "";
}

function emitCallable(c: Callable, records: Map<string, RecordDef>, indent: string, self: boolean, decorator = ""): string {
  const ps = [...(self ? ["self"] : []), ...params(c, records)].join(", ");
  const ret = pyType(c.returns);
  const doc = c.doc.text ? `\n${indent}    """${oneLine(c.doc.text)}${defaultsNote(c, records)}"""` : " ...";
  const deco = decorator ? `${indent}${decorator}\n` : "";
  const out = [`${deco}${indent}def ${python.ident(c.name)}(${ps}) -> ${ret}:${doc}`];
  if (c.isAsync) out.push(`${deco}${indent}def ${python.ident(c.name)}_async(${ps}) -> asyncio.Future[${ret}]:${doc}`);
  return out.join("\n");
}

function emitClass(c: ClassDef, records: Map<string, RecordDef>): string {
  const items: string[] = [];
  if (c.ctor) items.push(`    def __new__(cls, ${c.ctor.params.map((p) => `${python.ident(p.name)}: ${pyType(p.type)}${p.optional ? " | None = None" : ""}`).join(", ")}) -> Self: ...`);
  for (const m of c.methods) items.push(emitCallable(m, records, "    ", !m.isStatic, m.isStatic ? "@staticmethod" : ""));
  for (const g of c.getters) items.push(`    @property\n    def ${python.ident(g.name)}(self) -> ${pyType(g.type)}:${docstring(g.doc, "        ")}`);
  if (isContextManager(c)) {
    items.push(`    def __enter__(self) -> ${c.name}: ...\n    def __exit__(\n        self,\n        *_args: type[BaseException] | BaseException | TracebackType | None,\n    ) -> bool: ...`);
  }
  return `@final\nclass ${c.name}:\n    """${oneLine(c.doc.text)}"""\n\n${items.join("\n")}\n`;
}

/** Every public name of the native module, in stub order. */
function publicNames(s: Schema): string[] {
  const { flattened } = recordRoles(s);
  const codes = s.enums.find((e) => e.name === "ErrorCode")!.members;
  return [
    "__version__",
    "MullamaError",
    ...codes.map((m) => errorClass(m.value)),
    ...s.enums.map((e) => e.name),
    ...s.records.filter((r) => !flattened.has(r.name)).map((r) => r.name),
    ...s.classes.map((c) => c.name),
    ...s.functions.flatMap((f) => [python.ident(f.name), ...(f.isAsync ? [`${python.ident(f.name)}_async`] : [])]),
  ];
}

/** `mullama/__init__.py`: re-exports the native module's public names, listed explicitly so
 * type checkers and stubtest see them. */
export function emitInit(s: Schema, header: string): string {
  const names = publicNames(s);
  return `${header}
"""mullama: text embeddings with GGUF models on llama.cpp.

The same API as the Node, Rust and CLI front ends. Everything comes from the native module, which
is generated from the IDL in packages/api-spec; this file only re-exports it under \`mullama\`.

    from mullama import Model, Context, ContextParams

    model = Model.load("./embedding-model.gguf")
    context = Context(model, ContextParams(embeddings=True))
    embedding = context.get_embedding("Hello, world!")   # embedding.data: numpy float32
"""

from ._native import (
${names.map((n) => `    ${n},`).join("\n")}
)

__all__ = [
${names.map((n) => `    ${JSON.stringify(n)},`).join("\n")}
]
`;
}

export function emitPyi(s: Schema, header: string): string {
  const records = new Map(s.records.map((r) => [r.name, r]));
  const { ctorInputs, flattened } = recordRoles(s);
  const codes = s.enums.find((e) => e.name === "ErrorCode")!.members;
  const names = publicNames(s);
  return `${header}
"""Type stubs of \`mullama._native\`, the pyo3 glue generated from the IDL."""

import asyncio
import enum
from collections.abc import Sequence
from types import TracebackType
from typing import Self, TypeAlias, Union, final

import numpy as np
import numpy.typing as npt

__version__: str

__all__ = [
${names.map((n) => `    ${JSON.stringify(n)},`).join("\n")}
]

_Vector: TypeAlias = npt.NDArray[np.float32]
"""A dense float32 vector (numpy array)."""

_VectorLike: TypeAlias = Union[npt.ArrayLike, Sequence[float]]
"""What a \`Vector\` argument accepts: any 1-D numpy array or sequence of numbers."""

_QuantizedVector: TypeAlias = Union[npt.NDArray[np.int8], npt.NDArray[np.uint8]]
"""A quantized vector: numpy int8 (\`int8\`, \`binary\`) or uint8 (\`uint8\`, \`ubinary\`)."""

${SECTION("enums")}

${s.enums.map(emitEnum).join("\n")}
${SECTION("errors")}

class MullamaError(Exception):
    """Base class of every mullama error; \`code\` is the stable error code string."""

    code: str

${codes.map((m) => `class ${errorClass(m.value)}(MullamaError):\n    """${oneLine(m.doc.text)}"""\n`).join("\n")}
${SECTION("records")}

${[...s.records.filter((r) => ctorInputs.has(r.name)).map(emitInputRecord), ...s.records.filter((r) => !ctorInputs.has(r.name) && !flattened.has(r.name)).map(emitOutputRecord)].join("\n")}
${SECTION("classes")}

${s.classes.map((c) => emitClass(c, records)).join("\n")}
${SECTION("functions")}

${s.functions.map((f) => emitCallable(f, records, "", false)).join("\n\n")}
`;
}
