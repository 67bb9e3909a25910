/**
 * Write containers/CAPABILITIES.md: `node --import tsx containers/capability-table.ts [--runtime auto|container|process]`.
 * Versions come from the runtime: image labels for containers, dpkg for local processes.
 */
import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { clientTable } from "../harness/clients/client-table.ts";
import { clientVersions } from "../harness/clients/client-versions.ts";
import type { RuntimeChoice } from "../harness/model/names.ts";
import { DRIVER_NAMES } from "../harness/model/names.ts";
import { ContainerRuntime } from "../harness/runtime/container-runtime.ts";
import { resolveRuntime } from "../harness/runtime/resolve-runtime.ts";
import { capabilityTable } from "../harness/servers/capability-table.ts";
import { DRIVERS } from "../harness/servers/drivers/registry.ts";

const i = process.argv.indexOf("--runtime");
const choice = (i > 0 ? process.argv[i + 1] : "auto") as RuntimeChoice;
const runtime = await resolveRuntime(choice);
try {
  const versions: Record<string, Record<string, string>> = {};
  for (const name of DRIVER_NAMES) {
    const d = DRIVERS[name];
    if (!(await d.available(runtime)).ok) continue;
    const pkgs = await runtime.packageVersions(Object.values(d.packages));
    versions[name] = Object.fromEntries(
      Object.entries(d.packages).flatMap(([label, pkg]) => (pkgs[pkg] ? [[label, pkgs[pkg]]] : [])),
    );
  }
  const source =
    runtime instanceof ContainerRuntime
      ? `Debian packages in image \`${runtime.image}\` (recipe ${runtime.labels["rootload.recipe-hash"]}, built ${runtime.labels["rootload.built"]}); the node driver runs the image's nodejs there and the harness's own Node in the process runtime`
      : "Debian packages on this host (process runtime)";
  const out = fileURLToPath(new URL("./CAPABILITIES.md", import.meta.url));
  const table = `${capabilityTable({ drivers: DRIVER_NAMES.map((n) => DRIVERS[n]), versions, source })}\n${clientTable(await clientVersions(runtime))}`;
  writeFileSync(out, table);
  // docs/scenarios.md carries the same table between its markers, so what a reader sees is generated too.
  const readme = fileURLToPath(new URL("../docs/scenarios.md", import.meta.url));
  const text = readFileSync(readme, "utf8");
  const start = "<!-- capabilities:start -->";
  const end = "<!-- capabilities:end -->";
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/scenarios.md has no ${start} … ${end} section`);
  const body = table
    .replace(/^# .*\n/, "")
    .replace(/^## /gm, "### ")
    .trim();
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
  process.stdout.write(`wrote ${out} and the capability section of docs/scenarios.md\n`);
} finally {
  await runtime.close();
}
