import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CertAndKey } from "../pki/test-pki.ts";
import { makeOwnedTempDir } from "../state-dir.ts";

/** PEM files of one identity, for the command-line clients. */
export interface IdentityFiles {
  cert: string;
  key: string;
}

let cache = new WeakMap<CertAndKey, IdentityFiles>();
const dirs: string[] = [];
let hooked = false;

/**
 * Remove every identity file written by this process. Runs at exit too, but test workers are often
 * stopped without an `exit` event, so suites call it in afterAll.
 */
export function removeIdentityFiles(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  cache = new WeakMap();
}

/**
 * Write an identity's PEM files once per process (0600, removed at exit). A user's identity read
 * from files is used where it is: its key is never copied.
 */
export function identityFiles(id: CertAndKey): IdentityFiles {
  const hit = cache.get(id);
  if (hit) return hit;
  if (id.keyFile && id.certFile) {
    const own = { cert: id.certFile, key: id.keyFile };
    cache.set(id, own);
    return own;
  }
  // Under the state folder, so a run killed with SIGKILL has its key files removed by the next.
  const dir = makeOwnedTempDir("id");
  dirs.push(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", removeIdentityFiles);
  }
  const files = { cert: path.join(dir, "cert.pem"), key: id.keyFile ?? path.join(dir, "key.pem") };
  writeFileSync(files.cert, id.certPem, { mode: 0o600 });
  if (!id.keyFile) writeFileSync(files.key, id.keyPem, { mode: 0o600 });
  cache.set(id, files);
  return files;
}
