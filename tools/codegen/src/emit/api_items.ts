// Schema -> docs/api-items.json: every public API item and the spellings that count as a use of
// it in each language's docs snippets. `docs/scripts/check.mjs` fails when an item appears in no
// snippet region of some language, so the docs cannot silently skip part of the API.

import { node, python, rust } from "../names.ts";
import type { RecordDef, Schema } from "../schema.ts";

type Lang = "node" | "python" | "rust";
interface Item {
  id: string;
  kind: "class" | "constructor" | "method" | "getter" | "function" | "record" | "enum";
  /** Regular expressions (JavaScript syntax); a match of any one in a region of that language is a use. */
  uses: Record<Lang, string[]>;
}

const lit = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const any = (names: string[]) => `(${names.join("|")})`;

/**
 * A record is used where its type is named; where a field no other record has is read or set;
 * and, for a record that is a call's options (Node passes an object literal, Python keyword
 * arguments), where a call that takes it is given one of its fields.
 */
function recordUses(s: Schema, r: RecordDef): Record<Lang, string[]> {
  const own = r.fields.filter((f) => s.records.filter((o) => o.fields.some((g) => g.name === f.name)).length === 1).map((f) => f.name);
  const callables = [
    ...s.functions,
    ...s.classes.flatMap((c) => [...c.methods, ...(c.ctor ? [{ name: c.name, params: c.ctor.params }] : [])]),
  ].filter((c) => c.params.some((p) => p.type.kind === "record" && p.type.name === r.name));
  const fields = r.fields.map((f) => f.name);
  return {
    node: [
      lit(r.name),
      ...own.map((f) => `\\.${node.ident(f)}\\b|\\b${node.ident(f)}:`),
      ...callables.map((c) => `${lit(node.ident(c.name))}\\([^;]*\\b${any(fields.map(node.ident))}:`),
    ],
    python: [
      lit(r.name),
      ...own.map((f) => `\\.${python.ident(f)}\\b|\\b${python.ident(f)}=`),
      ...callables.map((c) => `${lit(python.ident(c.name))}\\([^)]*\\b${any(fields.map(python.ident))}=`),
    ],
    rust: [lit(r.name), ...own.map((f) => `\\.${lit(rust.ident(f))}\\b`)],
  };
}

export function emitApiItems(s: Schema, header: string): string {
  const items: Item[] = [];
  const same = (node: string, python: string, rust: string) => ({ node: [lit(node)], python: [lit(python)], rust: [lit(rust)] });
  for (const c of s.classes) {
    items.push({ id: c.name, kind: "class", uses: same(c.name, c.name, c.name) });
    if (c.ctor) items.push({ id: `${c.name}.constructor`, kind: "constructor", uses: same(`new ${c.name}(`, `${c.name}(`, `${c.name}::new(`) });
    for (const m of c.methods) {
      const n = node.ident(m.name), p = python.ident(m.name), r = rust.ident(m.name);
      // Python's async calls have `_async` twins; Rust spells per-call options as `_with_*` methods.
      const uses = m.isStatic
        ? same(`${c.name}.${n}(`, `${c.name}.${p}(`, `${c.name}::${r}(`)
        : { node: [lit(`.${n}(`)], python: [`\\.${p}(_async)?\\(`], rust: [`\\.${r}(_with_\\w+)?\\(`] };
      items.push({ id: `${c.name}.${m.name}`, kind: "method", uses });
    }
    for (const g of c.getters) items.push({ id: `${c.name}.${g.name}`, kind: "getter", uses: same(`.${node.ident(g.name)}`, `.${python.ident(g.name)}`, `.${rust.ident(g.name)}()`) });
  }
  for (const f of s.functions) items.push({ id: f.name, kind: "function", uses: same(`${node.ident(f.name)}(`, `${python.ident(f.name)}(`, `${rust.ident(f.name)}(`) });
  for (const r of s.records) items.push({ id: r.name, kind: "record", uses: recordUses(s, r) });
  for (const e of s.enums) items.push({ id: e.name, kind: "enum", uses: same(`${e.name}.`, `${e.name}.`, `${e.name}::`) });
  // One item a line: the file is read by people reviewing a diff as much as by the check.
  const lines = items.map((i) => `    ${JSON.stringify(i)}`);
  return `{\n  "_generated": ${JSON.stringify(header)},\n  "items": [\n${lines.join(",\n")}\n  ]\n}\n`;
}
