/**
 * A config line's words as HAProxy reads them: whitespace separates, single quotes are literal,
 * double quotes allow backslash escapes (paths are often quoted: `ca-file '/etc/x y/ca.pem'`).
 * HAProxy has one directive per line, no continuation: its grammar is lines of words.
 */
export function haproxyWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      inWord = true;
      const close = line.indexOf(c, i + 1);
      const end = close < 0 ? line.length : close;
      const body = line.slice(i + 1, end);
      cur += c === '"' ? body.replace(/\\(.)/g, "$1") : body;
      i = end;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** A line without its `#` comment (a `#` that starts a word). */
export const haproxyCode = (line: string): string => line.replace(/(^|\s)#.*$/, "");

/** Keywords that open a section; the rest of a file's lines belong to the last one opened. */
export const HAPROXY_SECTIONS =
  /^(global|defaults|frontend|listen|backend|userlist|peers|resolvers|program|http-errors|ring|cache|mailers|crt-store|traces)$/;
