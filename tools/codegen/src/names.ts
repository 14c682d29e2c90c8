// Case conversion happens here and nowhere else: camelCase (Node, the IDL's spelling),
// snake_case (Python, Rust), PascalCase types and enum members everywhere, kebab-case (CLI).

const RUST_KEYWORDS = new Set(["as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try"]);
const PYTHON_KEYWORDS = new Set(["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"]);

/** `getEmbeddingBatch` -> `get_embedding_batch`; `nCtx` -> `n_ctx`. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

/** `getEmbeddingBatch` -> `get-embedding-batch`. */
export function kebab(name: string): string {
  return snake(name).replace(/_/g, "-");
}

export const rust = {
  /** Fields, params, methods, functions. Keywords become raw identifiers. */
  ident: (name: string) => {
    const s = snake(name);
    return RUST_KEYWORDS.has(s) ? `r#${s}` : s;
  },
  type: (name: string) => name,
  member: (name: string) => name,
};

export const python = {
  /** Fields, params, methods, functions. Keywords get a trailing underscore (PEP 8). */
  ident: (name: string) => {
    const s = snake(name);
    return PYTHON_KEYWORDS.has(s) ? `${s}_` : s;
  },
  type: (name: string) => name,
  member: (name: string) => name,
};

export const node = {
  ident: (name: string) => name,
  type: (name: string) => name,
  member: (name: string) => name,
};
