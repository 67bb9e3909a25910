import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { InputError } from "../errors.ts";
import { encodeOid, tlv, tlvSize } from "./der.ts";
import { loadBuiltin } from "./load-builtin.ts";
import { mulberry32 } from "./prng.ts";
import { RootEntry, RootStore } from "./root-store.ts";

/**
 * Synthetic trust anchors: valid self-signed CA certificates with distinct subjects whose DER
 * subject sizes follow a real store, or are exactly a given size. All share one ECDSA P-256 key
 * (generated once per process) and the TBSCertificate is built by DER templating, because the
 * point is list size, not key diversity: 20,000 roots take about a second (see bench/roots.bench.ts).
 */

/** Generate `count` synthetic roots. */
export interface SyntheticSpec {
  kind: "synthetic";
  count: number;
  /** PRNG seed for the size sampling (default 1). */
  seed?: number;
  /** Store whose DER subject sizes are sampled (default: Node's built-in store). */
  sample?: RootStore;
  /** Every subject exactly this many DER bytes (so 2 + subjectBytes per CA-list entry). Overrides `sample`. */
  subjectBytes?: number;
  /** Text put in each CN so separate batches never share a subject (default "s<seed>"). */
  tag?: string;
}

const OID_CN = "2.5.4.3";
const OID_O = "2.5.4.10";
const ORG = "rootload synthetic";

let shared: { key: KeyObject; spki: Uint8Array; extensions: Uint8Array } | undefined;
function sharedKey() {
  if (!shared) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    // RFC 5280 §4.2.1.2 method 1 needs the BIT STRING contents; the last 65 bytes are the point.
    const ski = new Uint8Array(
      createHash("sha1")
        .update(spki.subarray(spki.length - 65))
        .digest(),
    );
    shared = { key: privateKey, spki, extensions: extensions(ski) };
  }
  return shared;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const SIG_ALG = tlv(0x30, encodeOid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256, no parameters
const VERSION = tlv(0xa0, tlv(0x02, Uint8Array.of(2)));
const VALIDITY = tlv(0x30, tlv(0x17, utf8("200101000000Z")), tlv(0x17, utf8("491231235959Z")));
const BOOL_TRUE = tlv(0x01, Uint8Array.of(0xff));

function extensions(ski: Uint8Array): Uint8Array {
  const basic = tlv(0x30, encodeOid("2.5.29.19"), BOOL_TRUE, tlv(0x04, tlv(0x30, BOOL_TRUE)));
  // keyCertSign | cRLSign: bits 5 and 6 → 0x06 with 1 unused bit.
  const ku = tlv(0x30, encodeOid("2.5.29.15"), BOOL_TRUE, tlv(0x04, tlv(0x03, Uint8Array.of(1, 0x06))));
  const skiExt = tlv(0x30, encodeOid("2.5.29.14"), tlv(0x04, tlv(0x04, ski)));
  return tlv(0xa3, tlv(0x30, basic, ku, skiExt));
}

const OID_TLV: Record<string, Uint8Array> = { [OID_CN]: encodeOid(OID_CN), [OID_O]: encodeOid(OID_O) };
function rdn(oid: string, value: string): Uint8Array {
  return tlv(0x31, tlv(0x30, OID_TLV[oid] ?? encodeOid(oid), tlv(0x0c, utf8(value))));
}

function nameSize(orgLen: number | null, cnLen: number): number {
  // SET { SEQUENCE { OID 2.5.4.x (06 03 55 04 xx: 5 bytes), UTF8String } }
  const a = (valueLen: number) => tlvSize(tlvSize(5 + tlvSize(valueLen)));
  return tlvSize((orgLen === null ? 0 : a(orgLen)) + a(cnLen));
}

/** Smallest subject this generator makes for a label of `labelLength` ASCII characters. */
export function minSubjectBytes(labelLength: number): number {
  return nameSize(null, labelLength);
}

/**
 * A DER Name of exactly `size` bytes: CN = label padded with "." (and, when the CN length alone
 * cannot hit the size because a length octet grows, an O attribute of 1-3 characters).
 * Sizes 130 and 259 (and 65,540) do not exist for any DER SEQUENCE: the length field grows by
 * one octet exactly there (content 127 → 129 bytes, content 128 → 131 bytes).
 * @throws RangeError when `size` is below the minimum for this label, above 65,000, or impossible
 */
export function exactSubjectName(size: number, label: string): Uint8Array {
  const min = minSubjectBytes(label.length);
  if (!Number.isInteger(size) || size < min || size > 65_000)
    throw new RangeError(`subject size ${size} bytes is outside ${min}..65000 for label "${label}"`);
  for (const org of [null, ORG.length, 1, 2, 3]) {
    const fixed = nameSize(org, 0);
    for (let v = Math.max(label.length, size - fixed - 8); v <= size; v++) {
      const s = nameSize(org, v);
      if (s === size) {
        const cn = label.padEnd(v, ".");
        const parts = org === null ? [] : [rdn(OID_O, org === ORG.length ? ORG : ORG.slice(0, org))];
        return tlv(0x30, ...parts, rdn(OID_CN, cn));
      }
      if (s > size) break;
    }
  }
  throw new RangeError(`no DER Name is exactly ${size} bytes (a SEQUENCE cannot be ${size} bytes long)`);
}

/** A self-signed CA certificate for `subject`, signed with the shared key. */
export function syntheticCertificate(subject: Uint8Array, serial: number): Uint8Array {
  const { key, spki, extensions: ext } = sharedKey();
  const serialBytes = Uint8Array.of(
    0x01,
    (serial >>> 24) & 0xff,
    (serial >>> 16) & 0xff,
    (serial >>> 8) & 0xff,
    serial & 0xff,
  );
  const tbs = tlv(0x30, VERSION, tlv(0x02, serialBytes), SIG_ALG, subject, VALIDITY, subject, spki, ext);
  const sig = sign("sha256", tbs, key);
  return tlv(0x30, tbs, SIG_ALG, tlv(0x03, Uint8Array.of(0), sig));
}

/**
 * Generate synthetic roots. Sizes are sampled (seeded) from `sample`'s DER subject sizes, or all
 * equal to `subjectBytes`; sampled sizes below the generator's minimum are raised to it.
 * @throws InputError for a bad count or size
 */
export function syntheticRoots(spec: Omit<SyntheticSpec, "kind">): RootEntry[] {
  const { count } = spec;
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000)
    throw new InputError("synthetic.count", `${count} is not an integer in 0..1000000`);
  const seed = spec.seed ?? 1;
  const tag = spec.tag ?? `s${seed}`;
  const rnd = mulberry32(seed);
  let sizes: number[] = [];
  if (spec.subjectBytes === undefined) {
    const sample = spec.sample ?? loadBuiltin();
    sizes = sample.entries.map((e) => e.subjectDer.length);
    if (sizes.length === 0) throw new InputError("synthetic.sample", `store ${sample.source} is empty`);
  }
  const out: RootEntry[] = [];
  for (let i = 0; i < count; i++) {
    const label = `rootload ${tag} #${i}`;
    const min = minSubjectBytes(label.length);
    const want = spec.subjectBytes ?? sizes[Math.floor(rnd() * sizes.length)]!;
    let subject: Uint8Array;
    try {
      subject = exactSubjectName(spec.subjectBytes === undefined ? Math.max(want, min) : want, label);
    } catch (err) {
      throw new InputError("synthetic.subjectBytes", (err as Error).message);
    }
    out.push(new RootEntry(syntheticCertificate(subject, i + 1), { origin: "synthetic", synthetic: true }));
  }
  return out;
}

/** A RootStore of synthetic roots (source `synthetic:<count>:<seed>`). */
export function syntheticStore(spec: SyntheticSpec): RootStore {
  const entries = syntheticRoots(spec);
  const how = spec.subjectBytes !== undefined ? `${spec.subjectBytes}B` : (spec.sample?.source ?? "builtin");
  return new RootStore(`synthetic:${spec.count}:${spec.seed ?? 1}`, "synthetic", entries, { sizes: how });
}
