import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineCommand, helpText, parseCommandArgs } from "../args.ts";
import { InputError, messageOf } from "../errors.ts";
import { LIST_LIMITS } from "../model/limits.ts";
import { listSnapshots, PROGRAMS, type Snapshot, userDataDir } from "../roots/catalog.ts";
import { fetchMicrosoft, fetchMozilla } from "../roots/fetch-snapshot.ts";
import { fitsIn } from "../roots/fits-in.ts";
import { type CtlOptions, loadRoots, type RootSpec, specFromPath } from "../roots/load.ts";
import { CTL_KEEP_FLAG, type CtlExclusion, type CtlPurpose } from "../roots/load-ctl.ts";
import type { RootStore } from "../roots/root-store.ts";
import type { Command } from "./command.ts";
import { Progress } from "./progress.ts";

const STORE = "<source>";
const ABOUT = `A root store with its count, CA-list bytes and how much of it fits in each limit. <source>: a
snapshot name (microsoft:2025-06-16, mozilla:latest, curl:latest, apple:<date>; see roots list), a
file or folder (CTL .stl/.cab with certificates from certs/ beside it, PEM, DER, certdata.txt),
builtin, system, or synthetic:N[:SEED]. A CTL is taken whole by default, the entries Microsoft disabled included, as \`rootload check\` and
a Windows server's Root store take it. CTL filters (purpose, date, disabled entries) say what
they left out and the flag that keeps it. Exit 0, or 2 on bad input.`;
const FILTERS = {
  certs: { type: "string", arg: "DIR", help: "a CTL's certificates (default: certs/ beside it)" },
  purpose: {
    type: "string",
    arg: "serverAuth|clientAuth|any",
    help: "keep only the CTL entries trusted for this (default any)",
  },
  "as-of": {
    type: "string",
    arg: "DATE",
    help: "apply a CTL's NotBefore dates too, and its disable dates as of DATE (default: disable dates whenever set)",
  },
  "include-disabled": {
    type: "boolean",
    help: "keep a CTL's disabled entries, marked disabled (the default)",
  },
  "exclude-disabled": { type: "boolean", help: "leave out the entries Microsoft disabled" },
} as const;

export const ROOTS_INSPECT = defineCommand({
  name: "roots inspect",
  usage: [`roots inspect ${STORE} [options]`],
  about: ABOUT,
  options: { ...FILTERS, json: { type: "boolean", help: "print the store as JSON (every entry)" } },
});

export const ROOTS_EXPORT = defineCommand({
  name: "roots export",
  usage: [`roots export ${STORE} --format pem|der-dir -o OUT [options]`],
  about: ABOUT,
  options: {
    ...FILTERS,
    format: {
      type: "string",
      arg: "pem|der-dir",
      help: "one PEM bundle, or a directory of DER files (required)",
    },
    out: {
      type: "string",
      short: "o",
      arg: "OUT",
      help: "file or directory to write (required; never half-written)",
    },
  },
});

export const ROOTS_LIST = defineCommand({
  name: "roots list",
  usage: ["roots list [--json]"],
  about:
    "The snapshots the names find (shipped with rootload, or fetched): entries, roots, names, list bytes.",
  options: { json: { type: "boolean", help: "print the list as JSON" } },
});

export const ROOTS_FETCH = defineCommand({
  name: "roots fetch",
  usage: ["roots fetch microsoft|mozilla [options]"],
  about: `The program's current list, checked, written as a dated snapshot that the names then find.
Exit 0, or 2 on bad input.`,
  options: {
    from: { type: "string", arg: "URL", help: "fetch from this address instead of the program's own" },
    out: {
      type: "string",
      arg: "DIR",
      help: "where to write (default $ROOTLOAD_DATA or ~/.local/share/rootload/rootstores)",
    },
  },
});

const ROOTS_COMMANDS = { inspect: ROOTS_INSPECT, export: ROOTS_EXPORT, list: ROOTS_LIST, fetch: ROOTS_FETCH };

const USAGE = `usage:
${Object.values(ROOTS_COMMANDS)
  .map((c) => `  rootload ${c.usage[0]}`)
  .join("\n")}
(rootload roots <subcommand> --help: its options)
`;

/**
 * What the source held before filters, and what each filter left out with the flag that keeps
 * it: a CTL's 514 entries shown as `count: 344` must say where the other 170 went.
 */
function accounting(store: RootStore): {
  total: number;
  excluded: Partial<
    Record<CtlExclusion | "duplicates" | "missingCerts", { count: number; keepWith?: string }>
  >;
} {
  const m = store.meta;
  const excluded: ReturnType<typeof accounting>["excluded"] = {};
  if (m.excluded)
    for (const reason of ["purpose", "disabled", "notBefore"] as const)
      excluded[reason] = {
        count: m.excluded[reason],
        keepWith: reason === "purpose" ? CTL_KEEP_FLAG[reason] : "without --exclude-disabled",
      };
  if (m.missingCerts?.length) excluded.missingCerts = { count: m.missingCerts.length };
  if (m.duplicates?.length) excluded.duplicates = { count: m.duplicates.length };
  const total = m.ctlEntries ?? store.count + (m.duplicates?.length ?? 0);
  return { total, excluded };
}

/** The `inspect --json` document. Field names are a contract with other tools. */
export function inspectJson(store: RootStore): Record<string, unknown> {
  const m = store.meta;
  return {
    source: store.source,
    kind: store.kind,
    ...accounting(store),
    count: store.count,
    caListBytes: store.caListBytes,
    ...(m.thisUpdate ? { thisUpdate: m.thisUpdate } : {}),
    ...(m.sequenceNumber ? { sequenceNumber: m.sequenceNumber } : {}),
    ...(m.signature ? { signature: m.signature } : {}),
    missingCerts: m.missingCerts ?? [],
    ...(m.duplicates?.length ? { duplicates: m.duplicates } : {}),
    fits: Object.fromEntries(LIST_LIMITS.map((l) => [String(l), fitsIn(store, l)])),
    fitsSubjectOrder: Object.fromEntries(LIST_LIMITS.map((l) => [String(l), fitsIn(store, l, "subject")])),
    entries: store.entries.map((e) => ({
      sha1: e.sha1,
      sha256: e.sha256,
      subject: e.subject,
      subjectDerBytes: e.subjectDer.length,
      ekus: e.info.ekus ?? [],
      ...(e.info.disallowedSince ? { disallowedSince: e.info.disallowedSince } : {}),
      ...(e.info.notBefore ? { notBefore: e.info.notBefore } : {}),
      ...(e.info.friendlyName !== undefined ? { friendlyName: e.info.friendlyName } : {}),
      // Only with --include-disabled: the entry is listed but disabled for the chosen purpose/date.
      ...(e.info.disabled === true ? { disabled: true } : {}),
    })),
  };
}

function summary(store: RootStore): string {
  const m = store.meta;
  const rows: [string, string][] = [
    ["source", store.source],
    ["kind", store.kind],
    ["total", `${accounting(store).total} entries in the source`],
    ...Object.entries(accounting(store).excluded).map(([reason, e]): [string, string] => [
      `excluded (${reason})`,
      `${e.count}${e.keepWith ? ` (${e.keepWith.startsWith("--") ? "keep with" : "kept"} ${e.keepWith})` : ""}`,
    ]),
    ...(disabledKept(store) > 0
      ? [
          [
            "disabled, kept",
            `${disabledKept(store)} (in the whole list by default, as check takes it; leave out with --exclude-disabled)`,
          ] as [string, string],
        ]
      : []),
    ["count", String(store.count)],
    ["caListBytes", `${store.caListBytes} B`],
    ...LIST_LIMITS.map((l): [string, string] => [
      `fit in ${l} B`,
      `${fitsIn(store, l)} in store order, ${fitsIn(store, l, "subject")} sorted by subject`,
    ]),
  ];
  if (m.thisUpdate) rows.push(["thisUpdate", m.thisUpdate]);
  if (m.sequenceNumber) rows.push(["sequenceNumber", m.sequenceNumber]);
  if (m.signature)
    rows.push(["signature", m.signature + (m.signatureProblem ? ` (${String(m.signatureProblem)})` : "")]);
  if (m.signer) rows.push(["signer", m.signer]);
  if (m.missingCerts) rows.push(["missing certs", String(m.missingCerts.length)]);
  if (m.duplicates?.length) rows.push(["duplicates dropped", String(m.duplicates.length)]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n") + "\n";
}

/** CTL entries kept although Microsoft disabled them for the purpose/date asked. */
function disabledKept(store: RootStore): number {
  return store.entries.filter((e) => e.info.disabled === true).length;
}

function purposeOf(v: string | undefined): CtlPurpose | undefined {
  if (v === undefined) return undefined;
  if (v === "serverAuth" || v === "clientAuth" || v === "any") return v;
  throw new InputError("rootload roots --purpose", `"${v}" is not one of serverAuth, clientAuth, any`);
}

function asOfOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (Number.isNaN(Date.parse(v))) throw new InputError("rootload roots --as-of", `"${v}" is not a date`);
  return new Date(v).toISOString();
}

/**
 * The spec for the store argument. CTL filters on another kind are an error rather than silently
 * ignored, except `--purpose serverAuth|any`, which certdata.txt understands too.
 */
function resolveSpec(arg: string, ctl: CtlOptions): RootSpec {
  const spec = specFromPath(arg, ctl);
  // One default with `check`: the whole CTL, disabled entries included.
  if (spec.kind === "ctl") return { ...spec, includeDisabled: spec.includeDisabled ?? true };
  if (spec.kind === "certdata" && ctl.purpose !== undefined) {
    if (ctl.purpose === "clientAuth")
      throw new InputError(
        "rootload roots --purpose",
        "certdata.txt has no clientAuth trust; use serverAuth or any",
      );
    return { ...spec, purpose: ctl.purpose };
  }
  const used = Object.keys(ctl).filter((k) => !(spec.kind === "certdata" && k === "purpose"));
  if (used.length)
    throw new InputError(
      `rootload roots ${arg}`,
      `${used.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} only apply to CTLs, and this is ${spec.kind}`,
    );
  return spec;
}

/** Write through a temporary name, so a failure leaves no half-written output. */
function exportStore(store: RootStore, format: string, out: string): void {
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    if (format === "pem") {
      writeFileSync(tmp, store.toPem());
      renameSync(tmp, out);
    } else {
      if (existsSync(out)) throw new InputError(out, "already exists; der-dir export needs a new directory");
      mkdirSync(tmp);
      for (const e of store.entries) writeFileSync(join(tmp, `${e.sha1}.der`), e.certDer);
      renameSync(tmp, out);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof InputError) throw err;
    throw new InputError(out, `cannot write: ${messageOf(err)}`);
  }
}

/** One row of `roots list`: the snapshot as its name loads it (what `roots inspect <name>` shows). */
function listRow(s: Snapshot): Record<string, unknown> {
  const name = `${s.program}:${s.date}`;
  // The same default as inspect and check: a CTL whole.
  const store = loadRoots(resolveSpec(name, {}));
  return {
    name,
    total: accounting(store).total,
    roots: store.count,
    names: new Set(store.entries.map((e) => Buffer.from(e.subjectDer).toString("hex"))).size,
    caListBytes: store.caListBytes,
    where: s.shipped ? "shipped" : s.root,
  };
}

function listText(rows: Record<string, unknown>[]): string {
  const head = ["name", "entries", "roots", "names", "list bytes", "where"];
  const body = rows.map((r) => [r.name, r.total, r.roots, r.names, r.caListBytes, r.where].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 1 && i <= 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join("  ")
      .trimEnd();
  const latest = (Object.keys(PROGRAMS) as (keyof typeof PROGRAMS)[])
    .map((p) => rows.filter((r) => String(r.name).startsWith(`${p}:`)).at(-1))
    .filter((r) => r !== undefined)
    .map((r) => String(r.name).replace(/:.*/, ":latest") + ` = ${r.name}`);
  return `${[line(head), ...body.map(line)].join("\n")}\n\n${latest.join(", ")}\nuser data folder: ${userDataDir()}\n`;
}

/** `rootload roots fetch microsoft|mozilla`: the program's current list, checked, as a dated snapshot. */
async function fetchCommand(positionals: string[], values: { from?: string; out?: string }): Promise<number> {
  const program = positionals[0];
  if (positionals.length !== 1 || (program !== "microsoft" && program !== "mozilla"))
    throw new InputError(
      "rootload roots fetch",
      `expected microsoft or mozilla, got "${positionals.join(" ")}"`,
    );
  const out = values.out ?? userDataDir();
  let progress: Progress | undefined;
  let seen = 0;
  const onProgress = (done: number, total: number, label: string) => {
    progress ??= new Progress(total);
    while (seen < done) {
      seen++;
      progress.tick(label);
    }
  };
  const fetchOne = program === "microsoft" ? fetchMicrosoft : fetchMozilla;
  try {
    const r = await fetchOne({
      out,
      onProgress,
      ...(values.from !== undefined ? { from: values.from } : {}),
    });
    progress?.end();
    const added =
      r.newCertificates !== undefined ? `, ${r.newCertificates} new certificates in the pool` : "";
    process.stdout.write(
      r.written
        ? `${r.name}: ${r.roots} roots${added}, written to ${r.dir}\n`
        : `${r.name}: already in ${r.dir}, nothing written\n`,
    );
    return 0;
  } finally {
    progress?.end();
  }
}

/** `rootload roots inspect|export|list|fetch`. */
export const rootsCommand: Command = async (args) => {
  const [sub, ...rest] = args;
  // `rootload roots inspect ... --json | head` closes stdout early: that is not an error.
  process.stdout.once("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  if (!(sub in ROOTS_COMMANDS))
    throw new InputError(
      "rootload roots",
      `unknown subcommand "${sub}"; one of ${Object.keys(ROOTS_COMMANDS).join(", ")}`,
    );
  const spec = ROOTS_COMMANDS[sub as keyof typeof ROOTS_COMMANDS];
  const { values, positionals } = parseCommandArgs<
    typeof ROOTS_INSPECT.options & typeof ROOTS_EXPORT.options & typeof ROOTS_FETCH.options
  >(spec as never, rest);
  if (values.help) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  if (sub === "fetch") return fetchCommand(positionals, values);
  if (sub === "list") {
    if (positionals.length)
      throw new InputError("rootload roots list", `takes no argument, got "${positionals[0]}"`);
    const rows = listSnapshots().map(listRow);
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : listText(rows));
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError(`rootload roots ${sub}`, `expected one store argument, got ${positionals.length}`);
  const ctl: CtlOptions = {
    ...(values.certs !== undefined ? { certs: values.certs } : {}),
    ...(values.purpose !== undefined ? { purpose: purposeOf(values.purpose)! } : {}),
    ...(values["as-of"] !== undefined ? { asOf: asOfOf(values["as-of"])! } : {}),
    ...(values["include-disabled"] ? { includeDisabled: true } : {}),
    ...(values["exclude-disabled"] ? { includeDisabled: false } : {}),
  };
  if (values["include-disabled"] && values["exclude-disabled"])
    throw new InputError(
      `rootload roots ${sub}`,
      "--include-disabled and --exclude-disabled contradict each other",
    );
  if (sub === "export") {
    const out = values.out;
    const format = values.format;
    if (format !== "pem" && format !== "der-dir")
      throw new InputError("rootload roots export --format", `"${format ?? ""}" is not one of pem, der-dir`);
    if (!out) throw new InputError("rootload roots export", "-o OUT is required");
    const store = loadRoots(resolveSpec(positionals[0]!, ctl));
    exportStore(store, format, out);
    const kept = disabledKept(store);
    process.stderr.write(
      `wrote ${store.count} roots (${store.caListBytes} B CA list) to ${out}${kept ? `; ${kept} of them disabled by Microsoft (kept: the whole list, as check takes it; --exclude-disabled leaves them out)` : ""}\n`,
    );
    return 0;
  }
  const store = loadRoots(resolveSpec(positionals[0]!, ctl));
  if (values.json) process.stdout.write(JSON.stringify(inspectJson(store), null, 2) + "\n");
  else process.stdout.write(summary(store));
  return 0;
};

export default rootsCommand;
