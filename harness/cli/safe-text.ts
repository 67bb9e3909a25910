/**
 * Text from any input (a file name, a config, a server's answer, run data) made safe for a
 * terminal: C0 and C1 control characters (ESC starts every ANSI sequence, BEL ends OSC titles),
 * DEL and the Unicode bidirectional overrides are shown as `\xNN` / `\u{NNNN}`, so a hostile
 * name cannot recolour, retitle, clear or reorder what the user reads. Newlines and tabs stay.
 */
export function safeText(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      const n = c.charCodeAt(0);
      return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
    },
  );
}
