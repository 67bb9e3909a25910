import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import { CLIENT_SOURCES } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";
import { classifyOpensslError } from "./openssl-errors.ts";

/** Debian's interpreter: `python3` on PATH may be a pyenv shim with another OpenSSL. */
export const PYTHON = "/usr/bin/python3";

/**
 * Python's `ssl` (Debian's python3 and its OpenSSL): sends the configured certificate whatever the
 * list says. Runs on the host in both runtimes, like the openssl and gnutls clients.
 */
export const pythonProgram: LoopProgram = {
  hostOnly: true,
  availability: () =>
    access(PYTHON, constants.X_OK).then(
      () => ({ ok: true }),
      () => ({ ok: false, reason: `${PYTHON} is not installed on this host (Debian package python3)` }),
    ),
  async argv(_rt, port) {
    return [PYTHON, "-u", path.join(CLIENT_SOURCES.python, "rootload_python_client.py"), String(port)];
  },
  ready: /rootload-python-client ready on \d+ \((.*)\)/,
  // "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required (_ssl.c:2580)"
  classify: (detail) =>
    // smtplib / imaplib: the server would not upgrade (no STARTTLS offered, or refused).
    detail.startsWith("STARTTLS refused: ")
      ? { class: "no-certificate-request", detail }
      : classifyOpensslError(detail.replace(/ \(_ssl\.c:\d+\)/g, "")),
  reportsSelection: false,
};
