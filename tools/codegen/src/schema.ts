// The Schema: everything the emitters need to know about the IDL, in one plain data structure.
// Names are kept in the IDL's (Node) spelling; `names.ts` converts them per language, once.

export type Prim = "string" | "bool" | "u32" | "u64" | "usize" | "f32";

export type TypeRef =
  | { kind: "prim"; name: Prim }
  | { kind: "vector" }
  /** `QuantizedVector`: int8 or uint8 values (a core enum, a typed array, a numpy array). */
  | { kind: "quantized" }
  /** `VectorOrEmbedding`, parameters only: a vector, or an embedding whose space is checked. */
  | { kind: "comparable" }
  | { kind: "enum"; name: string }
  | { kind: "record"; name: string }
  | { kind: "class"; name: string }
  | { kind: "array"; of: TypeRef }
  | { kind: "void" };

export interface Doc {
  text: string;
  tags: Record<string, string[]>;
}

export interface EnumMember {
  name: string;
  value: string;
  doc: Doc;
  aliases: string[];
}

export interface EnumDef {
  name: string;
  doc: Doc;
  members: EnumMember[];
}

export type DefaultValue =
  | { kind: "bool"; value: boolean }
  | { kind: "number"; value: number }
  | { kind: "enum"; enumName: string; member: string };

export interface Field {
  name: string;
  type: TypeRef;
  optional: boolean;
  default?: DefaultValue;
  doc: Doc;
}

export interface RecordDef {
  name: string;
  doc: Doc;
  fields: Field[];
}

export interface Param {
  name: string;
  type: TypeRef;
  optional: boolean;
}

export interface Callable {
  name: string;
  doc: Doc;
  params: Param[];
  returns: TypeRef;
  isAsync: boolean;
  fallible: boolean;
}

export interface Method extends Callable {
  isStatic: boolean;
}

export interface Getter {
  name: string;
  doc: Doc;
  type: TypeRef;
}

export interface ClassDef {
  name: string;
  doc: Doc;
  ctor?: { params: Param[]; doc: Doc };
  methods: Method[];
  getters: Getter[];
}

export interface Schema {
  enums: EnumDef[];
  /** Enums tagged `@cli`: known to the `mullama` command and server only (their own error
   * codes), never part of a library surface. Only the CLI emitter reads them. */
  cliEnums: EnumDef[];
  records: RecordDef[];
  classes: ClassDef[];
  functions: Callable[];
}

/** Every public item, for checks that each one is used somewhere (docs, tests). */
export function publicItems(s: Schema): string[] {
  return [
    ...s.enums.map((e) => e.name),
    ...s.records.map((r) => r.name),
    ...s.classes.flatMap((c) => [c.name, ...c.methods.map((m) => `${c.name}.${m.name}`), ...c.getters.map((g) => `${c.name}.${g.name}`)]),
    ...s.functions.map((f) => f.name),
  ];
}

/** A class tagged `@contextManager` (Python `with`); it must have an infallible `close()`. */
export function isContextManager(c: ClassDef): boolean {
  if (!("contextManager" in c.doc.tags)) return false;
  if (!c.methods.some((m) => m.name === "close" && !m.fallible && !m.isAsync && m.params.length === 0)) {
    throw new Error(`IDL: class ${c.name} is tagged @contextManager but has no infallible close()`);
  }
  return true;
}

/** The `use` line that brings every generated trait of the core into scope (one per class, and
 * the free functions'), for glue that calls them by trait name. */
export function traitImports(s: Schema): string {
  return `use mullama_core::api::{${[...s.classes.map((c) => `${c.name}Api`), "FunctionsApi"].sort().join(", ")}};`;
}
