import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../harness/cli/index.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { freePort } from "../../../harness/runtime/free-port.ts";

let pki: TestPki;
let server: Server;
let port: number;

beforeAll(async () => {
  pki = await sharedTestPki();
  server = createServer({
    key: pki.server.keyPem,
    cert: pki.server.certPem,
    ca: [pki.clientIssuer.certPem],
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("rootload probe", () => {
  it("--json prints one object with version, outcome and the CA list; exit 0", async () => {
    const r = await run(["probe", `127.0.0.1:${port}`, "--tls", "1.2", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe("1.2");
    expect(j.outcome).toEqual({ class: "ok" });
    expect(j.certificateRequest.authorities).toHaveLength(1);
    expect(Buffer.from(j.certificateRequest.authorities[0].der, "base64")).toEqual(
      Buffer.from(pki.clientIssuerEntry.subjectDer),
    );
    expect(j.certificateRequest.authorities[0].name).toBe(
      "C=US,O=rootload test enterprise,CN=rootload Enterprise Client Issuing CA",
    );
    expect(j.certificateRequest.authoritiesBytes).toBe(pki.clientIssuerEntry.caNameBytes);
    expect(j.certificateRequest.messageBytes).toBeGreaterThan(j.certificateRequest.authoritiesBytes);
  });

  it("human output is a table; TLS 1.3 by default", async () => {
    const r = await run(["probe", `127.0.0.1:${port}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^version\s+TLS 1\.3$/m);
    expect(r.stdout).toMatch(/^CA names\s+1$/m);
    expect(r.stdout).toContain("CN=rootload Enterprise Client Issuing CA");
  });

  it("exit 1 when no CertificateRequest was read", async () => {
    const r = await run(["probe", `127.0.0.1:${await freePort()}`, "--timeout", "2000", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).outcome.class).toBe("server-error");
  });

  it.each([
    [["probe"]],
    [["probe", "nohostport"]],
    [["probe", "h:1", "--tls", "1.1"]],
    [["probe", "h:1", "--bogus"]],
    [["probe", "h:1", "--timeout", "x"]],
  ])("exit 2 on bad usage: %j", async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rootload probe[ :]/);
  });
});
