// Schema -> packages/cli/src/generated/idl.ts: what the `mullama` command knows of the IDL, so
// that the CLI never copies it: each enum's accepted spellings (values and `@alias`es, parsed as
// the core parses them: case-insensitive, `-` read as `_`) and the HTTP status of each error
// code (`@http` tags), which `mullama serve` answers with.

import { kebab } from "../names.ts";
import type { EnumDef, Schema } from "../schema.ts";

function emitEnum(e: EnumDef): string {
  const spellings = e.members.flatMap((m) => [m.value, ...m.aliases].map((v) => `  ${JSON.stringify(v.toLowerCase())}: ${JSON.stringify(m.value)},`));
  return `/** ${e.name}: every accepted spelling -> the value the npm package takes. */
const ${e.name}_SPELLINGS: Readonly<Record<string, string>> = {
${spellings.join("\n")}
};

/** ${e.name}'s values, in IDL order (for --help and error messages). */
export const ${e.name}_VALUES = ${JSON.stringify(e.members.map((m) => m.value))} as const;

/** Parses a ${kebab(e.name).replace(/-/g, " ")} option as the core does; \`undefined\` when \`s\` is none of them. */
export function parse${e.name}(s: string): (typeof ${e.name}_VALUES)[number] | undefined {
  return ${e.name}_SPELLINGS[s.toLowerCase().replace(/-/g, "_")] as (typeof ${e.name}_VALUES)[number] | undefined;
}
`;
}

export function emitCli(s: Schema, header: string): string {
  const codes = s.enums.find((e) => e.name === "ErrorCode");
  if (!codes) throw new Error("IDL: no ErrorCode enum");
  const status = codes.members.map((m) => {
    const tag = m.doc.tags.http?.[0];
    if (!tag || !/^[1-5]\d\d$/.test(tag)) throw new Error(`IDL: ErrorCode.${m.name} needs an @http status (e.g. @http 400)`);
    return `  ${m.value}: ${tag},`;
  });
  return `${header}
//
// The IDL's enums and error codes as the \`mullama\` command parses and serves them.

${s.enums.filter((e) => e !== codes).map(emitEnum).join("\n")}
/** The HTTP status \`mullama serve\` answers each error code with (the IDL's \`@http\` tags). */
export const HTTP_STATUS: Readonly<Record<string, number>> = {
${status.join("\n")}
};
`;
}
