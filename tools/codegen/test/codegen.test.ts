import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readSchema } from "../src/read.ts";
import { python, rust, snake, kebab } from "../src/names.ts";
import { publicItems } from "../src/schema.ts";

const idl = join(import.meta.dirname, "../../../packages/api-spec/src/index.ts");

describe("names", () => {
  it("converts case once, per language", () => {
    expect(snake("getEmbeddingBatch")).toBe("get_embedding_batch");
    expect(snake("nCtx")).toBe("n_ctx");
    expect(snake("HTTPServer")).toBe("http_server");
    expect(kebab("flashAttention")).toBe("flash-attention");
  });
  it("keeps reserved words legal", () => {
    expect(rust.ident("type")).toBe("r#type");
    expect(python.ident("from")).toBe("from_");
    expect(python.ident("type")).toBe("type");
  });
});

describe("schema of the real IDL", () => {
  const s = readSchema(idl);
  it("reads enums with string values, PascalCase members and aliases", () => {
    const pooling = s.enums.find((e) => e.name === "PoolingStrategy")!;
    expect(pooling.members.map((m) => m.name)).toEqual(["Mean", "Last", "First", "Max", "Native"]);
    expect(pooling.members.find((m) => m.name === "First")!.aliases).toEqual(["cls"]);
  });
  it("reads defaults and optional fields", () => {
    const params = s.records.find((r) => r.name === "ContextParams")!;
    expect(params.fields.find((f) => f.name === "embeddings")!.default).toEqual({ kind: "bool", value: true });
    expect(params.fields.find((f) => f.name === "overflow")!.default).toEqual({ kind: "enum", enumName: "OverflowPolicy", member: "Error" });
    // No IDL default: the model decides, so the field stays optional in every language.
    const pooling = params.fields.find((f) => f.name === "pooling")!;
    expect(pooling.optional && !pooling.default).toBe(true);
    const opts = s.records.find((r) => r.name === "EmbedOptions")!;
    expect(opts.fields.every((f) => f.optional && !f.default)).toBe(true);
  });
  it("marks async and infallible calls", () => {
    const ctx = s.classes.find((c) => c.name === "Context")!;
    expect(ctx.methods.find((m) => m.name === "getEmbedding")!.isAsync).toBe(true);
    expect(ctx.methods.find((m) => m.name === "close")!.fallible).toBe(false);
    expect(s.classes.find((c) => c.name === "Model")!.methods.find((m) => m.name === "load")!.isStatic).toBe(true);
  });
  it("lists every public item", () => {
    expect(publicItems(s)).toEqual(expect.arrayContaining(["Model", "Model.load", "Model.info", "Context.getEmbeddingBatch", "cosineSimilarity", "ErrorCode"]));
  });
});

describe("emitters on the real IDL", async () => {
  const s = readSchema(idl);
  const { emitRust } = await import("../src/emit/rust.ts");
  const { emitNodeApi, emitNodeTypeTest } = await import("../src/emit/node_ts.ts");
  it("gives each async instance method a non-blocking core entry and a blocking wrapper over it", () => {
    const rs = emitRust(s, "// test");
    expect(rs).toContain("fn get_embedding_batch_submit(&self, texts: Vec<String>, options: EmbedOptions, done: crate::Completion<Vec<Embedding>>);");
    expect(rs).toMatch(/fn get_embedding_batch\(&self, texts: &\[String\], options: EmbedOptions\) -> Result<Vec<Embedding>> \{\s+crate::wait\(/);
    // Sync and static calls keep their one signature.
    expect(rs).toContain("fn stats(&self) -> ContextStats;");
    expect(rs).not.toContain("fn load_submit");
  });
  it("wraps every IDL class method and function in the Node layer, and asserts each in the type test", () => {
    const ts = emitNodeApi(s, "// test");
    const types = emitNodeTypeTest(s, "// test");
    for (const c of s.classes) for (const m of c.methods) {
      expect(ts).toContain(` ${m.name}(`);
      expect(types).toContain(`${m.isStatic ? c.name : `${c.name}.prototype`}.${m.name}).returns`);
    }
    for (const f of s.functions) {
      expect(ts).toContain(`export function ${f.name}(`);
      expect(types).toContain(`expectTypeOf(${f.name}).parameters`);
    }
    for (const r of s.records) expect(types).toContain(`Plain<Idl.${r.name}>`);
  });
});
