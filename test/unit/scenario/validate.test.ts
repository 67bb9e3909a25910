import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../harness/errors.ts";
import { CLIENT_NAMES, SCENARIO_DRIVER_NAMES } from "../../../harness/model/names.ts";
import { loadScenario } from "../../../harness/scenario/load-scenario.ts";
import { scenarioProblems } from "../../../harness/scenario/validate.ts";

const good = {
  name: "t",
  servers: [{ driver: "nginx", tls: ["1.2"], policy: ["all", "truncate-bytes:16384"] }],
  roots: {
    source: { kind: "ctl", path: "x.stl", purpose: "serverAuth", asOf: "2024-01-01" },
    sizes: [10, 20],
  },
  clients: ["node", "forge"],
  expect: [{ when: { server: "nginx", maxBytes: 65_481 }, outcome: "ok" }],
};

describe("scenario validation", () => {
  it("roots.bisect: each bad field is named with its value", () => {
    const withBisect = (bisect: unknown) => scenarioProblems({ ...good, roots: { ...good.roots, bisect } });
    expect(withBisect({ from: 100, to: 515, client: "node" })).toEqual([]);
    expect(
      withBisect([
        { from: 100, to: 515 },
        { by: "bytes", from: 30_000, to: 36_000, until: { outcome: "excessive-size", side: "client" } },
      ]),
    ).toEqual([]);
    expect(withBisect({ from: 400, to: 300 })).toEqual([
      "roots.bisect.to 300 is not greater than roots.bisect.from 400",
    ]);
    expect(withBisect({ from: 0, to: 300 })).toEqual(["roots.bisect.from 0 is not an integer in 1..100000"]);
    expect(withBisect({ from: 1, to: 200_000 })).toEqual([
      "roots.bisect.to 200000 is not an integer in 1..100000",
    ]);
    expect(withBisect({ from: 1.5, to: 3 })).toEqual([
      `roots.bisect.from 1.5 is not an integer in 0..${Number.MAX_SAFE_INTEGER}`,
    ]);
    expect(withBisect({ to: 3 })).toEqual(["roots.bisect.from is required"]);
    expect(withBisect({ from: 1, to: 3, by: "kb" })).toEqual([
      'roots.bisect.by "kb" is not one of names, bytes',
    ]);
    expect(withBisect({ from: 1, to: 3, until: "fail" })).toEqual([
      'roots.bisect.until "fail" is not one of non-ok',
    ]);
    expect(withBisect({ from: 1, to: 3, until: {} })).toEqual([
      'roots.bisect.until {} names nothing: give outcome, side or alert, or "non-ok"',
    ]);
    expect(withBisect({ from: 1, to: 3, until: { outcome: "boom" } })[0]).toMatch(
      /^roots\.bisect\.until\.outcome "boom" is not one of ok, /,
    );
    expect(
      withBisect([
        { from: 1, to: 3 },
        { from: 1, to: 3, client: "java" },
      ]),
    ).toEqual(['roots.bisect[1].client "java" is not one of the scenario\'s clients: node, forge']);
    expect(withBisect({ from: 1, to: 3, step: 2 })[0]).toMatch(/^roots\.bisect\.step is not a known field/);
    expect(
      scenarioProblems({
        name: "e",
        servers: [{ driver: "endpoint", address: "127.0.0.1:443" }],
        roots: { source: { kind: "builtin" }, bisect: { from: 1, to: 3 } },
      }),
    ).toEqual(["roots.bisect: every server is an endpoint, and an endpoint's list is not grown"]);
  });

  it("accepts a well-formed scenario", () => {
    expect(scenarioProblems(good)).toEqual([]);
  });

  it("names every problem with its path and the bad value", () => {
    const bad = {
      ...good,
      servers: [{ driver: "nginx" }, { driver: "ngnix", policy: "some" }],
      roots: { source: { kind: "ctl" }, sizes: [-1], wireBytes: [65_536, 1.5] },
      clients: ["wget"],
      jobs: 0,
      colour: "blue",
    };
    const problems = scenarioProblems(bad);
    expect(problems).toContain(`servers[1].driver "ngnix" is not one of ${SCENARIO_DRIVER_NAMES.join(", ")}`);
    expect(problems).toContain(
      'servers[1].policy "some" is not one of all, none, schannel, schannel-2003, truncate-bytes:N',
    );
    expect(problems).toContain("roots.source.path is required");
    expect(problems).toContain("roots.sizes[0] -1 is not an integer in 0..100000");
    expect(problems).toContain("roots.wireBytes[1] 1.5 is not an integer in 0..10000000");
    expect(problems).toContain(`clients[0] "wget" is not one of ${CLIENT_NAMES.join(", ")}`);
    expect(problems.some((p) => p.startsWith("colour is not a known field"))).toBe(true);
    expect(problems).toContain("jobs 0 is not an integer in 1..256");
    expect(scenarioProblems({ ...good, jobs: 3 })).toEqual([]);
  });

  it("latency: true or false; false with bench is refused (nothing would be sampled)", () => {
    expect(scenarioProblems({ ...good, latency: false })).toEqual([]);
    expect(scenarioProblems({ ...good, latency: true, bench: { time: 10 } })).toEqual([]);
    expect(scenarioProblems({ ...good, latency: "no" })).toEqual(['latency "no" is not true or false']);
    expect(scenarioProblems({ ...good, latency: 0 })).toEqual(["latency 0 is not true or false"]);
    expect(scenarioProblems({ ...good, latency: false, bench: { time: 10 } })).toEqual([
      "bench is set but latency is false: nothing is sampled (remove one of them)",
    ]);
  });

  it("rejects an unknown source kind and a missing name", () => {
    const { name: _drop, ...rest } = good;
    const problems = scenarioProblems({ ...rest, roots: { source: { kind: "zip", path: "a" } } });
    expect(problems).toContain("name is required");
    expect(problems).toContain(
      'roots.source.kind "zip" is not one of ctl, pem, directory, certdata, builtin, system, synthetic, snapshots',
    );
  });
});

describe("endpoints, templates and identities", () => {
  const endpoint = { driver: "endpoint", address: "staging.example.net:443" };

  it("a scenario of endpoints only needs no roots; any other server does", () => {
    expect(scenarioProblems({ name: "e", servers: [endpoint] })).toEqual([]);
    expect(scenarioProblems({ name: "e", servers: [endpoint, { driver: "nginx" }] })).toEqual([
      "roots is required (only a scenario whose servers are all endpoints can leave it out)",
    ]);
  });

  it("names the field that does not belong to the driver", () => {
    const problems = scenarioProblems({
      ...good,
      runtime: "process",
      servers: [
        { driver: "endpoint", address: "no-port", policy: "all" },
        { driver: "endpoint" },
        { driver: "nginx", address: "a:1", sni: "x" },
        { driver: "gnutls", config: "g.conf" },
        { driver: "nginx", config: ["a.conf", "b.conf"] },
        { driver: "haproxy", config: ["a.cfg", "b.cfg", "a.cfg"] },
        { driver: "haproxy", config: ["a.cfg", "b.cfg"] },
      ],
    });
    expect(problems).toEqual([
      'servers[0].address "no-port" is not host:port with a port in 1..65535',
      'servers[0].policy does not apply to driver "endpoint" (a running server is tested as configured)',
      'servers[1].address is required for driver "endpoint" (host:port)',
      'servers[2].address applies to driver "endpoint" only',
      'servers[2].sni applies to driver "endpoint" only',
      'servers[3].config: driver "gnutls" takes no config template (only nginx, haproxy, apache, stunnel)',
      'servers[4].config: driver "nginx" takes one config file (its includes are rendered with it); several files only for haproxy',
      'servers[5].config names "a.cfg" twice',
    ]);
  });

  it("a user's image: only for drivers that can run in one, a real reference, in containers", () => {
    const servers = [
      { driver: "nginx", image: "myorg/nginx:prod" },
      {
        driver: "haproxy",
        config: "h.cfg",
        image: "registry.example.com:5000/ops/haproxy:2.6@sha256:" + "a".repeat(64),
      },
      { driver: "gnutls", image: "myorg/gnutls:1" },
      { driver: "apache", image: "MyOrg/Apache:prod" },
      { driver: "endpoint", address: "a:1", image: "x:1" },
    ];
    expect(scenarioProblems({ ...good, runtime: "container", servers })).toEqual([
      'servers[2].image: driver "gnutls" cannot run in a user\'s image (only nginx, haproxy, apache, stunnel)',
      'servers[3].image "MyOrg/Apache:prod" is not an image reference (name[:tag])',
      'servers[4].image does not apply to driver "endpoint" (a running server is tested as configured)',
    ]);
    expect(scenarioProblems({ ...good, runtime: "process", servers: [servers[0]] })).toEqual([
      'servers[0].image "myorg/nginx:prod" needs the container runtime (runtime is "process")',
    ]);
  });

  it('"advertises: intended" cannot judge a server tested as configured', () => {
    const problems = scenarioProblems({
      ...good,
      servers: [{ driver: "nginx", config: "nginx.conf.template" }, { driver: "openssl" }],
      expect: [{ when: { server: "openssl" }, advertises: "intended" }, { advertises: "intended" }],
    });
    expect(problems).toEqual([
      'expect[1].advertises "intended" cannot judge servers[0] (nginx, as configured: it has no intended list); use "all" or "none", or narrow expect[1].when',
    ]);
    // With a policy the template's advertised file is the policy's: "intended" is known.
    const withPolicy = { driver: "nginx", config: "t", policy: "schannel" };
    expect(
      scenarioProblems({ ...good, servers: [withPolicy], expect: [{ advertises: "intended" }] }),
    ).toEqual([]);
  });

  it("a client that cannot run a server's STARTTLS prelude is refused, naming both and who can", () => {
    const postgres = { ...good, servers: [{ driver: "postgres" }] };
    expect(scenarioProblems({ ...postgres, clients: ["node", "openssl", "gnutls", "forge"] })).toEqual([]);
    // The default client (node) speaks every prelude.
    expect(scenarioProblems({ name: "p", servers: [{ driver: "postgres" }], roots: good.roots })).toEqual([]);
    expect(
      scenarioProblems({ ...postgres, clients: ["openssl", "java", { name: "curl", label: "my-curl" }] }),
    ).toEqual([
      'clients[1] "java" cannot run the postgres STARTTLS prelude that servers[0].driver "postgres" (STARTTLS postgres) needs (clients that can: node, forge, openssl, gnutls)',
      'clients[2] "my-curl" cannot run the postgres STARTTLS prelude that servers[0].driver "postgres" (STARTTLS postgres) needs (clients that can: node, forge, openssl, gnutls)',
    ]);
    // An endpoint says which prelude it speaks; only endpoints may.
    const mail = { driver: "endpoint", address: "mail.example.net:587", starttls: "smtp" };
    expect(scenarioProblems({ name: "m", servers: [mail], clients: ["gnutls"] })).toEqual([]);
    expect(scenarioProblems({ name: "m", servers: [mail], clients: ["python", "go"] })).toEqual([
      'clients[1] "go" cannot run the smtp STARTTLS prelude that servers[0].starttls "smtp" needs (clients that can: node, forge, openssl, gnutls, python, curl)',
    ]);
    expect(scenarioProblems({ name: "m", servers: [{ ...mail, starttls: "pop3" }] })).toEqual([
      'servers[0].starttls "pop3" is not one of postgres, smtp, imap, ldap, mysql',
    ]);
    expect(scenarioProblems({ ...good, servers: [{ driver: "nginx", starttls: "smtp" }] })).toEqual([
      'servers[0].starttls applies to driver "endpoint" only',
    ]);
  });

  it("an identity is PEM files or a PKCS#12 with its password in an environment variable", () => {
    const pem = { cert: "c.pem", key: "c.key", issuer: "ca.pem", chain: "inter.pem" };
    expect(scenarioProblems({ ...good, identity: pem })).toEqual([]);
    const p12 = { pkcs12: "c.p12", passwordEnv: "P12_PASSWORD", issuer: "ca.pem" };
    expect(scenarioProblems({ ...good, identity: p12 })).toEqual([]);
    expect(scenarioProblems({ ...good, identity: { cert: "c.pem", issuer: "ca.pem" } })).toEqual([
      "identity.key is required",
    ]);
  });
});

describe("scenario loading", () => {
  it("loads JSON, resolves paths from the scenario's directory and hashes the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-scn-"));
    const file = path.join(dir, "a.scenario.json");
    await writeFile(file, JSON.stringify(good));
    const loaded = await loadScenario(file);
    expect(loaded.scenario.roots?.source).toMatchObject({ kind: "ctl", path: path.join(dir, "x.stl") });
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("turns bad files into one-line InputErrors naming the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-scn-"));
    const broken = path.join(dir, "b.scenario.json");
    await writeFile(broken, "{ not json");
    await expect(loadScenario(broken)).rejects.toThrow(InputError);
    await expect(loadScenario(broken)).rejects.toThrow(/b\.scenario\.json: not valid JSON/);
    const invalid = path.join(dir, "c.scenario.json");
    await writeFile(invalid, JSON.stringify({ ...good, servers: [{ driver: "ngnix" }] }));
    const err = (await loadScenario(invalid).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/c\.scenario\.json: servers\[0\]\.driver "ngnix" is not one of/);
    expect(err.message).not.toContain("\n");
    await expect(loadScenario(path.join(dir, "missing.scenario.ts"))).rejects.toThrow(
      /cannot read scenario \(ENOENT\)/,
    );
  });

  it("loads the shipped TypeScript scenarios", async () => {
    for (const name of ["quickstart", "kb2801679", "growth", "regression", "clients", "java-boundary"]) {
      const loaded = await loadScenario(path.resolve("scenarios", `${name}.scenario.ts`));
      expect(loaded.scenario.name).toBe(name);
    }
  });
});

describe("client entries", () => {
  const base = {
    name: "c",
    servers: [{ driver: "openssl" }],
    roots: { source: { kind: "builtin" } },
  };
  it("accepts options a client can take and labels them", () => {
    expect(
      scenarioProblems({
        ...base,
        clients: [
          "java",
          { name: "java", properties: { "jdk.tls.maxHandshakeMessageSize": "65536" } },
          { name: "node", select: "by-issuer-list" },
        ],
        expect: [{ when: { client: "java+maxHandshakeMessageSize=65536" }, outcome: "ok" }],
      }),
    ).toEqual([]);
  });
  it("names options a client cannot take, twice-used labels and unknown client labels", () => {
    const problems = scenarioProblems({
      ...base,
      clients: [{ name: "curl", properties: { a: "1" } }, { name: "java", select: "always" }, "go", "go"],
      expect: [{ when: { client: "jav" } }],
    });
    expect(problems).toContain(
      "clients[0].properties: only java, bouncycastle, erlang takes properties, not curl",
    );
    expect(problems).toContain(
      'clients[1].select "always": java always chooses "by-issuer-list" (only node, openssl, gnutls can emulate by-issuer-list)',
    );
    expect(problems).toHaveLength(2);
    const erl = scenarioProblems({
      ...base,
      clients: [
        { name: "erlang", properties: { max_handshake_size: "32768" } },
        { name: "erlang", properties: { verify: "1" }, label: "e2" },
        { name: "erlang", properties: { max_handshake_size: "0x10" }, label: "e3" },
      ],
    });
    expect(erl).toEqual([
      'clients[1].properties key "verify": erlang takes only max_handshake_size',
      'clients[2].properties.max_handshake_size "0x10" is not a positive whole number of bytes',
    ]);
    const dup = scenarioProblems({ ...base, clients: ["go", "go"], expect: [{ when: { client: "jav" } }] });
    expect(dup).toContain('clients[1] label "go" is used twice (give one a label)');
    expect(dup).toContain('expect[0].when.client "jav" is not one of the scenario\'s clients: go, go');
  });
});
