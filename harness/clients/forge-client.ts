import { connect, type Socket } from "node:net";
import forge from "node-forge";
import { isNoServer } from "../model/no-server.ts";
import { alertName, type Outcome } from "../model/outcome.ts";
import { startTls } from "../probe/starttls.ts";
import { certificateNames } from "../roots/der.ts";
import { identityOf, issuerAdvertised, outcomeText } from "./issuer-selection.ts";
import type { ClientStack, HandshakeOptions, HandshakeResult } from "./tls-client.ts";

/** Split a certificate_authorities body (u16-prefixed DER names, RFC 5246 §7.4.4) into names. */
export function splitDistinguishedNames(list: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p + 2 <= list.length) {
    const n = (list[p]! << 8) | list[p + 1]!;
    if (p + 2 + n > list.length) break;
    out.push(list.subarray(p + 2, p + 2 + n));
    p += 2 + n;
  }
  return out;
}

interface ForgeCertificateRequest {
  certificate_authorities?: { bytes(): string };
}

/**
 * node-forge's TLS client: a model of a Windows XP/2003-era client (KB 2801679). Its
 * `getCertificate(conn, hint)` receives the server's CertificateRequest; it presents the
 * certificate only when its issuer's DER is in the advertised list, and none otherwise.
 *
 * Server settings it needs (node-forge 1.x speaks TLS 1.0/1.1 with TLS_RSA_WITH_AES_{128,256}_CBC_SHA
 * only): an RSA server key, TLS 1.0/1.1 enabled and OpenSSL 3's security level lowered, e.g.
 * `openssl s_server -cipher 'DEFAULT:@SECLEVEL=0' -min_protocol TLSv1` (no `-tls1_2`/`-tls1_3`),
 * nginx/Apache `ssl_protocols TLSv1 ...` + `ssl_ciphers DEFAULT:@SECLEVEL=0`
 * (ServerConfig.legacyCompat). Otherwise OpenSSL answers `internal_error` or `protocol_version`.
 * `tls` is ignored: forge always offers TLS 1.1.
 */
function handshake(o: HandshakeOptions): Promise<HandshakeResult> {
  const held = identityOf(o.pki, o.identity);
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const t0 = performance.now();
    let socket: Socket | undefined;
    let done = false;
    let seen: Uint8Array[] | undefined;
    let withheld = false;
    const finish = (outcome: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.destroy();
      if (withheld && outcome.class !== "ok")
        outcome = {
          class: "issuer-not-advertised",
          detail: `no certificate sent: issuer not among ${seen?.length ?? 0} advertised names; server: ${outcomeText(outcome)}`,
        };
      resolve({
        outcome,
        ms: performance.now() - t0,
        ...(seen ? { advertisedDer: seen } : {}),
        // Its own selection ran (getCertificate was called): what it chose is known.
        ...(seen && held ? { certificate: { sent: !withheld, issuersSeen: seen.length } } : {}),
      });
    };
    const timer = setTimeout(
      () => finish({ class: "timeout", detail: `no handshake within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const conn = forge.tls.createConnection({
      server: false,
      verify: () => true, // the harness tests the server's CA list, not its certificate
      getCertificate: (_c: unknown, hint: unknown) => {
        const cas = (hint as ForgeCertificateRequest | undefined)?.certificate_authorities;
        seen = splitDistinguishedNames(new Uint8Array(Buffer.from(cas ? cas.bytes() : "", "binary")));
        if (!held) return null as unknown as string;
        // Windows' rule: an empty list means "any"; otherwise the issuer must be listed.
        const issuer = certificateNames(held.certDer).issuer;
        if (seen.length > 0 && !issuerAdvertised(issuer, seen)) {
          withheld = true;
          return null as unknown as string;
        }
        return held.certPem;
      },
      getPrivateKey: () => held?.keyPem ?? "",
      connected: () => finish({ class: "ok" }),
      tlsDataReady: (c: forge.tls.Connection) => {
        const bytes = c.tlsData.getBytes();
        if (bytes.length) socket?.write(Buffer.from(bytes, "binary"));
      },
      dataReady: () => {},
      closed: () => finish({ class: "reset", detail: "connection closed" }),
      error: (_c: forge.tls.Connection, err: forge.tls.TLSError) => {
        const origin = (err as { origin?: string }).origin;
        const alert = (err as { alert?: { description?: number } }).alert?.description;
        if (origin === "server" && alert !== undefined)
          return finish({ class: "server-alert", alert: alertName(alert), detail: err.message });
        finish({ class: "malformed", detail: `forge: ${err.message}` });
      },
    } as unknown as Parameters<typeof forge.tls.createConnection>[0]);
    socket = connect({ host: o.host, port: o.port, noDelay: true });
    const begin = () => {
      socket!.on("data", (d: Buffer) => conn.process(d.toString("binary")));
      socket!.resume();
      conn.handshake();
    };
    socket.once("connect", async () => {
      if (!o.starttls) return begin();
      const r = await startTls(socket!, o.starttls, Math.max(1, timeoutMs - (performance.now() - t0)));
      if (r.ok) begin();
      else finish(r.outcome);
    });
    socket.on("error", (err: NodeJS.ErrnoException) =>
      finish({
        class: isNoServer(err.code) ? "server-error" : "reset",
        detail: `${err.code}: ${err.message}`,
      }),
    );
    socket.once("end", () => finish({ class: "reset", detail: "closed by the server" }));
  });
}

/** node-forge TLS 1.0/1.1 client with issuer-hint certificate selection (its own, from the hint it is given). */
export const forgeStack: ClientStack = {
  available: async () => typeof forge.tls?.createConnection === "function",
  once: (o) => handshake(o),
};
