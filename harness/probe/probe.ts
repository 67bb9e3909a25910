import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { log } from "../log.ts";
import { isNoServer } from "../model/no-server.ts";
import type { Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CertificateRequestInfo } from "./certificate-request.ts";
import { buildClientHello } from "./client-hello.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, type FlightResult, ServerFlight } from "./server-flight.ts";
import { type StartTlsProtocol, startTls } from "./starttls.ts";
import type { GroupName } from "./tls-codes.ts";

/** What to probe. */
export interface ProbeOptions {
  host: string;
  port: number;
  tls: TlsVersion;
  /** server_name to send; default none (IP literals are never sent, RFC 6066 §3). */
  sni?: string;
  /** Bound on the whole probe, connect included (ms). Default 10,000. */
  timeoutMs?: number;
  /** Cap on one handshake message (bytes). Default 16 MiB. */
  maxMessageBytes?: number;
  /** Cipher suites to offer, in order (IANA codes); default per version. */
  cipherSuites?: readonly number[];
  /** supported_groups; default x25519, secp256r1, secp384r1 (key shares for the first two; a HelloRetryRequest is followed). */
  groups?: readonly GroupName[];
  /** Key shares to send up front; default the first two groups. */
  keyShareGroups?: readonly GroupName[];
  /** Plaintext prelude before the ClientHello (e.g. PostgreSQL's SSLRequest). */
  starttls?: StartTlsProtocol;
}

/** What the probe saw. `outcome.class === "ok"` iff a well-formed CertificateRequest was read. */
export interface ProbeResult {
  outcome: Outcome;
  version?: TlsVersion;
  cipher?: string;
  certificateRequest?: CertificateRequestInfo;
  /** TLS records received. */
  records: number;
  /** All in ms from the start of the probe; -1 when that point was never reached (no connection, no byte). */
  timings: {
    connectMs: number;
    /** When the server agreed to TLS after the STARTTLS prelude (only with `starttls`). */
    starttlsMs?: number;
    firstByteMs: number;
    certificateRequestMs?: number;
    totalMs: number;
  };
}

/**
 * Send one ClientHello and read the server's flight up to its CertificateRequest (TLS 1.3: up to
 * its Certificate, decrypted with the probe's own key schedule), then close. Never throws for
 * anything the peer does; every wait is bounded by `timeoutMs`.
 */
export async function probe(opts: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const hello = buildClientHello({
    tls: opts.tls,
    sni: opts.sni,
    cipherSuites: opts.cipherSuites,
    groups: opts.groups,
    keyShareGroups: opts.keyShareGroups,
  });
  const flight = new ServerFlight(hello, opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  const t0 = performance.now();
  const since = () => Math.round((performance.now() - t0) * 1000) / 1000;
  const timings: ProbeResult["timings"] = { connectMs: -1, firstByteMs: -1, totalMs: 0 };

  const result = await new Promise<FlightResult>((resolve) => {
    let socket: Socket | undefined;
    let settled = false;
    // While the STARTTLS prelude runs, startTls() owns the socket and reports its own outcome.
    let inPrelude = false;
    const settle = (r: FlightResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Stop cleanly: no need to finish the handshake. destroy() also covers a peer that never reads.
      socket?.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        settle(
          flight.end({
            class: "timeout",
            detail: inPrelude
              ? `no answer to the ${opts.starttls} STARTTLS prelude within ${timeoutMs} ms`
              : `no ${timings.connectMs < 0 ? "connection" : "CertificateRequest"} within ${timeoutMs} ms ${flight.describeProgress()}`,
          }),
        ),
      timeoutMs,
    );
    try {
      socket = connect({ host: opts.host, port: opts.port, noDelay: true });
    } catch (err) {
      settle(flight.end({ class: "reset", detail: `connect: ${(err as Error).message}` }));
      return;
    }
    socket.once("connect", async () => {
      timings.connectMs = since();
      if (opts.starttls) {
        inPrelude = true;
        const r = await startTls(socket!, opts.starttls, Math.max(1, timeoutMs - since()));
        inPrelude = false;
        if (!r.ok) return settle(flight.end(r.outcome));
        timings.starttlsMs = since();
        socket!.on("data", onData);
        socket!.resume();
      }
      socket!.write(hello.record);
    });
    const onData = (chunk: Buffer) => {
      if (timings.firstByteMs < 0) timings.firstByteMs = since();
      const hadCr = flight.hasCertificateRequest;
      let status: ReturnType<ServerFlight["push"]>;
      try {
        status = flight.push(chunk);
      } catch (err) {
        // A parser bug, not the peer's fault; still a result, so one bad server cannot stop a run.
        log.error({ err, host: opts.host, port: opts.port }, "probe parser bug");
        settle(flight.end({ class: "malformed", detail: `probe internal error: ${(err as Error).message}` }));
        return;
      }
      if (!hadCr && flight.hasCertificateRequest) timings.certificateRequestMs = since();
      if (status.done) settle(status.result);
      else if (status.send) socket!.write(status.send); // the second ClientHello after a HelloRetryRequest
    };
    if (!opts.starttls) socket.on("data", onData);
    socket.once(
      "end",
      () =>
        inPrelude ||
        settle(
          flight.end({
            class: "reset",
            detail: `connection closed by the peer without an alert ${flight.describeProgress()}`,
          }),
        ),
    );
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (inPrelude) return;
      const code = err.code ?? "error";
      // No server to talk to is an infrastructure failure, not the server's reaction to us.
      const unreachable = timings.connectMs < 0 && isNoServer(code);
      settle(
        flight.end(
          code === "ETIMEDOUT"
            ? { class: "timeout", detail: err.message }
            : unreachable
              ? { class: "server-error", detail: `${code}: ${err.message}` }
              : { class: "reset", detail: `${code}: ${err.message} ${flight.describeProgress()}` },
        ),
      );
    });
    socket.once(
      "close",
      () =>
        inPrelude ||
        settle(flight.end({ class: "reset", detail: `connection closed ${flight.describeProgress()}` })),
    );
  });
  timings.totalMs = since();
  return {
    outcome: result.outcome,
    ...(result.version ? { version: result.version } : {}),
    ...(result.cipher ? { cipher: result.cipher } : {}),
    ...(result.certificateRequest ? { certificateRequest: result.certificateRequest } : {}),
    records: result.records,
    timings,
  };
}
