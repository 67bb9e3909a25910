import { describe, expect, it } from "vitest";
import { namesFingerprint } from "../../../harness/run/compare-lists.ts";
import { listChange } from "../../../harness/watch/list-change.ts";
import { metricFamilies } from "../../../harness/watch/metrics.ts";
import { nameDigest, type Observation, type SeenList } from "../../../harness/watch/observe.ts";
import { describeChanges, WatchState } from "../../../harness/watch/watch-state.ts";

/** A list of names as the probe returns it; each name's "DER" is its text, which is all change detection reads. */
function seen(...names: string[]): SeenList {
  const ders = names.map((n) => new Uint8Array(Buffer.from(n)));
  return {
    names,
    keys: ders.map(nameDigest),
    bytes: ders.reduce((s, d) => s + 2 + d.length, 0),
    messageBytes: 0,
    fingerprint: namesFingerprint(ders),
    omitted: false,
  };
}

describe("list change detection", () => {
  it("sees no change in the same list", () => {
    expect(listChange(seen("A", "B"), seen("A", "B"))).toBeUndefined();
  });

  it("names what was added and removed", () => {
    const c = listChange(seen("A", "B", "C"), seen("A", "C", "D", "E"))!;
    expect(c).toMatchObject({ added: ["D", "E"], removed: ["B"], reordered: false });
    expect(c.before).toMatchObject({ names: 3 });
    expect(c.after).toMatchObject({ names: 4 });
  });

  it("sees a reorder with the same names (only the fingerprint differs)", () => {
    expect(listChange(seen("A", "B", "C"), seen("C", "A", "B"))).toMatchObject({
      added: [],
      removed: [],
      reordered: true,
    });
  });

  it("counts a repeated name as often as it is sent (Node, Go and JSSE repeat names)", () => {
    expect(listChange(seen("A", "B"), seen("A", "B", "A"))).toMatchObject({
      added: ["A"],
      removed: [],
      reordered: false,
    });
    expect(listChange(seen("A", "A", "B"), seen("A", "B"))).toMatchObject({
      added: [],
      removed: ["A"],
      reordered: false,
    });
  });

  it("sees a reorder beside additions", () => {
    expect(listChange(seen("A", "B"), seen("B", "X", "A"))).toMatchObject({
      added: ["X"],
      removed: [],
      reordered: true,
    });
  });
});

describe("watch state: counters across probes, failures and reloads", () => {
  const obs = (list: SeenList | undefined, at: number, cls: "ok" | "timeout" = "ok"): Observation => ({
    target: "api",
    tls: "1.2",
    at,
    durationMs: 5,
    outcome: cls === "ok" ? { class: "ok" } : { class: "timeout", detail: "x" },
    success: cls === "ok",
    ...(list ? { list } : {}),
    issuers: list
      ? [
          {
            subject: "CN=I",
            advertised: list.names.includes("I"),
            position: list.names.indexOf("I") + 1 || null,
          },
        ]
      : [],
    clients: [],
  });

  it("counts a change once, across a failed probe, and keeps counters for targets that stay", () => {
    const s = new WatchState();
    expect(describeChanges(s.record(obs(seen("A", "I"), 1_000)))).toBe("");
    // A failed probe is not a list change; the next list is compared with the last one read.
    expect(describeChanges(s.record(obs(undefined, 2_000, "timeout")))).toBe(
      "outcome ok → timeout; up → down",
    );
    const back = s.record(obs(seen("A", "B"), 3_000));
    expect(describeChanges(back)).toBe(
      "list +1 −1: 2 → 2 names, 6 → 6 B; outcome timeout → ok; down → up; issuer CN=I advertised at #2 → not advertised",
    );
    const [series] = s.series();
    expect(series).toMatchObject({ probes: 3, changes: 1, lastChangeAt: 3_000 });
    s.retain({ file: "f", concurrency: 1, targets: [] });
    expect(s.series()).toEqual([]);
  });

  it("turns the state into the issue's metric names and labels", () => {
    const s = new WatchState();
    s.record(obs(seen("A", "I"), 1_000));
    s.record(obs(seen("A"), 61_000));
    const fams = Object.fromEntries(metricFamilies(s.series()).map((f) => [f.name, f]));
    const one = (name: string) => fams[name]!.samples.map((x) => [x.labels, x.value]);
    expect(one("rootload_list_changes_total")).toEqual([[{ target: "api", tls: "1.2" }, 1]]);
    expect(one("rootload_list_last_change_timestamp_seconds")).toEqual([[{ target: "api", tls: "1.2" }, 61]]);
    expect(one("rootload_issuer_advertised")).toEqual([[{ target: "api", tls: "1.2", issuer: "CN=I" }, 0]]);
    expect(one("rootload_issuer_position")).toEqual([]);
    expect(one("rootload_advertised_names")).toEqual([[{ target: "api", tls: "1.2" }, 1]]);
    const outcome = fams.rootload_probe_outcome!.samples;
    expect(outcome.filter((x) => x.value === 1).map((x) => x.labels.class)).toEqual(["ok"]);
    expect(fams.rootload_list_changes_total!.type).toBe("counter");
  });
});
