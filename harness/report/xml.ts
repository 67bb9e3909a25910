/**
 * XML text escaping. Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) are replaced by U+FFFD, because server log tails do contain them and one such
 * byte makes the whole JUnit file unreadable to CI.
 */
function replaceInvalid(text: string): string {
  let out = "";
  // for…of walks code points, so a valid surrogate pair arrives whole and a lone one alone.
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const bad =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
      c === 0xfffe ||
      c === 0xffff ||
      (c >= 0xd800 && c <= 0xdfff);
    out += bad ? "\uFFFD" : ch;
  }
  return out;
}

/** Escape for element text and attribute values (double-quoted). */
export function xmlEscape(text: string): string {
  return replaceInvalid(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Escape for an attribute value: also keeps tabs and newlines, which attribute normalisation would flatten. */
export function xmlAttr(text: string): string {
  return xmlEscape(text).replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}
