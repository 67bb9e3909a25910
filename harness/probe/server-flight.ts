import { createHash } from "node:crypto";
import { alertName, type Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import {
  type CertificateRequestInfo,
  parseCertificateRequest12,
  parseCertificateRequest13,
} from "./certificate-request.ts";
import { buildClientHello, type ClientHello } from "./client-hello.ts";
import { parseCertificate, parseEncryptedExtensions, parseServerHelloDone } from "./handshake-messages.ts";
import { makeKeyShare } from "./key-exchange.ts";
import { openRecord, serverHandshakeKeys, type TrafficKeys, transcriptHash } from "./key-schedule.ts";
import { describeParseError, type ParseError, ParseFailure } from "./parse-error.ts";
import { HandshakeAssembler, type HandshakeMessage, RecordReader, type TlsRecord } from "./record-layer.ts";
import { parseServerHello, type ServerHello } from "./server-hello.ts";
import {
  ContentType,
  cipherName,
  HandshakeType,
  handshakeName,
  NamedGroup,
  TLS12,
  TLS13,
  TLS13_SUITES,
} from "./tls-codes.ts";

/** What the server's first flight told us. */
export interface FlightResult {
  outcome: Outcome;
  version?: TlsVersion;
  cipher?: string;
  certificateRequest?: CertificateRequestInfo;
  /** TLS records received. */
  records: number;
  /** Handshake messages read, in order, e.g. `serverHello(2)`. */
  messages: string[];
  /** The typed parse error behind a `malformed` / `excessive-size` outcome. */
  parseError?: ParseError;
}

/** After each push: more bytes needed (and maybe bytes to send: a second ClientHello), or the result. */
export type FlightStatus = { done: false; send?: Uint8Array } | { done: true; result: FlightResult };

/** Default cap on one handshake message: 16 MiB, the most a u24 length can say. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Most handshake messages read from one server flight. A full TLS 1.2 flight is six (ServerHello,
 * Certificate, CertificateStatus, ServerKeyExchange, CertificateRequest, ServerHelloDone), TLS 1.3
 * with a HelloRetryRequest about the same; more is a peer that never finishes its flight.
 */
export const MAX_FLIGHT_MESSAGES = 32;
/** Most bytes read from the server before the flight is judged: 1 MiB, ten times OpenSSL's max_cert_list. */
export const MAX_FLIGHT_BYTES = 1024 * 1024;

type State = "server-hello" | "tls12" | "tls13";

/**
 * The probe's protocol state, without I/O: feed it the server's bytes, it answers "more" or a
 * result. Reads ServerHello … ServerHelloDone (TLS 1.2) or ServerHello, then decrypts
 * EncryptedExtensions, CertificateRequest and Certificate (TLS 1.3), and stops there.
 * Never throws for anything the peer sends; it is also what the fuzz test drives.
 */
export class ServerFlight {
  #state: State = "server-hello";
  #records = new RecordReader();
  #hs: HandshakeAssembler;
  #keys?: TrafficKeys;
  #seq = 0;
  #version?: TlsVersion;
  #cipher?: string;
  #cr?: CertificateRequestInfo;
  #sawEncryptedExtensions = false;
  #messages: string[] = [];
  #result?: FlightResult;
  /** The ClientHello in force (the second one after a HelloRetryRequest). */
  #hello: ClientHello;
  /** Transcript before the ServerHello: [ClientHello] or [message_hash, HelloRetryRequest, ClientHello2]. */
  #transcript: Uint8Array[];
  #retrySuite?: number;
  #outgoing: Uint8Array[] = [];
  #received = 0;

  /**
   * @param tap sees every handshake message as read (decrypted in TLS 1.3): for capturing fixtures.
   */
  constructor(
    readonly hello: ClientHello,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
    readonly tap?: (m: HandshakeMessage) => void,
  ) {
    // No single message can be larger than the whole flight may be.
    this.#hs = new HandshakeAssembler(Math.min(maxMessageBytes, MAX_FLIGHT_BYTES));
    this.#hello = hello;
    this.#transcript = [hello.message];
  }

  /** True once a well-formed CertificateRequest has been read. */
  get hasCertificateRequest(): boolean {
    return this.#cr !== undefined;
  }

  /** Feed bytes from the server. */
  push(chunk: Uint8Array): FlightStatus {
    if (this.#result) return { done: true, result: this.#result };
    try {
      this.#received += chunk.length;
      if (this.#received > MAX_FLIGHT_BYTES)
        throw new ParseFailure({
          kind: "excessive-size",
          field: "server flight",
          declared: this.#received,
          cap: MAX_FLIGHT_BYTES,
        });
      this.#records.push(chunk);
      for (let rec = this.#records.next(); rec && !this.#result; rec = this.#records.next())
        this.#onRecord(rec);
    } catch (err) {
      if (!(err instanceof ParseFailure)) throw err;
      this.#fail(err.error);
    }
    if (this.#result) return { done: true, result: this.#result };
    const send = this.#outgoing.shift();
    return send ? { done: false, send } : { done: false };
  }

  /**
   * The connection ended (closed, reset, timed out) before the flight was complete. A
   * CertificateRequest already read still makes the result `ok`.
   */
  end(outcome: Outcome): FlightResult {
    if (!this.#result) this.#finish(this.#cr ? { class: "ok" } : outcome);
    return this.#result!;
  }

  /** Where the flight stands, for timeout and close details. */
  describeProgress(): string {
    const last = this.#messages.at(-1);
    return last
      ? `after ${last} (${this.#records.count} records)`
      : `before ServerHello (${this.#records.count} records)`;
  }

  #finish(outcome: Outcome, parseError?: ParseError): void {
    this.#result = {
      outcome,
      ...(this.#version ? { version: this.#version } : {}),
      ...(this.#cipher ? { cipher: this.#cipher } : {}),
      ...(this.#cr ? { certificateRequest: this.#cr } : {}),
      records: this.#records.count,
      messages: this.#messages,
      ...(parseError ? { parseError } : {}),
    };
  }

  #fail(e: ParseError): void {
    if (this.#cr) {
      this.#finish({ class: "ok" });
      return;
    }
    const detail = describeParseError(e);
    this.#finish(
      e.kind === "excessive-size" ? { class: "excessive-size", detail } : { class: "malformed", detail },
      e,
    );
  }

  #onAlert(fragment: Uint8Array): void {
    if (fragment.length !== 2) throw new ParseFailure({ kind: "bad-alert", length: fragment.length });
    const [level, code] = fragment as unknown as [number, number];
    if (this.#cr) {
      this.#finish({ class: "ok" });
      return;
    }
    this.#finish({
      class: "server-alert",
      alert: alertName(code),
      detail: `${level === 2 ? "fatal" : level === 1 ? "warning" : `level ${level}`} alert ${code} ${this.describeProgress()}`,
    });
  }

  #onRecord(rec: TlsRecord): void {
    if (rec.type === ContentType.alert) {
      this.#onAlert(rec.fragment);
      return;
    }
    // Middlebox-compatibility CCS (RFC 8446 §D.4): one byte 0x01, ignored; it may also follow a
    // HelloRetryRequest, before the real ServerHello.
    if (
      rec.type === ContentType.changeCipherSpec &&
      (this.#state === "tls13" || (this.hello.tls === "1.3" && this.#retrySuite !== undefined))
    ) {
      if (rec.fragment.length !== 1 || rec.fragment[0] !== 1)
        throw new ParseFailure({
          kind: "bad-value",
          field: "change_cipher_spec",
          rfc: "RFC 8446 §5",
          value: "not 0x01",
        });
      return;
    }
    if (this.#state === "tls13") {
      if (rec.type !== ContentType.applicationData)
        throw new ParseFailure({
          kind: "unexpected-message",
          expected: "encrypted record",
          got: `record type ${rec.type}`,
        });
      const inner = openRecord(this.#keys!, this.#seq++, rec.header, rec.fragment);
      if (!inner) throw new ParseFailure({ kind: "decrypt-failed", field: `record ${this.#records.count}` });
      if (inner.type === ContentType.alert) {
        this.#onAlert(inner.content);
        return;
      }
      if (inner.type !== ContentType.handshake)
        throw new ParseFailure({
          kind: "unexpected-message",
          expected: "handshake",
          got: `inner content type ${inner.type}`,
        });
      this.#hs.push(inner.content);
    } else {
      if (rec.type !== ContentType.handshake)
        throw new ParseFailure({
          kind: "unexpected-message",
          expected: "handshake record",
          got: `record type ${rec.type}`,
        });
      this.#hs.push(rec.fragment);
    }
    for (let m = this.#hs.next(); m && !this.#result; m = this.#hs.next()) this.#onMessage(m);
  }

  #onMessage(m: HandshakeMessage): void {
    if (this.#messages.length >= MAX_FLIGHT_MESSAGES)
      throw new ParseFailure({
        kind: "unexpected-message",
        expected: `at most ${MAX_FLIGHT_MESSAGES} handshake messages in the server's first flight`,
        got: `another ${handshakeName(m.type)}`,
      });
    this.#messages.push(handshakeName(m.type));
    this.tap?.(m);
    if (this.#state === "server-hello") {
      this.#onServerHello(m);
      return;
    }
    if (this.#state === "tls12") {
      this.#onTls12(m);
      return;
    }
    this.#onTls13(m);
    return;
  }

  #onServerHello(m: HandshakeMessage): void {
    if (m.type !== HandshakeType.serverHello)
      throw new ParseFailure({
        kind: "unexpected-message",
        expected: "ServerHello",
        got: handshakeName(m.type),
      });
    const sh = parseServerHello(m.body);
    if (sh.helloRetryRequest) {
      this.#onHelloRetryRequest(sh, m);
      return;
    }
    if (this.#retrySuite !== undefined && sh.cipherSuite !== this.#retrySuite)
      throw new ParseFailure({
        kind: "bad-value",
        field: "ServerHello.cipher_suite",
        rfc: "RFC 8446 §4.1.4",
        value: `${cipherName(sh.cipherSuite)} differs from the HelloRetryRequest's ${cipherName(this.#retrySuite)}`,
      });
    const hello = this.#hello;
    const want = hello.tls === "1.3" ? TLS13 : TLS12;
    if (sh.version !== want)
      throw new ParseFailure({
        kind: "bad-value",
        field: "ServerHello.version",
        rfc: "RFC 8446 §4.1.3",
        value: `0x${sh.version.toString(16)} (asked for TLS ${hello.tls} only)`,
      });
    if (!hello.cipherSuites.includes(sh.cipherSuite))
      throw new ParseFailure({
        kind: "bad-value",
        field: "ServerHello.cipher_suite",
        rfc: "RFC 8446 §4.1.3",
        value: `${cipherName(sh.cipherSuite)} was not offered`,
      });
    this.#version = hello.tls;
    this.#cipher = cipherName(sh.cipherSuite);
    if (hello.tls === "1.2") {
      this.#state = "tls12";
      return;
    }
    const suite = TLS13_SUITES[sh.cipherSuite];
    const share = hello.keyShares.find((k) => k.code === sh.keyShare!.group);
    if (!suite || !share)
      throw new ParseFailure({
        kind: "bad-value",
        field: "ServerHello.key_share.group",
        rfc: "RFC 8446 §4.2.8",
        value: `0x${sh.keyShare!.group.toString(16)} was not offered`,
      });
    let shared: Uint8Array;
    try {
      shared = share.agree(sh.keyShare!.keyExchange!);
    } catch {
      throw new ParseFailure({
        kind: "bad-value",
        field: "ServerHello.key_share.key_exchange",
        rfc: "RFC 8446 §4.2.8.2",
        value: "not a valid point",
      });
    }
    // The ServerHello must end its record: keys change right after it (RFC 8446 §5.1).
    if (this.#hs.buffered > 0)
      throw new ParseFailure({
        kind: "bad-value",
        field: "ServerHello record",
        rfc: "RFC 8446 §5.1",
        value: "handshake data after ServerHello in the same record",
      });
    this.#keys = serverHandshakeKeys(
      suite.hash,
      suite.aead,
      shared,
      transcriptHash(suite.hash, [...this.#transcript, m.message]),
    );
    this.#state = "tls13";
  }

  /**
   * HelloRetryRequest, RFC 8446 §4.1.4: send a second ClientHello with a share for the group the
   * server picked, same random and session id, the cookie echoed; the transcript starts over with
   * message_hash(ClientHello1) (§4.4.1).
   */
  #onHelloRetryRequest(sh: ServerHello, m: HandshakeMessage): void {
    const rfc = "RFC 8446 §4.1.4";
    this.#messages[this.#messages.length - 1] = "helloRetryRequest(2)";
    if (this.#retrySuite !== undefined)
      throw new ParseFailure({
        kind: "unexpected-message",
        expected: "ServerHello",
        got: "a second HelloRetryRequest",
      });
    const suite = TLS13_SUITES[sh.cipherSuite];
    if (
      this.hello.tls !== "1.3" ||
      sh.version !== TLS13 ||
      !suite ||
      !this.hello.cipherSuites.includes(sh.cipherSuite)
    )
      throw new ParseFailure({
        kind: "bad-value",
        field: "HelloRetryRequest",
        rfc,
        value: `version 0x${sh.version.toString(16)}, ${cipherName(sh.cipherSuite)}`,
      });
    const code = sh.keyShare?.group;
    const group = this.hello.options.groups.find((g) => NamedGroup[g] === code);
    if (!group || this.hello.keyShares.some((k) => k.code === code))
      throw new ParseFailure({
        kind: "bad-value",
        field: "HelloRetryRequest.key_share.selected_group",
        rfc,
        value: `0x${code?.toString(16) ?? "none"} (not offered, or already shared)`,
      });
    const second = buildClientHello({
      ...this.hello.options,
      keyShares: [makeKeyShare(group)],
      ...(sh.cookie ? { cookie: sh.cookie } : {}),
    });
    const first = createHash(suite.hash).update(this.hello.message).digest();
    const messageHash = Buffer.concat([Buffer.from([254, 0, 0, first.length]), first]);
    this.#transcript = [new Uint8Array(messageHash), m.message, second.message];
    this.#hello = second;
    this.#retrySuite = sh.cipherSuite;
    this.#outgoing.push(second.record);
  }

  #onTls12(m: HandshakeMessage): void {
    switch (m.type) {
      case HandshakeType.certificate:
        parseCertificate(m.body, "1.2");
        return;
      case HandshakeType.serverKeyExchange:
      case HandshakeType.certificateStatus:
        return; // not needed to reach the CertificateRequest
      case HandshakeType.certificateRequest:
        this.#cr = parseCertificateRequest12(m.body);
        return;
      case HandshakeType.serverHelloDone:
        parseServerHelloDone(m.body);
        {
          this.#finish(
            this.#cr
              ? { class: "ok" }
              : { class: "no-certificate-request", detail: "ServerHelloDone without CertificateRequest" },
          );
          return;
        }
      default:
        throw new ParseFailure({
          kind: "unexpected-message",
          expected: "Certificate … ServerHelloDone",
          got: handshakeName(m.type),
        });
    }
  }

  #onTls13(m: HandshakeMessage): void {
    if (!this.#sawEncryptedExtensions) {
      if (m.type !== HandshakeType.encryptedExtensions)
        throw new ParseFailure({
          kind: "unexpected-message",
          expected: "EncryptedExtensions",
          got: handshakeName(m.type),
        });
      parseEncryptedExtensions(m.body);
      this.#sawEncryptedExtensions = true;
      return;
    }
    switch (m.type) {
      case HandshakeType.certificateRequest:
        if (this.#cr)
          throw new ParseFailure({
            kind: "unexpected-message",
            expected: "Certificate",
            got: "second CertificateRequest",
          });
        this.#cr = parseCertificateRequest13(m.body);
        return;
      case HandshakeType.certificate:
        parseCertificate(m.body, "1.3");
        {
          this.#finish(
            this.#cr
              ? { class: "ok" }
              : { class: "no-certificate-request", detail: "Certificate without CertificateRequest" },
          );
          return;
        }
      case HandshakeType.certificateVerify:
      case HandshakeType.finished: {
        this.#finish(
          this.#cr
            ? { class: "ok" }
            : {
                class: "no-certificate-request",
                detail: `${handshakeName(m.type)} without CertificateRequest`,
              },
        );
        return;
      }
      default:
        throw new ParseFailure({
          kind: "unexpected-message",
          expected: "CertificateRequest or Certificate",
          got: handshakeName(m.type),
        });
    }
  }
}
