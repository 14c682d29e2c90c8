// api-spec -> Schema, with the TypeScript 5.9 compiler API. Anything the generator does not
// understand is an error naming the line: the IDL must stay within what every language maps.

import ts from "typescript";
import type { Callable, ClassDef, DefaultValue, Doc, EnumDef, Field, Method, Param, Prim, RecordDef, Schema, TypeRef } from "./schema.ts";

const NUMERIC_ALIASES: Record<string, Prim> = { U32: "u32", U64: "u64", Usize: "usize", F32: "f32" };

export function readSchema(file: string): Schema {
  const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length) {
    throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ".", getNewLine: () => "\n" }));
  }
  const source = program.getSourceFile(file)!;
  const enums = new Set<string>();
  const records = new Set<string>();
  const classes = new Set<string>();
  for (const st of source.statements) {
    if (ts.isEnumDeclaration(st)) enums.add(st.name.text);
    if (ts.isInterfaceDeclaration(st)) records.add(st.name.text);
    if (ts.isClassDeclaration(st) && st.name) classes.add(st.name.text);
  }

  const fail = (node: ts.Node, what: string): never => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    throw new Error(`${file}:${line + 1}: ${what}: ${node.getText().slice(0, 80)}`);
  };

  const typeOf = (node: ts.TypeNode | undefined): TypeRef => {
    if (!node) return { kind: "void" };
    if (node.kind === ts.SyntaxKind.StringKeyword) return { kind: "prim", name: "string" };
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return { kind: "prim", name: "bool" };
    if (node.kind === ts.SyntaxKind.VoidKeyword) return { kind: "void" };
    if (ts.isArrayTypeNode(node)) return { kind: "array", of: typeOf(node.elementType) };
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (name in NUMERIC_ALIASES) return { kind: "prim", name: NUMERIC_ALIASES[name] };
      if (name === "Vector") return { kind: "vector" };
      if (name === "QuantizedVector") return { kind: "quantized" };
      if (name === "VectorOrEmbedding") return { kind: "comparable" };
      if (enums.has(name)) return { kind: "enum", name };
      if (records.has(name)) return { kind: "record", name };
      if (classes.has(name)) return { kind: "class", name };
    }
    return fail(node, "type the generator cannot map (use U32/U64/Usize/F32, Vector, QuantizedVector, VectorOrEmbedding, string, boolean, an IDL type or T[])");
  };

  const docOf = (node: ts.Node): Doc => {
    const tags: Record<string, string[]> = {};
    let text = "";
    for (const jsdoc of ts.getJSDocCommentsAndTags(node)) {
      if (!ts.isJSDoc(jsdoc)) continue;
      text = ts.getTextOfJSDocComment(jsdoc.comment) ?? "";
      for (const tag of jsdoc.tags ?? []) {
        (tags[tag.tagName.text] ??= []).push((ts.getTextOfJSDocComment(tag.comment) ?? "").trim());
      }
    }
    return { text: text.trim(), tags };
  };

  const defaultOf = (field: ts.Node, doc: Doc): DefaultValue | undefined => {
    const raw = doc.tags.default?.[0];
    if (raw === undefined) return undefined;
    if (raw === "true" || raw === "false") return { kind: "bool", value: raw === "true" };
    if (/^-?\d+(\.\d+)?$/.test(raw)) return { kind: "number", value: Number(raw) };
    const m = /^(\w+)\.(\w+)$/.exec(raw);
    if (m && enums.has(m[1])) return { kind: "enum", enumName: m[1], member: m[2] };
    return fail(field, `@default ${raw} is not true/false, a number or Enum.Member`);
  };

  const paramsOf = (params: ts.NodeArray<ts.ParameterDeclaration>): Param[] =>
    params.map((p) => ({ name: p.name.getText(), type: typeOf(p.type), optional: !!p.questionToken }));

  const callableOf = (node: ts.MethodDeclaration | ts.FunctionDeclaration): Callable => {
    const doc = docOf(node);
    const isAsync = !!node.type && ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === "Promise";
    const returns = isAsync ? typeOf((node.type as ts.TypeReferenceNode).typeArguments?.[0]) : typeOf(node.type);
    return { name: node.name!.getText(), doc, params: paramsOf(node.parameters), returns, isAsync, fallible: !("infallible" in doc.tags) };
  };

  const schema: Schema = { enums: [], cliEnums: [], records: [], classes: [], functions: [] };
  for (const st of source.statements) {
    if (ts.isTypeAliasDeclaration(st)) continue; // the numeric and vector aliases
    if (ts.isEnumDeclaration(st)) {
      const def: EnumDef = { name: st.name.text, doc: docOf(st), members: [] };
      for (const m of st.members) {
        if (!m.initializer || !ts.isStringLiteral(m.initializer)) fail(m, "enum members need string values");
        const doc = docOf(m);
        def.members.push({ name: m.name.getText(), value: (m.initializer as ts.StringLiteral).text, doc, aliases: doc.tags.alias ?? [] });
      }
      ("cli" in def.doc.tags ? schema.cliEnums : schema.enums).push(def);
    } else if (ts.isInterfaceDeclaration(st)) {
      const def: RecordDef = { name: st.name.text, doc: docOf(st), fields: [] };
      for (const m of st.members) {
        if (!ts.isPropertySignature(m)) fail(m, "records hold only fields");
        const p = m as ts.PropertySignature;
        const doc = docOf(p);
        const field: Field = { name: p.name.getText(), type: typeOf(p.type), optional: !!p.questionToken, doc };
        const dflt = defaultOf(p, doc);
        if (dflt) field.default = dflt;
        def.fields.push(field);
      }
      schema.records.push(def);
    } else if (ts.isClassDeclaration(st) && st.name) {
      const def: ClassDef = { name: st.name.text, doc: docOf(st), methods: [], getters: [] };
      for (const m of st.members) {
        if (ts.isConstructorDeclaration(m)) def.ctor = { params: paramsOf(m.parameters), doc: docOf(m) };
        else if (ts.isMethodDeclaration(m)) {
          const method: Method = { ...callableOf(m), isStatic: !!m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword) };
          def.methods.push(method);
        } else if (ts.isPropertyDeclaration(m)) def.getters.push({ name: m.name.getText(), doc: docOf(m), type: typeOf(m.type) });
        else fail(m, "classes hold a constructor, methods and readonly properties");
      }
      schema.classes.push(def);
    } else if (ts.isFunctionDeclaration(st)) {
      schema.functions.push(callableOf(st));
    } else {
      fail(st, "statement the generator does not understand");
    }
  }
  return schema;
}
