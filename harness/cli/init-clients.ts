import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { ClientName } from "../model/names.ts";

/**
 * The clients `rootload init` puts in a starter scenario: the stacks that break first (Java at
 * 32,768 B, Go at 65,536 B) and the others this machine has. A client is offered when its program
 * is on PATH (node always: rootload runs on it).
 */
const PROGRAMS: readonly { client: ClientName; program: string; why: string }[] = [
  { client: "java", program: "java", why: "JSSE refuses a CertificateRequest over 32,768 B" },
  { client: "go", program: "go", why: "crypto/tls refuses a handshake message over 65,536 B" },
  { client: "openssl", program: "openssl", why: "openssl s_client" },
  { client: "curl", program: "curl", why: "curl with OpenSSL" },
  { client: "python", program: "python3", why: "Python's ssl module" },
  { client: "gnutls", program: "gnutls-cli", why: "GnuTLS" },
];

export interface InitClients {
  chosen: ClientName[];
  /** One line per client: chosen or not, and why. */
  reasons: string[];
}

/** Whether `program` is an executable file in one of the PATH folders. */
function onPath(program: string, pathEnv: string): boolean {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

/** The starter's clients: node, then each of PROGRAMS found on `pathEnv`. */
export function initClients(pathEnv = process.env.PATH ?? ""): InitClients {
  const chosen: ClientName[] = ["node"];
  const reasons = ["node: always (rootload runs on it; OpenSSL inside Node)"];
  for (const p of PROGRAMS) {
    if (onPath(p.program, pathEnv)) {
      chosen.push(p.client);
      reasons.push(`${p.client}: ${p.program} found on PATH (${p.why})`);
    } else reasons.push(`${p.client}: left out, no ${p.program} on PATH (${p.why})`);
  }
  return { chosen, reasons };
}
