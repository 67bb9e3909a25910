import { createHash } from "node:crypto";
import { certificateNames } from "./der.ts";
import { nameToString } from "./dn.ts";

/** Where a store came from. */
export type RootSourceKind =
  | "ctl"
  | "pem"
  | "directory"
  | "certdata"
  | "builtin"
  | "system"
  | "synthetic"
  | "mixed";

/** What an entry knows beyond its certificate (CTL attributes, certdata trust). All dates ISO 8601. */
export interface RootEntryInfo {
  ekus?: string[];
  friendlyName?: string;
  disallowedSince?: string;
  notBefore?: string;
  /** Free-form origin tag: "ctl", "synthetic", "client-issuer", a file name... */
  origin?: string;
  [key: string]: unknown;
}

/** One trust anchor. Built from a certificate's DER; everything else is derived. */
export class RootEntry {
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  #subject?: string;
  #sha1?: string;
  #sha256?: string;

  constructor(
    readonly certDer: Uint8Array,
    readonly info: RootEntryInfo = {},
  ) {
    const names = certificateNames(certDer);
    this.subjectDer = names.subject;
    this.issuerDer = names.issuer;
  }

  /** Subject DN as RFC 4514 text (reverse RDN order, "," separators; see dn.ts). */
  get subject(): string {
    if (this.#subject === undefined) {
      try {
        this.#subject = nameToString(this.subjectDer);
      } catch {
        // A subject that is a SEQUENCE but not a well-formed Name still has bytes a server would
        // send; show them (RFC 4514's "#hex" form) rather than fail a report.
        this.#subject = `#${Buffer.from(this.subjectDer).toString("hex")}`;
      }
    }
    return this.#subject;
  }
  get sha1(): string {
    this.#sha1 ??= createHash("sha1").update(this.certDer).digest("hex");
    return this.#sha1;
  }
  get sha256(): string {
    this.#sha256 ??= createHash("sha256").update(this.certDer).digest("hex");
    return this.#sha256;
  }
  /** Bytes this entry adds to a TLS certificate_authorities list: u16 length + DER subject. */
  get caNameBytes(): number {
    return 2 + this.subjectDer.length;
  }
  toPem(): string {
    const b64 = Buffer.from(this.certDer).toString("base64");
    return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`;
  }
}

export interface RootStoreMeta {
  thisUpdate?: string;
  sequenceNumber?: string;
  signature?: "valid" | "invalid";
  signer?: string;
  missingCerts?: string[];
  duplicates?: string[];
  [key: string]: unknown;
}

/**
 * One in-memory root list, whatever the source (CTL, PEM, certdata.txt, built-in, synthetic).
 * Immutable: operations return new stores. Order matters: it is the order the list is loaded
 * into a server, and servers that keep file order advertise it that way.
 */
export class RootStore {
  readonly caListBytes: number;

  constructor(
    /** A path, "builtin", "synthetic:seed"... for reports. */
    readonly source: string,
    readonly kind: RootSourceKind,
    readonly entries: readonly RootEntry[],
    readonly meta: RootStoreMeta = {},
  ) {
    this.caListBytes = caListBytes(entries);
  }

  get count(): number {
    return this.entries.length;
  }

  /** A new store with these entries, keeping source and kind. */
  withEntries(entries: readonly RootEntry[], meta: RootStoreMeta = this.meta): RootStore {
    return new RootStore(this.source, this.kind, entries, meta);
  }

  /** The whole store as a PEM bundle, in store order. */
  toPem(): string {
    return this.entries.map((e) => e.toPem()).join("");
  }
}

/** Exact size of the TLS CA-name list these entries produce: sum of (2 + DER subject length). */
export function caListBytes(entries: readonly { subjectDer: Uint8Array }[]): number {
  let n = 0;
  for (const e of entries) n += 2 + e.subjectDer.length;
  return n;
}

export function toArrayBuffer(u8: Uint8Array): ArrayBuffer {
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer;
}
