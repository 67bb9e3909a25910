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

/** Blocks within blocks nginx configurations use (http → server → location → if …) stay far below this. */
export const MAX_NGINX_NESTING = 64;

const SPACE = new Set([" ", "\t", "\r", "\n", "\f", "\v"]);
const ENDS_WORD = new Set([...SPACE, ";", "{", "}"]);

/**
 * nginx's grammar, as ngx_conf_read_token reads it: words (single or double quotes, `\` escapes,
 * `${name}` inside a word), `;` ends a directive, `{ }` a block, `#` a comment to the end of the
 * line. Includes are left as `include` directives: who reads the file decides how to follow them
 * (harness/config/include.ts). One forward pass, no recursion: time and stack stay linear in the
 * text whatever it holds (one 8 MB word, 200,000 nested `{`). Errors give a line, never the text.
 */
export function parseNginx(text: string): NginxParse {
  let i = 0;
  let line = 1;
  const skip = () => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === "\n") {
        line++;
        i++;
      } else if (SPACE.has(c)) i++;
      else if (c === "#") {
        const nl = text.indexOf("\n", i);
        i = nl < 0 ? text.length : nl;
      } else break;
    }
  };
  const word = (): string | undefined => {
    skip();
    if (i >= text.length) return undefined;
    const c = text[i]!;
    if (c === ";" || c === "{" || c === "}") {
      i++;
      return c;
    }
    if (c === '"' || c === "'") {
      const parts: string[] = [];
      let from = ++i;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < text.length) {
          parts.push(text.slice(from, i));
          from = ++i;
        }
        if (text[i] === "\n") line++;
        i++;
      }
      parts.push(text.slice(from, i));
      i++;
      return parts.join("");
    }
    const from = i;
    while (i < text.length && !ENDS_WORD.has(text[i]!)) {
      // `${name}`: the braces belong to the word, as nginx reads a variable.
      if (text[i] === "$" && text[i + 1] === "{") {
        const close = text.indexOf("}", i);
        if (close >= 0 && !/[\s;{]/.test(text.slice(i + 2, close))) {
          i = close + 1;
          continue;
        }
      }
      i++;
    }
    return text.slice(from, i);
  };
  interface Frame {
    out: NginxDirective[];
    cur: string[];
    startLine: number;
  }
  const top: Frame = { out: [], cur: [], startLine: line };
  const stack: Frame[] = [top];
  const fail = (l: number, message: string): NginxParse => ({
    directives: top.out,
    error: { line: l, message },
  });
  for (;;) {
    const frame = stack.at(-1)!;
    const w = word();
    if (w === undefined || w === "}") {
      if (frame.cur.length) return fail(frame.startLine, 'a directive is missing its ";"');
      if (w === undefined) {
        if (stack.length > 1) return fail(line, 'unexpected end of file, expecting "}"');
        return { directives: top.out };
      }
      if (stack.length === 1) return fail(line, 'unexpected "}"');
      stack.pop();
      continue;
    }
    if (frame.cur.length === 0) frame.startLine = line;
    if (w === ";") {
      const [name, ...args] = frame.cur;
      if (name) frame.out.push({ name, args, line: frame.startLine });
      frame.cur = [];
    } else if (w === "{") {
      if (stack.length > MAX_NGINX_NESTING)
        return fail(line, `blocks nest deeper than ${MAX_NGINX_NESTING} levels`);
      const [name, ...args] = frame.cur;
      const block: NginxDirective[] = [];
      frame.out.push({ name: name ?? "", args, line: frame.startLine, block });
      frame.cur = [];
      stack.push({ out: block, cur: [], startLine: line });
    } else frame.cur.push(w);
  }
}

/** Every `include` directive in a parsed file, nested blocks included, in file order. */
export function nginxIncludes(directives: readonly NginxDirective[]): NginxDirective[] {
  return nginxDirectives(directives).filter((d) => d.name === "include");
}

/** Every directive of a parsed file, nested blocks included, in file order (no recursion). */
export function nginxDirectives(directives: readonly NginxDirective[]): NginxDirective[] {
  const out: NginxDirective[] = [];
  const stack: (readonly NginxDirective[])[] = [directives];
  const at: number[] = [0];
  while (stack.length) {
    const list = stack.at(-1)!;
    const k = at.at(-1)!;
    if (k >= list.length) {
      stack.pop();
      at.pop();
      continue;
    }
    at[at.length - 1] = k + 1;
    const d = list[k]!;
    out.push(d);
    if (d.block) {
      stack.push(d.block);
      at.push(0);
    }
  }
  return out;
}
