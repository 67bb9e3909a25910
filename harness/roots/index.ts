/**
 * The root-store layer's public API: load a store from any source, grow it for sweeps, generate
 * synthetic roots. Everything else in harness/roots is an implementation detail.
 */
export { CabError, type CabFile, extractCab } from "./cab.ts";
export { type Ctl, type CtlSubject, parseCtl } from "./ctl.ts";
export {
  type GrowthOptions,
  type GrowthOrder,
  type GrowthParams,
  type GrowthStep,
  growthSeries,
  type IssuerPosition,
  orderEntries,
  snapshotSeries,
} from "./growth.ts";
export { type CtlOptions, loadRoots, type RootSpec, specFromPath } from "./load.ts";
export { loadBuiltin, loadSystem } from "./load-builtin.ts";
export { loadCertdata } from "./load-certdata.ts";
export { type CtlPurpose, type CtlSpec, ctlVerdict, loadCtl, readCtl } from "./load-ctl.ts";
export { loadDirectory } from "./load-directory.ts";
export { loadPem } from "./load-pem.ts";
export {
  caListBytes,
  RootEntry,
  type RootEntryInfo,
  type RootSourceKind,
  RootStore,
  type RootStoreMeta,
} from "./root-store.ts";
export {
  exactSubjectName,
  minSubjectBytes,
  type SyntheticSpec,
  syntheticRoots,
  syntheticStore,
} from "./synthetic.ts";
