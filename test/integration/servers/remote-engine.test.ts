import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";
import { ContainerRuntime } from "../../../harness/runtime/container-runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { repoRoot } from "../../support/repo-root.ts";
import { driverSuite } from "./driver-suite.ts";

/**
 * The container runtime against a remote engine: a second dockerd in a network namespace of its
 * own (containers/remote-engine.sh), reached as DOCKER_HOST=tcp://10.254.213.2:2375. Its servers
 * are reachable only at that address, its filesystem is not this process's (files go in through
 * the archive API), and it has only the tiny openssl image, so the openssl driver is what runs;
 * the others report themselves unavailable on it.
 */
const SCRIPT = `${repoRoot}/containers/remote-engine.sh`;
const ENGINE_HOST = "10.254.213.2";

function script(cmd: "up" | "down" | "env"): string {
  return execFileSync("bash", [SCRIPT, cmd], { encoding: "utf8", timeout: 110_000 });
}

// Before anything asks testcontainers for its (process-wide, cached) engine client.
const env = Object.fromEntries(
  script("env")
    .trim()
    .split(/\s+/)
    .map((kv) => kv.split("=") as [string, string]),
);
process.env.DOCKER_HOST = env.DOCKER_HOST;
process.env.ROOTLOAD_IMAGE = env.ROOTLOAD_IMAGE;

beforeAll(() => {
  script("up");
}, 120_000);

afterAll(async () => {
  // Whatever the suite started on the remote engine is gone before the engine is.
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const left = await docker.listContainers({ all: true, filters: { label: ["rootload=1"] } });
  script("down");
  expect(left.map((c) => c.Names.join(","))).toEqual([]);
}, 120_000);

describe("remote engine (DOCKER_HOST=tcp://10.254.213.2:2375)", () => {
  it("servers listen on the engine's address, not on this machine's 127.0.0.1", async () => {
    const rt = await ContainerRuntime.create();
    try {
      expect(rt.host).toBe(ENGINE_HOST);
      expect(rt.engine.kind).toBe("remote");
      const pki = await sharedTestPki([ENGINE_HOST]);
      const store = await storeOfBytes(3_000, [pki.clientIssuerEntry]);
      await using server = await DRIVERS.openssl.start(
        { store, policy: { kind: "all" }, tls: ["1.2", "1.3"], clientAuth: "require", pki },
        rt,
      );
      expect(server.host).toBe(ENGINE_HOST);
      // The served certificate names the address it is reached at.
      const peer = await new Promise<X509Certificate>((resolve, reject) => {
        const s = connect({
          host: server.host,
          port: server.port,
          rejectUnauthorized: false,
          cert: pki.client.certPem,
          key: pki.client.keyPem,
        });
        s.once("secureConnect", () => {
          resolve(new X509Certificate(s.getPeerCertificate().raw));
          s.destroy();
        });
        s.once("error", reject);
      });
      expect(peer.checkIP(ENGINE_HOST)).toBe(ENGINE_HOST);
      // Nothing listens on this machine's loopback at that port.
      const local = await new Promise<string>((resolve) => {
        const s = connect({ host: "127.0.0.1", port: server.port, rejectUnauthorized: false });
        s.once("secureConnect", () => resolve("connected"));
        s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
      expect(local).toBe("ECONNREFUSED");
    } finally {
      await rt.close();
    }
  });

  // The remote engine has only the tiny openssl image: the openssl driver's core cases run there.
  driverSuite(() => ContainerRuntime.create(), [ENGINE_HOST], ["openssl"]);
});
