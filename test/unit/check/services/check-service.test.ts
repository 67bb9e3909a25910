import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkService, serviceText } from "../../../../harness/check/services/check-service.ts";
import { InputError } from "../../../../harness/errors.ts";
import { RootEntry } from "../../../../harness/roots/root-store.ts";
import { certPem, selfSignedCa, sizedName } from "../../../fixtures/synthetic-roots.ts";
import { runCli } from "../../../support/cli.ts";

/** n self-signed CAs whose DER subjects are `subject` bytes each. */
const cas = (n: number, subject: number, label = "CA") =>
  Array.from(
    { length: n },
    (_, i) => new RootEntry(selfSignedCa(sizedName(subject, `${label} ${i}`), 100 + i)),
  );
const upload = (entries: RootEntry[]) => ({
  source: "test",
  entries,
  fileBytes: entries.map((e) => e.toPem()).join("").length,
});
const base = { clients: ["java", "go"] as const, tls: ["1.2"] as const };
const run = (
  entries: RootEntry[],
  o: { service: string; advertiseCaNames?: string; issuerSubject?: Uint8Array },
) => checkService(upload(entries), { ...base, clients: [...base.clients], tls: [...base.tls], ...o });
const quota = (r: ReturnType<typeof run>, name: string) => r.quotas.find((q) => q.quota === name)!;

describe("check --service: verdicts from the vendors' published quotas (vendor evidence, not measured)", () => {
  it("AWS ALB: 25 CA certificates and 10,000 subject bytes per trust store; past either the setup breaks", () => {
    // 25 × 400 B = 10,000 B of subjects: on both limits.
    const at = run(cas(25, 400), { service: "aws-alb" });
    expect(quota(at, "CA certificates per trust store")).toMatchObject({ value: 25, verdict: "within" });
    expect(quota(at, "CA certificates subject size per trust store")).toMatchObject({
      value: 10_000,
      verdict: "within",
    });
    expect(at.breaks).toBe(false);
    expect(quota(run(cas(26, 100), { service: "aws-alb" }), "CA certificates per trust store").verdict).toBe(
      "exceeds",
    );
    const heavy = run([...cas(24, 400), ...cas(1, 401, "Big")], { service: "aws-alb" });
    expect(quota(heavy, "CA certificates subject size per trust store")).toMatchObject({
      value: 10_001,
      verdict: "exceeds",
    });
    expect(heavy.breaks).toBe(true);
    for (const q of at.quotas)
      expect(q.evidence).toEqual({ how: "vendor", where: expect.stringContaining("docs.aws.amazon.com") });
  });

  it("AWS ALB: AdvertiseTrustStoreCaNames off sends no names (TLS message quota not applicable); on, clients are judged and the issuer's position given", () => {
    const entries = cas(20, 200);
    const off = run(entries, { service: "aws-alb", issuerSubject: entries[3]!.subjectDer });
    expect(off.namesSent).toBe(false);
    expect(off.switches[0]).toMatchObject({
      name: "AdvertiseTrustStoreCaNames",
      value: "off",
      from: "default",
      verified: false,
    });
    expect(quota(off, "TLS message size").verdict).toBe("not-applicable");
    expect(off.clients).toEqual([]);
    const on = run(entries, {
      service: "aws-alb",
      advertiseCaNames: "on",
      issuerSubject: entries[3]!.subjectDer,
    });
    expect(on.namesSent).toBe(true);
    expect(quota(on, "TLS message size").verdict).toBe("within");
    expect(on.issuer).toEqual({ advertised: true, position: 4 });
    expect(on.clients.map((c) => [c.client, c.verdict])).toEqual([
      ["java", "accepts"],
      ["go", "accepts"],
    ]);
    expect(serviceText(on)).toContain("NOT measured");
  });

  it("Azure Application Gateway: 25 KB per trusted client CA file, one chain per file; names sent not documented", () => {
    const one = run(cas(1, 100), { service: "azure-appgw" });
    expect(one.namesSent).toBeNull();
    expect(one.breaks).toBe(false);
    expect(quota(one, "trusted client CA certificate file size").evidence.where).toContain("25 KB or less");
    const many = run(cas(60, 100), { service: "azure-appgw" });
    expect(quota(many, "trusted client CA certificate file size").verdict).toBe("exceeds");
    expect(quota(many, "certificate chains per uploaded file")).toMatchObject({
      value: 60,
      verdict: "exceeds",
    });
    expect(many.clients).toEqual([]);
  });

  it("bad input: unknown service, a switch the service lacks, a bad value", () => {
    expect(() => run([], { service: "gcp-lb" })).toThrow(
      /--service: "gcp-lb" is not one of aws-alb, azure-appgw/,
    );
    expect(() => run([], { service: "azure-appgw", advertiseCaNames: "on" })).toThrow(InputError);
    expect(() => run([], { service: "aws-alb", advertiseCaNames: "yes" })).toThrow(
      /"yes" is not one of on, off/,
    );
  });

  it("CLI: exit 1 past a quota, 0 within, 2 with one line for bad input", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-service-"));
    const small = path.join(dir, "small.pem");
    writeFileSync(
      small,
      cas(3, 100)
        .map((e) => certPem(e.certDer))
        .join(""),
    );
    const ok = await runCli(["check", small, "--service", "aws-alb", "--advertise-ca-names", "on"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("AdvertiseTrustStoreCaNames = on (given)");
    const big = await runCli(["check", "microsoft:2025-06-16", "--service", "aws-alb", "--json"]);
    expect(big.code).toBe(1);
    expect(JSON.parse(big.stdout).quotas[0]).toMatchObject({
      quota: "CA certificates per trust store",
      value: 514,
      verdict: "exceeds",
    });
    for (const [args, line] of [
      [
        ["--service", "aws-alb", "--advertise-ca-names", "maybe"],
        'rootload check --advertise-ca-names: "maybe" is not one of on, off',
      ],
      [
        ["--advertise-ca-names", "on"],
        "rootload check --advertise-ca-names: is a switch of a service: give --service aws-alb",
      ],
      [
        ["--service", "aws-alb", "--server", "nginx"],
        "rootload check --server: is for servers you run; --service predicts a managed one: use one or the other",
      ],
    ] as const) {
      const bad = await runCli(["check", small, ...args]);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe("");
      expect(bad.stderr.trim().split("\n")).toEqual([line]);
    }
  });
});
