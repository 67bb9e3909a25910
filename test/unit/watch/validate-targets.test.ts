import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_STACKS } from "../../../harness/check/limits.ts";
import { InputError } from "../../../harness/errors.ts";
import { parseDuration } from "../../../harness/watch/duration.ts";
import { loadTargets } from "../../../harness/watch/load-targets.ts";
import { validateTargets } from "../../../harness/watch/validate-targets.ts";
import { repoRoot } from "../../support/repo-root.ts";

const problems = (v: unknown) => {
  const r = validateTargets(v);
  return r.ok ? [] : r.problems;
};

describe("targets file validation: every problem with its path", () => {
  it("accepts the issue's example", () => {
    expect(
      validateTargets({
        interval: "5m",
        targets: [
          {
            name: "api",
            address: "127.0.0.1:8443",
            tls: ["1.2", "1.3"],
            starttls: "smtp",
            issuers: ["ca.pem"],
            clients: ["java", "go"],
            expect: "ok",
          },
        ],
      }).ok,
    ).toBe(true);
  });

  it.each([
    [{ targets: [] }, ["targets is empty"]],
    [{}, ["targets is missing"]],
    [[], ['the file [] is not an object with "targets"']],
    [{ targets: [{ name: "a", address: "x" }] }, ['targets[0].address "x" is not host:port']],
    [{ targets: [{ name: "a", address: "h:70000" }] }, ['targets[0].address "h:70000" is not host:port']],
    [{ targets: [{ name: "a" }] }, ["targets[0].address is missing"]],
    [
      { targets: [{ name: "a", address: "h:1", tls: ["1.1"] }] },
      ['targets[0].tls[0] "1.1" is not one of 1.2, 1.3'],
    ],
    [
      { targets: [{ name: "a", address: "h:1", clients: ["forge"] }] },
      // forge speaks TLS 1.0 only, which the probe does not: every other stack the check knows.
      [
        `targets[0].clients[0] "forge" is not one of ${CLIENT_STACKS.filter((c) => c !== "forge").join(", ")}`,
      ],
    ],
    [
      { targets: [{ name: "a", address: "h:1", expect: "closed" }] },
      ['targets[0].expect "closed" is not one of ok, refused'],
    ],
    [
      { targets: [{ name: "a", address: "h:1", starttls: "pop3" }] },
      ['targets[0].starttls "pop3" is not one of postgres, smtp, imap, ldap, mysql'],
    ],
    [
      { interval: "5 minutes", targets: [{ name: "a", address: "h:1" }] },
      ['interval "5 minutes" is not a duration of at least 1s (like "30s", "5m", "1h")'],
    ],
    [
      { targets: [{ name: "a", address: "h:1", timeout: "500ms" }] },
      ['targets[0].timeout "500ms" is not a duration of at least 1s (like "30s", "5m", "1h")'],
    ],
    [
      { concurrency: 0, targets: [{ name: "a", address: "h:1" }] },
      ["concurrency 0 is not an integer in 1..64"],
    ],
    [
      { targets: [{ name: "a", address: "h:1", adress: "h:2" }] },
      [
        "targets[0].adress is not a known field (name, address, tls, starttls, sni, issuers, clients, expect, interval, timeout)",
      ],
    ],
    [
      {
        targets: [
          { name: "a", address: "h:1" },
          { name: "a", address: "h:2" },
        ],
      },
      ['targets[1].name "a" is already the name of targets[0]'],
    ],
    [
      { targets: [{ name: "a", address: "h:1", tls: ["1.3", "1.3"] }] },
      ['targets[0].tls[1] "1.3" is listed twice'],
    ],
    [
      { intervall: "5m", targets: [{ name: "", address: "[::1]:443" }] },
      [
        "intervall is not a known field (interval, timeout, concurrency, targets)",
        'targets[0].name "" is not a non-empty string of at most 128 characters',
      ],
    ],
  ])("%j → %j", (value, expected) => {
    expect(problems(value)).toEqual(expected);
  });

  it("reads s, m and h (and their sums)", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5s")).toBe(1_500);
    for (const bad of ["", "5", "m", "5d", "-5s", "5 m", "5m "]) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe("loadTargets: one line naming the file and field, exit 2", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rootload-targets-"));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("names the file and every problem on one line", async () => {
    const f = write("bad.json", JSON.stringify({ targets: [{ name: "a", address: "nope", tls: ["1.0"] }] }));
    const err = await loadTargets(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      `${f}: targets[0].address "nope" is not host:port; targets[0].tls[0] "1.0" is not one of 1.2, 1.3`,
    );
    expect((err as Error).message).not.toContain("\n");
  });

  it("names an issuer file that is missing or holds no single certificate", async () => {
    const f = write(
      "iss.json",
      JSON.stringify({ targets: [{ name: "a", address: "h:1", issuers: ["none.pem"] }] }),
    );
    await expect(loadTargets(f)).rejects.toThrow(
      new RegExp(`^${f}: targets\\[0\\]\\.issuers\\[0\\]: "none.pem": `),
    );
    write("two.pem", "");
    const g = write(
      "iss2.json",
      JSON.stringify({ targets: [{ name: "a", address: "h:1", issuers: ["two.pem"] }] }),
    );
    await expect(loadTargets(g)).rejects.toThrow(/targets\[0\]\.issuers\[0\]: "two.pem"/);
  });

  it("says what is wrong with the file itself", async () => {
    await expect(loadTargets(write("x.json", "{ not json"))).rejects.toThrow(/x\.json: not valid JSON/);
    await expect(loadTargets(write("x.yaml", "targets: []"))).rejects.toThrow(
      /is not a \.json, \.ts or \.js/,
    );
    await expect(loadTargets(path.join(dir, "gone.json"))).rejects.toThrow(
      /cannot read targets file \(ENOENT\)/,
    );
  });

  it("applies the defaults: both versions, 5m, 10s, --interval over the file's", async () => {
    const f = write(
      "ok.json",
      JSON.stringify({
        targets: [
          { name: "a", address: "[::1]:8443" },
          { name: "b", address: "h:1", interval: "2s" },
        ],
      }),
    );
    const plan = await loadTargets(f);
    expect(plan.concurrency).toBe(4);
    expect(plan.targets[0]).toMatchObject({
      host: "::1",
      port: 8443,
      tls: ["1.2", "1.3"],
      intervalMs: 300_000,
      timeoutMs: 10_000,
      expect: "ok",
    });
    // A probe never outlives its interval.
    expect(plan.targets[1]).toMatchObject({ intervalMs: 2_000, timeoutMs: 2_000 });
    expect((await loadTargets(f, { intervalMs: 60_000 })).targets[0]!.intervalMs).toBe(60_000);
  });

  it("loads a TypeScript file written with defineTargets", async () => {
    const helper = path.join(repoRoot, "harness/watch/define-targets.ts");
    const f = write(
      "t.ts",
      `import { defineTargets } from ${JSON.stringify(helper)};\nexport default defineTargets({ interval: "1m", targets: [{ name: "a", address: "127.0.0.1:1", clients: ["java"] }] });\n`,
    );
    const plan = await loadTargets(f);
    expect(plan.targets[0]).toMatchObject({ name: "a", intervalMs: 60_000, clients: ["java"] });
  });
});
