import type { GrowthOrder } from "../roots/growth.ts";
import { type GrowthStep, growthSeries, snapshotSeries } from "../roots/growth.ts";
import { loadRoots, type RootSpec, specFromPath } from "../roots/load.ts";
import { type RootEntry, RootStore } from "../roots/root-store.ts";
import type { RootSourceSpec, RootsSpec } from "../scenario/define-scenario.ts";
import type { RootStep } from "./plan.ts";

/**
 * The scenario's root series: the stores loaded into the server one step after another, each
 * with the client issuer placed where the scenario says. Snapshots give one step each (oldest
 * first); `sizes` and `bytes` then grow the newest (or only) store, topped up with synthetic
 * roots when allowed. With neither, the whole store is the single step.
 */
export async function rootSteps(spec: RootsSpec, clientIssuer: RootEntry): Promise<RootStep[]> {
  return (await rootSeries(spec, clientIssuer)).steps;
}

/**
 * Makes one step of a bisected series: the same growth as `sizes` (by "names") or `bytes`, of the
 * same base store, at any size the search asks for. `field` names the scenario field in errors.
 */
export type StepMaker = (
  by: "names" | "bytes",
  size: number,
  label: string,
  index: number,
  field: string,
) => RootStep;

/** The fixed steps, and the maker of bisected steps over the same base store and placement. */
export async function rootSeries(
  spec: RootsSpec,
  clientIssuer: RootEntry,
): Promise<{ steps: RootStep[]; stepAt: StepMaker }> {
  const order = (spec.order ?? "ctl") as GrowthOrder;
  // Errors name the scenario's own fields, not the growth module's.
  const fieldNames = {
    counts: "roots.sizes",
    targets: "roots.bytes",
    order: "roots.order",
    clientIssuerPosition: "roots.clientIssuer",
    topUp: "roots.topUpSynthetic",
  };
  const placement = {
    clientIssuer,
    clientIssuerPosition: spec.clientIssuer ?? "last",
    order,
    fieldNames,
  } as const;
  const steps: GrowthStep[] = [];
  let base: RootStore;
  if (spec.source.kind === "snapshots") {
    const { paths, purpose, certs, includeDisabled } = spec.source;
    const stores = paths.map((p) =>
      loadRoots(
        specFromPath(p, {
          ...(purpose ? { purpose } : {}),
          ...(certs ? { certs } : {}),
          ...(includeDisabled ? { includeDisabled } : {}),
        }),
      ),
    );
    const snaps = snapshotSeries(stores, placement);
    steps.push(...snaps);
    base = sortedByDate(stores).at(-1)!;
  } else {
    base = loadRoots(toRootSpec(spec.source, spec));
    if (!spec.sizes?.length && !spec.bytes?.length && !spec.wireBytes?.length && spec.bisect === undefined)
      steps.push(...growthSeries(base, { by: "count", counts: [base.count + 1], ...placement }));
  }
  // A synthetic source without a count is as large as its steps need: its own kind tops it up.
  const syntheticWithoutCount = spec.source.kind === "synthetic" && spec.source.count === undefined;
  const grow = { ...placement, topUp: spec.topUpSynthetic ?? syntheticWithoutCount };
  if (spec.sizes?.length) steps.push(...growthSeries(base, { by: "count", counts: spec.sizes, ...grow }));
  if (spec.bytes?.length) steps.push(...growthSeries(base, { by: "bytes", targets: spec.bytes, ...grow }));
  if (spec.wireBytes?.length)
    steps.push(
      ...growthSeries(base, {
        by: "wire",
        targets: spec.wireBytes,
        ...grow,
        fieldNames: { ...fieldNames, targets: "roots.wireBytes" },
      }),
    );
  const stepAt: StepMaker = (by, size, label, index, field) => {
    const names = { ...fieldNames, counts: field, targets: field };
    const [s] =
      by === "names"
        ? growthSeries(base, { by: "count", counts: [size], ...grow, fieldNames: names })
        : growthSeries(base, { by: "bytes", targets: [size], ...grow, fieldNames: names });
    const store = new RootStore(s!.store.source, s!.store.kind, s!.store.entries, {
      ...s!.store.meta,
      growthStep: label,
    });
    return { index, label, store, clientIssuerPosition: s!.clientIssuerPosition };
  };
  return {
    steps: steps.map((s, index) => ({
      index,
      label: s.label,
      store: s.store,
      clientIssuerPosition: s.clientIssuerPosition,
    })),
    stepAt,
  };
}

function toRootSpec(src: Exclude<RootSourceSpec, { kind: "snapshots" }>, spec: RootsSpec): RootSpec {
  if (src.kind === "synthetic") {
    const count = src.count ?? Math.max(100, ...(spec.sizes ?? []));
    return { kind: "synthetic", count, ...(src.seed !== undefined ? { seed: src.seed } : {}) };
  }
  return src as RootSpec;
}

function sortedByDate(stores: readonly RootStore[]): RootStore[] {
  const t = (s: RootStore) => (typeof s.meta.thisUpdate === "string" ? Date.parse(s.meta.thisUpdate) : 0);
  return stores.slice().sort((a, b) => t(a) - t(b));
}
