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
  const all = [...codes.members.map((m) => ({ enumName: codes.name, m })), ...s.cliEnums.flatMap((e) => e.members.map((m) => ({ enumName: e.name, m })))];
  const status = all.map(({ enumName, m }) => {
    const tag = m.doc.tags.http?.[0];
    if (!tag || !/^[1-5]\d\d$/.test(tag)) throw new Error(`IDL: ${enumName}.${m.name} needs an @http status (e.g. @http 400)`);
    return `  ${m.value}: ${tag},`;
  });
  // Exit statuses: every library code has one (any of them can end a command); of the command's
  // own codes, those a command (not only the server) fails with. Distinct, so scripts can tell.
  const exits = all.filter(({ enumName, m }) => enumName === codes.name || m.doc.tags.exit).map(({ enumName, m }) => {
    const tag = m.doc.tags.exit?.[0];
    if (!tag || !/^\d+$/.test(tag) || Number(tag) < 1 || Number(tag) > 125) throw new Error(`IDL: ${enumName}.${m.name} needs an @exit status from 1 to 125`);
    return { value: m.value, exit: Number(tag), text: m.doc.text.split("\n")[0] };
  });
  const seen = new Map<number, string>();
  for (const e of exits) {
    if (seen.has(e.exit)) throw new Error(`IDL: @exit ${e.exit} is given to both ${seen.get(e.exit)} and ${e.value}`);
    seen.set(e.exit, e.value);
  }
  exits.sort((a, b) => a.exit - b.exit);
  const help = ["Exit status:", "  0   success", ...exits.map((e) => `  ${String(e.exit).padEnd(3)} ${e.value}: ${e.text}`)].join("\n");
  return `${header}
//
// The IDL's enums and error codes as the \`mullama\` command parses and serves them.

${s.enums.filter((e) => e !== codes).map(emitEnum).join("\n")}
/** The HTTP status \`mullama serve\` answers each error code with (the IDL's \`@http\` tags). */
export const HTTP_STATUS: Readonly<Record<string, number>> = {
${status.join("\n")}
};

/** The exit status of a command that fails with each code (the IDL's \`@exit\` tags). */
export const EXIT_STATUS: Readonly<Record<string, number>> = {
${exits.map((e) => `  ${e.value}: ${e.exit},`).join("\n")}
};

/** The exit statuses, as \`mullama --help\` lists them. */
export const EXIT_STATUS_HELP = ${JSON.stringify(help + "\n")};
`;
}
