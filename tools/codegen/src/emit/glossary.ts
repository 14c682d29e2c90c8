// Schema -> docs/pages/api/glossary.md: each concept and its spelling in every language; the CLI
// column is the item's `@cli` tag (the flag or command that does the same), empty without one.

import { node, python, rust } from "../names.ts";
import type { Schema } from "../schema.ts";

/** A doc comment as one table cell: its lines joined. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");

export function emitGlossary(s: Schema, header: string): string {
  const rows: string[] = [];
  const row = (what: string, n: string, py: string, rs: string, cli: string) => rows.push(`| ${what} | \`${n}\` | \`${py}\` | \`${rs}\` | ${cli ? `\`${cli}\`` : ""} |`);
  for (const c of s.classes) {
    row(cell(c.doc.text), c.name, c.name, c.name, "");
    if (c.ctor) row(cell(c.ctor.doc.text) || `Creates a ${c.name}.`, `new ${c.name}(...)`, `${c.name}(...)`, `${c.name}::new(...)`, "");
    for (const g of c.getters) row(cell(g.doc.text), `${node.ident(c.name.toLowerCase())}.${g.name}`, `${c.name.toLowerCase()}.${python.ident(g.name)}`, `${c.name.toLowerCase()}.${rust.ident(g.name)}()`, "");
    for (const m of c.methods) {
      const recv = m.isStatic ? c.name : c.name.toLowerCase();
      const sep = m.isStatic ? "::" : ".";
      row(cell(m.doc.text), `${recv}.${node.ident(m.name)}()`, `${recv}.${python.ident(m.name)}()`, `${recv}${sep}${rust.ident(m.name)}()`, m.doc.tags.cli?.[0] ?? "");
    }
  }
  for (const f of s.functions) row(cell(f.doc.text), `${node.ident(f.name)}()`, `${python.ident(f.name)}()`, `${rust.ident(f.name)}()`, f.doc.tags.cli?.[0] ?? "");
  for (const r of s.records) {
    for (const f of r.fields) row(`${r.name}: ${cell(f.doc.text)}`, `${r.name}.${node.ident(f.name)}`, `${r.name}.${python.ident(f.name)}`, `${r.name}.${rust.ident(f.name)}`, f.doc.tags.cli?.[0] ?? "");
  }
  for (const e of s.enums) {
    for (const m of e.members) row(`${e.name}: ${cell(m.doc.text)}`, `${e.name}.${m.name}`, `${e.name}.${m.name}`, `${e.name}::${m.name}`, m.value);
  }
  return `${header}

# Glossary

One concept a row, and how each language spells it. Generated from the IDL (\`packages/api-spec\`).

| Concept | Node.js | Python | Rust | CLI |
|---|---|---|---|---|
${rows.join("\n")}
`;
}
