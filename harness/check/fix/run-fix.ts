import { rmSync } from "node:fs";
import path from "node:path";
import { EngineError, InputError } from "../../errors.ts";
import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaSetup } from "../ca-setup.ts";
import { loadCaSource } from "../ca-source.ts";
import type { KnownVersions } from "../limit-lookup.ts";
import type { ClientStack } from "../limits.ts";
import { readInput } from "../read-input.ts";
import { type ConfigServer, readTree, rewritePaths } from "./config-tree.ts";
import { type AdvertisedPlan, type AdvertiseMode, planAdvertised } from "./plan-advertised.ts";
import { type FixFiles, NoSplitEdit, splitEdit } from "./split-edits.ts";
import { missingFrom, trustedSet } from "./trusted-set.ts";
import { unifiedDiff, writeTreeAtomically } from "./write-fix.ts";

/** lighttpd is not here: its ssl.ca-dn-file also restricts the issuers accepted (no-split.ts). */
export const SPLITTING: readonly ConfigServer[] = ["nginx", "apache", "haproxy", "stunnel"];

/** Names of the files a fix writes beside the config. */
export const FIX_FILES = {
  advertised: "rootload-advertised-cas.pem",
  store: "rootload-trusted-cas.pem",
  rest: "rootload-verify-only-cas.pem",
} as const;

export interface FixParams {
  config: string;
  endpoint?: string;
  issuers: readonly string[];
  clients: readonly ClientStack[];
  tls?: readonly TlsVersion[];
  outDir: string;
  marginBytes: number;
  mode: AdvertiseMode;
  versions?: KnownVersions;
}

/** A written fix: what was planned, where, and the before/after setups. */
export interface WrittenFix {
  kind: "written";
  server: ConfigServer;
  outDir: string;
  mainFile: string;
  original: CaSetup;
  fixed: CaSetup;
  plan: Extract<AdvertisedPlan, { kind: "planned" }>;
  issuers: RootEntry[];
  /** The trusted set of the original (every CA it accepted). */
  trusted: RootEntry[];
  changes: string[];
  diff: string;
}

export type FixResult = WrittenFix | { kind: "no-fix"; why: string };

const pem = (es: readonly RootEntry[]) => es.map((e) => e.toPem()).join("");

function loadIssuers(files: readonly string[]): RootEntry[] {
  if (files.length === 0)
    throw new InputError(
      "rootload check --fix",
      "needs --issuer ca.pem: the CA that issued your clients' certificates is what the fixed list advertises first",
    );
  return files.map((f) => {
    const es = loadCaSource(f);
    if (es.length !== 1) throw new InputError(f, `--issuer wants one CA certificate, found ${es.length}`);
    return es[0]!;
  });
}

/**
 * Plan and write the split for a config `check` reads: the advertised-CA file, the config tree
 * edited in place of the user's directive (a copy in outDir, never the user's files), and the
 * diff. Trust never shrinks: the fixed config is read back and must trust every CA the original did.
 */
export function planAndWriteFix(p: FixParams): FixResult {
  const original = readInput(p.config, p.endpoint ? { endpoint: p.endpoint } : {});
  const server = original.server as ConfigServer | undefined;
  if (!server || !SPLITTING.includes(server))
    throw new InputError(
      p.config,
      "is not a server configuration (--fix edits an nginx, Apache, HAProxy, stunnel or lighttpd config; --server NAME for others)",
    );
  const issuers = loadIssuers(p.issuers);
  const trusted = trustedSet(original);
  for (const [i, e] of issuers.entries())
    if (missingFrom(trusted, [e]).length > 0)
      throw new InputError(
        p.issuers[i]!,
        `${e.subject} is not in the trust store of ${p.config} (${original.endpoint}): the server would refuse its certificates whatever it advertises`,
      );
  if (original.caNames !== "sent")
    return {
      kind: "no-fix",
      why: `${original.endpoint} sends no CA names (${original.caNames}): nothing is advertised to split; turn the names on with the fix's split instead of the -CANames / no-ca-names setting`,
    };
  const tls = p.tls
    ? p.tls.filter((t) => !original.tls || original.tls.includes(t))
    : (original.tls ?? ["1.2", "1.3"]);
  const plan = planAdvertised({
    server,
    tls,
    clients: p.clients,
    issuers,
    candidates: trusted,
    marginBytes: p.marginBytes,
    mode: p.mode,
    ...(p.versions ? { versions: p.versions } : {}),
  });
  if (plan.kind === "impossible") return { kind: "no-fix", why: plan.why };
  const outDir = path.resolve(p.outDir);
  const files: FixFiles = {
    advertised: path.join(outDir, FIX_FILES.advertised),
    store: path.join(outDir, FIX_FILES.store),
    rest: path.join(outDir, FIX_FILES.rest),
  };
  const tree = readTree(server, p.config);
  let edit: ReturnType<typeof splitEdit>;
  try {
    edit = splitEdit(tree, rewritePaths(tree, outDir), original, files);
  } catch (err) {
    if (err instanceof NoSplitEdit) return { kind: "no-fix", why: err.message };
    throw err;
  }
  const out = new Map(edit.texts);
  const advertisedSet = new Set(plan.entries.map((e) => e.sha256));
  const contents: Record<keyof FixFiles, string> = {
    advertised: pem(plan.entries),
    store: pem(trusted),
    rest: pem(trusted.filter((e) => !advertisedSet.has(e.sha256))),
  };
  for (const k of edit.uses) out.set(FIX_FILES[k], contents[k]);
  if (edit.uses.includes("rest") && contents.rest === "")
    // HAProxy wants a file with at least one certificate; every trusted CA is advertised then.
    out.set(FIX_FILES.rest, contents.store);
  writeTreeAtomically(outDir, out);
  const mainFile = path.join(outDir, tree.mainFile);
  let fixed: CaSetup;
  try {
    fixed = readInput(mainFile, { server, ...(p.endpoint ? { endpoint: p.endpoint } : {}) });
    const lost = missingFrom(trustedSet(fixed), trusted);
    if (lost.length > 0)
      throw new EngineError(
        `the fixed config no longer trusts ${lost.length} CA(s), first ${lost[0]!.subject}`,
      );
    const advertisedNow = new Set(fixed.advertise.map((e) => e.sha256));
    if (
      plan.entries.some((e) => !advertisedNow.has(e.sha256)) ||
      fixed.advertise.length !== plan.entries.length
    )
      throw new EngineError("the fixed config does not advertise the planned list");
  } catch (err) {
    // A fix that does not hold is not left behind.
    rmSync(outDir, { recursive: true, force: true });
    throw err;
  }
  const diff = [...tree.files.keys()]
    .filter((rel) => out.get(rel) !== tree.files.get(rel))
    .map((rel) => unifiedDiff(path.join(tree.root, rel), path.join(outDir, rel)))
    .join("");
  return {
    kind: "written",
    server,
    outDir,
    mainFile,
    original,
    fixed,
    plan,
    issuers,
    trusted,
    changes: edit.changes,
    diff,
  };
}
