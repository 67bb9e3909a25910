import { defineScenario } from "../harness/scenario/define-scenario.ts";

const ctl = (date: string) => `../../shared/data/rootstores/microsoft/${date}/authroot.stl`;

/**
 * What a growing Windows root list does to every server: the 13 Microsoft CTL snapshots
 * 2012 → 2025 (serverAuth roots), then synthetic roots up to 2,000, in real containers,
 * TLS 1.2 and 1.3, advertising the whole list or nothing.
 */
export default defineScenario({
  name: "growth",
  description: "Microsoft CTLs 2012→2025 then synthetic growth to 2,000 roots, every container server",
  runtime: "container",
  servers: [
    { driver: "nginx", policy: ["all", "none"] },
    { driver: "apache", policy: ["all", "none"] },
    { driver: "haproxy", policy: ["all", "none"] },
    { driver: "stunnel", policy: ["all", "none"] },
    { driver: "openssl", policy: ["all", "none"] },
    { driver: "gnutls", policy: ["all"] },
    { driver: "node", policy: ["all", "none"] },
  ],
  roots: {
    source: {
      kind: "snapshots",
      purpose: "serverAuth",
      paths: [
        "2012-11-02",
        "2013-03-21",
        "2013-06-26",
        "2013-10-03",
        "2014-03-12",
        "2014-09-12",
        "2015-01-22",
        "2015-02-23",
        "2016-01-28",
        "2018-01-22",
        "2020-09-15",
        "2022-11-15",
        "2025-06-16",
      ].map(ctl),
    },
    sizes: [600, 800, 1_000, 2_000],
    topUpSynthetic: true,
    clientIssuer: "first",
  },
  clients: ["node"],
  bench: { time: 60, iterations: 3 },
  expect: [
    { name: "policy none always works", when: { policy: "none" }, outcome: "ok", advertises: "none" },
    { name: "real lists up to 2025 fit", when: { policy: "all", maxBytes: 65_481 }, outcome: "ok" },
  ],
});
