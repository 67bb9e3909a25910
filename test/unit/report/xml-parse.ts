/**
 * A strict little XML reader for checking the JUnit report: elements, attributes, text, entity
 * references; throws on anything not well-formed (mismatched tags, bare "&" or "<", bad entity).
 * No XML library is a dependency of the project, and this is all the test needs.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s))
    throw new Error(`bad character data near offset ${at}: ${s.slice(0, 60)}`);
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, e: string) =>
    e.startsWith("#x")
      ? String.fromCodePoint(Number.parseInt(e.slice(2), 16))
      : e.startsWith("#")
        ? String.fromCodePoint(Number(e.slice(1)))
        : ENTITIES[e]!,
  );
}

/** Parse a document; returns the root element. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  if (xml.startsWith("<?xml")) i = xml.indexOf("?>") + 2;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"]*")*)\s*(\/?)>/y;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const chunk = xml.slice(i, lt === -1 ? xml.length : lt);
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(chunk, i);
    else if (chunk.trim()) throw new Error(`text outside the root element at ${i}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at offset ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, close, name, attrText, selfClose] = m;
    i = tag.lastIndex;
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${lt}`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} at ${lt}`);
      attrs[a[1]!] = decode(a[2]!, lt);
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: "" };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root) throw new Error("two root elements");
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0 || !root) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return root;
}

/** All descendants named `name`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
