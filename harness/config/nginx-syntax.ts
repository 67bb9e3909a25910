/** One nginx directive: its words, the line it starts on, and its `{ }` block if it has one. */
export interface NginxDirective {
  name: string;
  args: string[];
  line: number;
  block?: NginxDirective[];
}

/** A parsed nginx file; `error` (with what nginx would say) when the text does not parse. */
export interface NginxParse {
  directives: NginxDirective[];
  error?: { line: number; message: string };
}

/**
 * nginx's grammar, as ngx_conf_read_token reads it: words (single or double quotes, `\` escapes),
 * `;` ends a directive, `{ }` a block, `#` a comment to the end of the line. Includes are left as
 * `include` directives: who reads the file decides how to follow them (harness/config/include.ts).
 */
export function parseNginx(text: string): NginxParse {
  let i = 0;
  let line = 1;
  let error: NginxParse["error"];
  const word = (): string | undefined => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === "\n") line++;
      if (/\s/.test(c)) i++;
      else if (c === "#") while (i < text.length && text[i] !== "\n") i++;
      else break;
    }
    if (i >= text.length) return undefined;
    const c = text[i]!;
    if (c === ";" || c === "{" || c === "}") {
      i++;
      return c;
    }
    let out = "";
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        if (text[i] === "\n") line++;
        out += text[i++];
      }
      i++;
      return out;
    }
    while (i < text.length && !/[\s;{}]/.test(text[i]!)) out += text[i++];
    return out;
  };
  const block = (depth: number): NginxDirective[] => {
    const out: NginxDirective[] = [];
    let cur: string[] = [];
    let startLine = line;
    for (;;) {
      const before = line;
      const w = word();
      if (w === undefined || w === "}") {
        if (cur.length) error ??= { line: before, message: `"${cur[0]}" is missing its ";"` };
        else if (w === undefined && depth > 0)
          error ??= { line, message: 'unexpected end of file, expecting "}"' };
        else if (w === "}" && depth === 0) error ??= { line, message: 'unexpected "}"' };
        return out;
      }
      if (cur.length === 0) startLine = line;
      if (w === ";") {
        const [name, ...args] = cur;
        if (name) out.push({ name, args, line: startLine });
        cur = [];
      } else if (w === "{") {
        const [name, ...args] = cur;
        out.push({ name: name ?? "", args, line: startLine, block: block(depth + 1) });
        cur = [];
      } else cur.push(w);
    }
  };
  const directives = block(0);
  return error ? { directives, error } : { directives };
}

/** Every `include` directive in a parsed file, nested blocks included, in file order. */
export function nginxIncludes(directives: readonly NginxDirective[]): NginxDirective[] {
  return directives.flatMap((d) => [
    ...(d.name === "include" ? [d] : []),
    ...(d.block ? nginxIncludes(d.block) : []),
  ]);
}
