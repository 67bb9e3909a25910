import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { runCli } from "../../support/cli.ts";
import { operatorSServer } from "../../support/operator-s-server.ts";
import { mozillaRoots } from "../../support/root-data.ts";
import { readCases, runDir } from "../../support/run-files.ts";
import { makeUserPki } from "../../support/user-pki.ts";

const stop = (c: ChildProcess) =>
  new Promise<void>((r) => {
    if (c.exitCode !== null) return r();
    c.once("exit", () => r());
    c.kill("SIGTERM");
  });

describe("endpoint: a server started outside rootload", () => {
  const pki = makeUserPki();
  const roots = mozillaRoots().slice(0, 40);
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server) await stop(server);
  });

  it("finds its list and outcomes; after its CA file changes, compare exits 1 naming the change", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-endpoint-"));
    const caFile = path.join(work, "client-cas.pem");
    writeFileSync(caFile, roots.map((r) => r.toPem()).join("") + pki.caPem);
    const port = await freePort();
    server = await operatorSServer(pki.dir, port, caFile);
    const scenario = path.join(work, "staging.scenario.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        name: "staging-mtls",
        servers: [{ driver: "endpoint", address: `127.0.0.1:${port}`, tls: ["1.2", "1.3"] }],
        clients: ["node", "openssl"],
        identity: { cert: pki.file("client.pem"), key: pki.file("client.key"), issuer: pki.file("ca.pem") },
        latency: false, // outcomes and lists only
        expect: [{ outcome: "ok", clientIssuerAdvertised: true }],
      }),
    );
    const before = path.join(work, "before");
    const r1 = await runCli(["run", scenario, "--out", before, "--quiet"]);
    expect(r1.code, r1.stderr).toBe(0);
    const c1 = readCases(runDir(before));
    expect(c1).toHaveLength(4);
    for (const c of c1) {
      expect(c.outcome.class, c.id).toBe("ok");
      expect(c.step.label).toBe("endpoint");
      expect(c.policy).toBe("as-configured");
      // Not known for a server rootload did not configure: absent, not zero.
      expect(c.configured).toBeUndefined();
      expect(c.intended).toBeUndefined();
      expect(c.limitHeadroomBytes).toBeUndefined();
      expect(c.clientIssuer).toBeUndefined();
      expect(c.advertised?.count).toBe(41);
      expect(c.advertised?.names?.at(-1)).toBe(pki.caSubject);
      expect(c.advertised?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(c.clientIssuerAdvertised).toBe(true);
    }
    // The key is read where it is, never written into the results.
    const keyBody = readFileSync(pki.file("client.key"), "utf8").split("\n")[5]!;
    for (const f of readdirSync(runDir(before)))
      expect(readFileSync(path.join(runDir(before), f), "utf8")).not.toContain(keyBody);

    // Same run again: nothing changed, compare passes.
    const again = path.join(work, "again");
    expect((await runCli(["run", scenario, "--out", again, "--quiet"])).code).toBe(0);
    const same = await runCli(["compare", runDir(before), runDir(again), "--latency-threshold", "10000"]);
    expect(same.code, same.stdout).toBe(0);

    // The operator swaps two roots for two others: same count, every handshake still ok.
    await stop(server);
    const swapped = [...roots.slice(2), ...mozillaRoots().slice(40, 42)];
    writeFileSync(caFile, swapped.map((r) => r.toPem()).join("") + pki.caPem);
    server = await operatorSServer(pki.dir, port, caFile);
    const after = path.join(work, "after");
    const r2 = await runCli(["run", scenario, "--out", after, "--quiet"]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(
      readCases(runDir(after)).every((c) => c.outcome.class === "ok" && c.advertised?.count === 41),
    ).toBe(true);
    const cmp = await runCli(["compare", runDir(before), runDir(after), "--latency-threshold", "10000"]);
    expect(cmp.code, cmp.stdout).toBe(1);
    expect(cmp.stdout).toContain(`removed: ${roots[0]!.subject}`);
    expect(cmp.stdout).toContain(`added: ${mozillaRoots()[40]!.subject}`);

    // Then the enterprise CA falls out of the list: the selecting client has no certificate to send.
    await stop(server);
    writeFileSync(caFile, swapped.map((r) => r.toPem()).join(""));
    server = await operatorSServer(pki.dir, port, caFile);
    const cut = path.join(work, "cut");
    const r3 = await runCli(["run", scenario, "--out", cut, "--quiet"]);
    expect(r3.code, r3.stderr).toBe(1);
    const c3 = readCases(runDir(cut));
    // The clients send the certificate anyway (their default); the server no longer trusts its CA.
    for (const c of c3) expect(c.outcome, c.id).toMatchObject({ class: "server-alert", alert: "unknown_ca" });
    expect(c3.every((c) => c.clientIssuerAdvertised === false)).toBe(true);
    const cmp3 = await runCli(["compare", runDir(after), runDir(cut), "--latency-threshold", "10000"]);
    expect(cmp3.code).toBe(1);
    expect(cmp3.stdout).toContain("issuer cut");
    expect(cmp3.stdout).toContain(`removed: ${pki.caSubject}`);
  }, 180_000);

  it("sni: the probe and every client send it (a server that refuses other names accepts them)", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-endpoint-"));
    const caFile = path.join(work, "client-cas.pem");
    writeFileSync(caFile, pki.caPem);
    const port = await freePort();
    const crt = pki.file("server.pem");
    const key = pki.file("server.key");
    // -servername_fatal: a ClientHello naming another server gets a fatal unrecognized_name.
    const named = await operatorSServer(pki.dir, port, caFile, [
      "-servername",
      "api.example.internal",
      "-servername_fatal",
      "-cert2",
      crt,
      "-key2",
      key,
    ]);
    try {
      const run = async (sni: string) => {
        const scenario = path.join(work, `${sni}.scenario.json`);
        writeFileSync(
          scenario,
          JSON.stringify({
            name: "sni",
            servers: [{ driver: "endpoint", address: `127.0.0.1:${port}`, tls: ["1.3"], sni }],
            clients: ["node", "openssl", "gnutls"],
            identity: {
              cert: pki.file("client.pem"),
              key: pki.file("client.key"),
              issuer: pki.file("ca.pem"),
            },
            latency: false,
          }),
        );
        const out = path.join(work, sni);
        expect((await runCli(["run", scenario, "--out", out, "--quiet"])).code).toBe(0);
        return readCases(runDir(out));
      };
      for (const c of await run("api.example.internal")) expect(c.outcome.class, c.id).toBe("ok");
      for (const c of await run("other.example.internal")) {
        expect(c.probeOutcome, c.id).toMatchObject({ class: "server-alert", alert: "unrecognized_name" });
        expect(c.outcome, c.id).toMatchObject({ class: "server-alert", alert: "unrecognized_name" });
      }
    } finally {
      await stop(named);
    }
  }, 120_000);

  it("an unreachable endpoint is bad input: exit 2, one line naming the field, nothing written", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-endpoint-"));
    const port = await freePort();
    const scenario = path.join(work, "gone.scenario.json");
    writeFileSync(
      scenario,
      JSON.stringify({ name: "gone", servers: [{ driver: "endpoint", address: `127.0.0.1:${port}` }] }),
    );
    const out = path.join(work, "out");
    const r = await runCli(["run", scenario, "--out", out]);
    expect(r.code).toBe(2);
    expect(
      r.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("rootload")),
    ).toEqual([
      `rootload run: ${scenario}: servers[0].address: endpoint 127.0.0.1:${port} is not reachable (ECONNREFUSED)`,
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
