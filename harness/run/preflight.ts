import { InputError } from "../errors.ts";
import { parsePolicy } from "../model/policy.ts";
import type { TestPki } from "../pki/test-pki.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { Scenario } from "../scenario/define-scenario.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import { checkEndpointReachable } from "../servers/templates/endpoint-server.ts";
import { preflightTemplate } from "../servers/templates/template-driver.ts";
import { acceptsForge, type RootStep } from "./plan.ts";

/**
 * Checks that turn a run that could only fail into bad input (exit 2) before the run directory
 * exists: every endpoint answers on TCP.
 */
export async function preflight(scenario: Scenario, file: string, timeoutMs: number): Promise<void> {
  await Promise.all(
    scenario.servers.map(async (s, i) => {
      if (s.driver !== "endpoint") return;
      const a = parseAddress(s.address)!;
      await checkEndpointReachable(
        `${file}: servers[${i}].address`,
        a.host,
        a.port,
        Math.min(timeoutMs, 5_000),
      );
    }),
  );
}

/**
 * The first step of every user template through the product's own config test, in the runtime
 * the run uses: a config the server rejects is bad input (exit 2, file and line), found before the
 * run directory exists. Later steps that fail are case outcomes.
 */
export async function preflightServers(
  scenario: Scenario,
  file: string,
  steps: readonly RootStep[],
  pki: TestPki,
  runtime: Runtime,
): Promise<void> {
  // A user's image must be here already: rootload never pulls, and a missing one is their input.
  for (const [i, s] of scenario.servers.entries()) {
    if (s.driver === "endpoint" || s.image === undefined) continue;
    if (!runtime.hasImage)
      throw new InputError(`${file}: servers[${i}].image`, `"${s.image}" needs the container runtime`);
    if (!(await runtime.hasImage(s.image)))
      throw new InputError(
        `${file}: servers[${i}].image`,
        `"${s.image}" is not present locally (rootload never pulls: build or \`docker load\` it on this machine)`,
      );
  }
  const first = steps[0];
  if (!first) return;
  for (const s of scenario.servers) {
    if (s.driver === "endpoint" || !s.config) continue;
    const policy = parsePolicy([s.policy ?? "all"].flat()[0]!) ?? { kind: "all" as const };
    await preflightTemplate(
      s.driver,
      s.config,
      {
        store: first.store,
        policy,
        tls: s.tls ?? ["1.2", "1.3"],
        clientAuth: s.clientAuth ?? "require",
        pki,
        ...(s.image ? { image: s.image } : {}),
      },
      runtime,
    );
  }
}

/** Notes for the manifest: cases the plan leaves out on purpose. */
export function planNotes(scenario: Scenario): { notes?: string[] } {
  if (!(scenario.clients ?? []).includes("forge")) return {};
  const notes = scenario.servers.flatMap((s, i) =>
    acceptsForge(s)
      ? []
      : [
          `forge client skipped for servers[${i}] (${s.driver}${s.driver !== "endpoint" && s.config ? ", user config" : ""}): it needs an RSA server key and TLS 1.0 settings that rootload does not impose on a user's server`,
        ],
  );
  return notes.length ? { notes } : {};
}
