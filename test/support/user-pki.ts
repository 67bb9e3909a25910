import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A user's own PKI made with the openssl CLI (not rootload's code): enterprise CA, client, server. */
export interface UserPki {
  dir: string;
  /** Files: ca.pem, client.pem, client.key, server.pem, server.key (and chain/inter files when asked). */
  file(name: string): string;
  caPem: string;
  caSubject: string;
}

function openssl(dir: string, args: string[], env: Record<string, string> = {}): void {
  execFileSync("openssl", args, {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
}

/**
 * `openssl req`/`x509` as an operator would run them. With `intermediate`, the client certificate is
 * issued by an intermediate CA (inter.pem) under the root (ca.pem).
 */
export function makeUserPki(o: { name?: string; intermediate?: boolean } = {}): UserPki {
  const dir = mkdtempSync(path.join(tmpdir(), "rootload-userpki-"));
  const name = o.name ?? "Acme Enterprise Root CA";
  const caExt = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
  writeFileSync(path.join(dir, "ca.ext"), caExt);
  writeFileSync(path.join(dir, "client.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
  writeFileSync(
    path.join(dir, "server.ext"),
    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  const req = (stem: string, subj: string) =>
    openssl(dir, [
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${stem}.key`,
      "-out",
      `${stem}.csr`,
      "-subj",
      subj,
    ]);
  const sign = (stem: string, ca: string, ext: string) =>
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${stem}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-days",
      "30",
      "-extfile",
      ext,
      "-out",
      `${stem}.pem`,
    ]);
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    `/O=Acme Corp/CN=${name}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  let clientCa = "ca";
  if (o.intermediate) {
    req("inter", `/O=Acme Corp/CN=${name} Issuing CA 1`);
    sign("inter", "ca", "ca.ext");
    clientCa = "inter";
  }
  req("client", "/O=Acme Corp/CN=build-agent-7");
  sign("client", clientCa, "client.ext");
  req("server", "/O=Acme Corp/CN=localhost");
  sign("server", "ca", "server.ext");
  const file = (n: string) => path.join(dir, n);
  return { dir, file, caPem: readFileSync(file("ca.pem"), "utf8"), caSubject: `CN=${name},O=Acme Corp` };
}

/** `openssl pkcs12 -export` of the client certificate and key, password in the environment. */
export function exportPkcs12(pki: UserPki, passwordEnv: string, password: string): string {
  const out = pki.file("client.p12");
  openssl(
    pki.dir,
    [
      "pkcs12",
      "-export",
      "-in",
      "client.pem",
      "-inkey",
      "client.key",
      "-out",
      out,
      "-passout",
      `env:${passwordEnv}`,
    ],
    { [passwordEnv]: password },
  );
  return out;
}
