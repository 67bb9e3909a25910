import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../../harness/check/check.ts";
import { SERVER_PROFILES } from "../../../harness/check/limits.ts";
import { readInput } from "../../../harness/check/read-input.ts";
import { checkText } from "../../../harness/check/render-text.ts";
import { InputError } from "../../../harness/errors.ts";
import { rootstores } from "../../support/repo-root.ts";

const CAB = path.join(rootstores, "microsoft/2025-06-16/authrootstl.cab");

describe("rootload check --server mariadb: a server that never advertises names", () => {
  it("sends an empty list whatever its CA file holds, cuts no issuer off, and breaks nothing by size", () => {
    const setup = readInput(CAB);
    const last = setup.advertise.at(-1)!;
    const r = check(setup, {
      servers: ["mariadb", "nginx"],
      tls: ["1.2", "1.3"],
      clients: ["java", "go", "openssl"],
      issuerSubject: last.subjectDer,
    });
    expect(SERVER_PROFILES.mariadb.advertises).toBe("never");
    for (const tls of ["1.2", "1.3"]) {
      const v = r.servers.find((s) => s.server === "mariadb" && s.tls === tls)!;
      expect(v).toMatchObject({ verdict: "sends", count: 0, bytes: 0 });
      // nginx is built from the same file and sends all 501 distinct names (not MariaDB's empty list).
      expect(r.servers.find((s) => s.server === "nginx" && s.tls === tls)!.count).toBe(501);
    }
    expect(r.issuer!.find((i) => i.server === "mariadb")).toMatchObject({ listed: false, advertised: false });
    // Only nginx's 55 KB list breaks a client (Java); alone, MariaDB breaks nothing.
    const alone = check(setup, {
      servers: ["mariadb"],
      tls: ["1.2", "1.3"],
      clients: ["java", "go", "openssl"],
      issuerSubject: last.subjectDer,
    });
    expect(alone.breaks).toBe(false);
    expect(alone.clients.every((c) => c.verdict === "accepts")).toBe(true);
    expect(checkText(alone)).toMatch(/advertises 0 names, 0 B \(as mariadb builds it/);
    expect(checkText(alone)).toMatch(/known for: mariadb 10\.11\.19/);
  });
});

describe("rootload check my.cnf: MariaDB's option files", () => {
  it("reads ssl_ca from a server group (through !includedir), not from [client]; the list is what it verifies, none advertised", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rootload-mycnf-"));
    mkdirSync(path.join(dir, "conf.d"));
    writeFileSync(
      path.join(dir, "my.cnf"),
      `[client]\nssl-ca = ${CAB}.missing\n[mysqld]\nport = 3306\n!includedir conf.d\n`,
    );
    writeFileSync(
      path.join(dir, "conf.d", "50-ssl.cnf"),
      `[mariadb-10.11]\nssl-ca = "${CAB}"\nssl_cert = /x.crt\n`,
    );
    writeFileSync(path.join(dir, "conf.d", "ignored.conf"), "[mysqld]\nssl_ca = /nowhere.pem\n");
    const setup = readInput(path.join(dir, "my.cnf"));
    expect(setup).toMatchObject({ server: "mariadb", caNames: "sent", verifyOnly: [] });
    expect(setup.advertise.length).toBe(514);
    expect(setup.from).toEqual([`${path.join(dir, "conf.d", "50-ssl.cnf")}:2 ssl-ca = "${CAB}"`]);
    expect(setup.notes).toContain("require_secure_transport is not ON: clients may connect without TLS");
    const r = check(setup, { servers: ["mariadb"], tls: ["1.2", "1.3"], clients: ["java"] });
    expect(r.servers.every((v) => v.count === 0 && v.verdict === "sends")).toBe(true);
    writeFileSync(path.join(dir, "conf.d", "50-ssl.cnf"), "[server]\nssl_ca = missing.pem\n");
    expect(() => readInput(path.join(dir, "my.cnf"))).toThrow(InputError);
    expect(() => readInput(path.join(dir, "my.cnf"))).toThrow(/50-ssl\.cnf:2: .*missing\.pem: no such file/);
  });
});
