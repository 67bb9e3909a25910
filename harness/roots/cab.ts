import { inflateRawSync } from "node:zlib";

/**
 * Microsoft Cabinet reader (MS-CAB, "Microsoft Cabinet Format"), enough for Windows Update's
 * `authrootstl.cab`: uncompressed and MSZIP folders, single-volume cabinets. Quantum and LZX are
 * refused by name. Every offset and length is checked against the file size.
 */

/** A file extracted from a cabinet. */
export interface CabFile {
  name: string;
  data: Uint8Array;
}

/** A malformed or unsupported cabinet; the message names the structure and offset. */
export class CabError extends Error {
  override readonly name = "CabError";
}

const FLAG_PREV = 0x0001;
const FLAG_NEXT = 0x0002;
const FLAG_RESERVE = 0x0004;
/** MSZIP blocks hold at most 32 KiB of output (MS-MCI §2). */
const MSZIP_BLOCK = 0x8000;
/**
 * Most output a cabinet may inflate to, all folders together: 8 MiB. Windows Update's
 * authrootstl.cab holds one ~190 KB file; a fixed cap keeps a crafted cabinet (a few KB that
 * declares gigabytes) from exhausting memory.
 */
export const MAX_CAB_OUTPUT_BYTES = 8 * 1024 * 1024;

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly what: string,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new CabError(
        `${this.what}: truncated at byte ${this.pos} (need ${n} more bytes, file has ${this.buf.length})`,
      );
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf[this.pos]! | (this.buf[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** NUL-terminated string, at most 256 bytes (CAB_MAX_NAME). */
  sz(): string {
    const start = this.pos;
    const limit = Math.min(this.buf.length, start + 257);
    let end = start;
    while (end < limit && this.buf[end] !== 0) end++;
    if (end >= limit) throw new CabError(`${this.what}: unterminated name at byte ${start}`);
    this.pos = end + 1;
    return Buffer.from(this.buf.subarray(start, end)).toString("latin1");
  }
}

/** MS-CAB checksum (the reference algorithm, including its byte order for the last 1-3 bytes). */
export function cabChecksum(data: Uint8Array, seed: number): number {
  let csum = seed >>> 0;
  const n = data.length;
  let i = 0;
  for (let c = n >>> 2; c > 0; c--, i += 4)
    csum ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
  let ul = 0;
  const rest = n & 3;
  if (rest === 3) ul |= (data[i++]! << 16) | (data[i++]! << 8) | data[i++]!;
  else if (rest === 2) ul |= (data[i++]! << 8) | data[i++]!;
  else if (rest === 1) ul |= data[i++]!;
  return (csum ^ ul) >>> 0;
}

interface Folder {
  dataOffset: number;
  blocks: number;
  compression: number;
}

/**
 * Extract every file of a cabinet, in directory order.
 * @throws CabError for anything malformed, truncated or unsupported
 */
export function extractCab(buf: Uint8Array): CabFile[] {
  const h = new Cursor(buf, 0, "CFHEADER");
  if (buf.length === 0) throw new CabError("empty file");
  const sig = h.bytes(4);
  if (Buffer.from(sig).toString("latin1") !== "MSCF")
    throw new CabError(
      `not a cabinet: signature is ${Buffer.from(sig).toString("hex")}, expected 4d534346 ("MSCF")`,
    );
  h.u32();
  const cbCabinet = h.u32();
  h.u32();
  const coffFiles = h.u32();
  h.u32();
  const minor = h.u8();
  const major = h.u8();
  const cFolders = h.u16();
  const cFiles = h.u16();
  const flags = h.u16();
  h.u16(); // setID
  h.u16(); // iCabinet
  if (major !== 1 || minor !== 3) throw new CabError(`CFHEADER: unsupported version ${major}.${minor}`);
  if (cbCabinet !== buf.length)
    throw new CabError(`CFHEADER: cabinet size field says ${cbCabinet} bytes, file has ${buf.length}`);
  if (flags & (FLAG_PREV | FLAG_NEXT))
    throw new CabError("CFHEADER: multi-volume cabinets are not supported");
  let cbFolderReserve = 0;
  let cbDataReserve = 0;
  if (flags & FLAG_RESERVE) {
    const cbHeaderReserve = h.u16();
    cbFolderReserve = h.u8();
    cbDataReserve = h.u8();
    h.bytes(cbHeaderReserve);
  }
  if (cFolders === 0 || cFiles === 0) throw new CabError(`CFHEADER: ${cFolders} folders, ${cFiles} files`);

  const folders: Folder[] = [];
  for (let i = 0; i < cFolders; i++) {
    const dataOffset = h.u32();
    const blocks = h.u16();
    const compression = h.u16();
    h.bytes(cbFolderReserve);
    folders.push({ dataOffset, blocks, compression });
  }

  const f = new Cursor(buf, coffFiles, "CFFILE");
  if (coffFiles < h.pos)
    throw new CabError(`CFHEADER: file table offset ${coffFiles} overlaps the folder table`);
  const entries: { name: string; size: number; offset: number; folder: number }[] = [];
  for (let i = 0; i < cFiles; i++) {
    const size = f.u32();
    const offset = f.u32();
    const folder = f.u16();
    f.u16(); // date
    f.u16(); // time
    f.u16(); // attribs
    const name = f.sz();
    if (folder >= cFolders)
      throw new CabError(`CFFILE "${name}": folder index ${folder}, cabinet has ${cFolders}`);
    entries.push({ name, size, offset, folder });
  }

  checkFolderLayout(buf, folders, cbDataReserve);
  const inflated = folders.map((fo, i) => inflateFolder(buf, fo, i, cbDataReserve));
  const outputs = inflated.map((x) => x.data);
  // Every byte of the cabinet belongs to some structure: data after the last CFDATA block is damage.
  const dataEnd = Math.max(f.pos, ...inflated.map((x) => x.end));
  if (dataEnd !== buf.length)
    throw new CabError(`${buf.length - dataEnd} unused bytes after byte ${dataEnd}`);
  return entries.map((e) => {
    const out = outputs[e.folder]!;
    if (e.offset + e.size > out.length)
      throw new CabError(
        `CFFILE "${e.name}": bytes ${e.offset}..${e.offset + e.size} beyond folder ${e.folder} (${out.length} bytes)`,
      );
    return { name: e.name, data: out.subarray(e.offset, e.offset + e.size) };
  });
}

/**
 * Walk every folder's CFDATA headers without inflating anything: each folder's blocks must lie in
 * a byte range no other folder uses (otherwise a few KB of blocks shared by thousands of folders
 * inflate to gigabytes), and the declared output of all folders together must fit
 * MAX_CAB_OUTPUT_BYTES.
 */
function checkFolderLayout(buf: Uint8Array, folders: readonly Folder[], cbDataReserve: number): void {
  // Walk folders in data order, each only up to where the next one starts: the walk then reads
  // every byte at most once, however many folders the table lists.
  const order = folders
    .map((_, i) => i)
    .sort((a, b) => folders[a]!.dataOffset - folders[b]!.dataOffset || a - b);
  let declared = 0;
  order.forEach((index, k) => {
    const folder = folders[index]!;
    const nextIndex = order[k + 1];
    const limit = nextIndex === undefined ? buf.length : folders[nextIndex]!.dataOffset;
    const overlap = (end: number) => {
      const [a, b] = index < nextIndex! ? [index, nextIndex!] : [nextIndex!, index];
      return new CabError(
        `CFFOLDER ${b} data (from byte ${folders[b]!.dataOffset}) overlaps folder ${a} (bytes ${folders[a]!.dataOffset}..${end}): folders may not share blocks`,
      );
    };
    if (folder.blocks > 0 && limit === folder.dataOffset) throw overlap(folder.dataOffset);
    const c = new Cursor(buf, folder.dataOffset, `CFFOLDER ${index} CFDATA`);
    for (let b = 0; b < folder.blocks; b++) {
      c.u32(); // checksum, verified while inflating
      const cbData = c.u16();
      declared += c.u16();
      c.bytes(cbDataReserve);
      c.bytes(cbData);
      if (c.pos > limit) throw overlap(c.pos);
      if (declared > MAX_CAB_OUTPUT_BYTES)
        throw new CabError(
          `CFFOLDER ${index} block ${b}: declared output exceeds the ${MAX_CAB_OUTPUT_BYTES}-byte cap for a cabinet`,
        );
    }
  });
}

function inflateFolder(
  buf: Uint8Array,
  folder: Folder,
  index: number,
  cbDataReserve: number,
): { data: Uint8Array; end: number } {
  const type = folder.compression & 0x000f;
  const what = `CFFOLDER ${index}`;
  if (type !== 0 && type !== 1) {
    const names: Record<number, string> = { 2: "Quantum", 3: "LZX" };
    throw new CabError(`${what}: compression ${names[type] ?? type} not supported (only none and MSZIP)`);
  }
  const c = new Cursor(buf, folder.dataOffset, `${what} CFDATA`);
  const parts: Uint8Array[] = [];
  let total = 0;
  let history: Uint8Array | undefined;
  for (let b = 0; b < folder.blocks; b++) {
    const blockStart = c.pos;
    const csum = c.u32();
    const cbData = c.u16();
    const cbUncomp = c.u16();
    const reserve = c.bytes(cbDataReserve);
    const data = c.bytes(cbData);
    if (csum !== 0) {
      const hdr = buf.subarray(blockStart + 4, blockStart + 8);
      const computed = cabChecksum(Buffer.concat([hdr, reserve]), cabChecksum(data, 0));
      if (computed !== csum)
        throw new CabError(
          `${what} block ${b} at byte ${blockStart}: checksum ${computed.toString(16)} != stored ${csum.toString(16)}`,
        );
    }
    let out: Uint8Array;
    if (type === 0) {
      if (cbData !== cbUncomp)
        throw new CabError(`${what} block ${b}: stored block sizes differ (${cbData}/${cbUncomp})`);
      out = data;
    } else {
      if (cbUncomp > MSZIP_BLOCK)
        throw new CabError(`${what} block ${b}: ${cbUncomp} bytes exceeds the MSZIP 32 KiB block`);
      if (cbData < 2 || data[0] !== 0x43 || data[1] !== 0x4b)
        throw new CabError(`${what} block ${b} at byte ${blockStart}: missing MSZIP "CK" signature`);
      try {
        // MSZIP keeps the 32 KiB deflate window across blocks: the previous block's output is the
        // dictionary for back-references in this one.
        out = inflateRawSync(data.subarray(2), {
          ...(history ? { dictionary: history } : {}),
          maxOutputLength: MSZIP_BLOCK,
        });
      } catch (err) {
        throw new CabError(
          `${what} block ${b} at byte ${blockStart}: bad deflate data (${(err as Error).message})`,
        );
      }
      history = out;
    }
    if (out.length !== cbUncomp)
      throw new CabError(`${what} block ${b}: inflated to ${out.length} bytes, header says ${cbUncomp}`);
    parts.push(out);
    total += out.length;
  }
  const joined = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    joined.set(p, o);
    o += p.length;
  }
  return { data: joined, end: c.pos };
}
