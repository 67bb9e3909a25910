import { copyFile, readdir } from "node:fs/promises";
import path from "node:path";
import { alertName, type Outcome } from "../model/outcome.ts";
import type { Availability, Runtime } from "../runtime/runtime.ts";
import { CLIENT_SOURCES } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";

/** Debian packages of the Erlang client: the VM with escript, and OTP's ssl application. */
export const ERLANG_PACKAGES = { base: "erlang-base", ssl: "erlang-ssl" } as const;
const SCRIPT = "rootload_erlang_client.escript";
/** Where Debian's OTP keeps its applications. */
const ERLANG_LIB = "/usr/lib/erlang/lib";

/**
 * OTP ssl's error terms, as the client prints them: `tls_alert certificate_required: TLS client: In
 * state connection received SERVER ALERT: Fatal - Certificate required` is the server's alert;
 * `... generated CLIENT ALERT: Fatal - Handshake Failure - {max_handshake_size_exceeded,N}` is the
 * client refusing a message over its `max_handshake_size` in some releases; OTP 25 (ssl 10.8.7)
 * words that refusal `Handshake Failure  malformed_handshake_data`, the same words as a message it
 * cannot parse, so it stays `malformed` on the client side (measured: scenarios/erlang-boundary).
 */
export function erlangOutcome(detail: string): Outcome {
  if (/max_handshake_size_exceeded/.test(detail)) return { class: "excessive-size", detail, side: "client" };
  // An alert that came after ssl:connect returned, read from ssl's own log (the recv saw `closed`).
  const code = /^tls_alert_code (\d+): .*SERVER ALERT/.exec(detail);
  if (code) return { class: "server-alert", alert: alertName(Number(code[1])), detail };
  const alert = /^tls_alert ([a-z_0-9]+): .*(SERVER|CLIENT) ALERT/.exec(detail);
  if (alert?.[2] === "SERVER") return { class: "server-alert", alert: alert[1]!, detail };
  if (alert) return { class: "malformed", detail, side: "client" };
  if (/econnrefused/.test(detail)) return { class: "server-error", detail };
  if (/^timeout$|\btimeout\b/.test(detail)) return { class: "timeout", detail };
  if (/^closed$|econnreset|epipe|closed by the server/.test(detail)) return { class: "reset", detail };
  return { class: "malformed", detail };
}

async function erlangAvailability(rt: Runtime): Promise<Availability> {
  const base = await rt.hasBinary("escript", ERLANG_PACKAGES.base);
  if (!base.ok) return base;
  if (rt.kind === "container") return rt.hasBinary("escript", ERLANG_PACKAGES.ssl);
  // On the host the ssl application is a separate package: look for its folder under OTP's lib.
  const lib = await readdir(ERLANG_LIB).catch(() => [] as string[]);
  return lib.some((d) => d.startsWith("ssl-"))
    ? { ok: true }
    : {
        ok: false,
        reason: `OTP's ssl application is not installed on this host (Debian package ${ERLANG_PACKAGES.ssl})`,
      };
}

/**
 * Erlang/OTP's own TLS (`ssl`, Debian's erlang-ssl: OTP 25), with `certfile`/`keyfile` as RabbitMQ,
 * EMQX and Elixir clients configure it: the certificate goes out whatever the list says. One node
 * per option set, fed over a control connection; `max_handshake_size` from the entry's properties.
 */
export const erlangProgram: LoopProgram = {
  availability: erlangAvailability,
  async argv(_rt, port, spec, dir) {
    // The script runs from the client's own folder: the container sees it at the same path.
    const script = path.join(dir, SCRIPT);
    await copyFile(path.join(CLIENT_SOURCES.erlang, SCRIPT), script);
    const opts = Object.entries(spec.properties).map(([k, v]) => `${k}=${v}`);
    return ["escript", script, String(port), ...opts];
  },
  ready: /rootload-erlang-client ready on \d+ \((.*)\)/,
  classify: erlangOutcome,
  reportsSelection: true,
};
