import { EngineError, InputError, messageOf } from "../../errors.ts";
import type { DriverName } from "../../model/names.ts";
import type { Runtime } from "../../runtime/runtime.ts";
import type { DriverDefinition, RenderContext, ServerDriver } from "../driver-contract.ts";
import { COMMON_FILES, DriverServer, defineDriver } from "../driver-server.ts";
import { DRIVERS } from "../drivers/registry.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import type { ServerConfig } from "../server-config.ts";
import {
  APACHE_TEMPLATE,
  apacheOverrides,
  HAPROXY_TEMPLATE,
  NGINX_TEMPLATE,
  nginxGlobals,
  STUNNEL_TEMPLATE,
  STUNNEL_USER_DIR,
  stunnelGlobals,
} from "./product-rules.ts";
import {
  CHECK_ONLY,
  type OwnedValues,
  PLACEHOLDERS,
  type Placeholder,
  type RenderedTemplate,
  renderTemplate,
  type TemplateRules,
  templateError,
} from "./render-template.ts";

/** How a product runs a rendered template: its command, its config test, its reload. */
interface TemplateProduct {
  rules: TemplateRules;
  /** The server in the foreground; `mains` are the rendered top-level files, in order. */
  argv(ctx: RenderContext, mains: readonly string[]): string[];
  /**
   * The product's own config test (`nginx -t`, `haproxy -c`) and what it prints when the config is
   * good. stunnel has none: starting it is the test.
   */
  check: { argv(ctx: RenderContext, mains: readonly string[]): string[]; ok: RegExp };
  /** rootload's own files around the user's (stunnel's global settings). */
  files?(ctx: RenderContext): Record<string, string>;
  /** Readiness where the product's own driver names its service (stunnel: `[rootload]`). */
  ready?: Pick<DriverDefinition, "ready" | "startFailed">;
  reload?: DriverDefinition["reload"];
  /** HAProxy's `crt` wants certificate and key in one file. */
  certFile: string;
}

const nginxArgv = (ctx: RenderContext) => [
  "nginx",
  "-p",
  ctx.dir,
  "-e",
  "stderr",
  "-c",
  ctx.file(NGINX_TEMPLATE.mainFile),
  "-g",
  nginxGlobals(ctx.state("nginx.pid")),
];

const apacheArgv = (ctx: RenderContext) => [
  "apache2",
  "-f",
  ctx.file(APACHE_TEMPLATE.mainFile),
  ...apacheOverrides(ctx.state("")),
];

const haproxyFiles = (ctx: RenderContext, mains: readonly string[]) =>
  mains.flatMap((m) => ["-f", ctx.file(m)]);

const stunnelArgv = (ctx: RenderContext) => ["stunnel4", ctx.file("stunnel.conf")];

const PRODUCTS: Partial<Record<DriverName, TemplateProduct>> = {
  apache: {
    rules: APACHE_TEMPLATE,
    argv: (ctx) => [...apacheArgv(ctx), "-DFOREGROUND"],
    check: { argv: (ctx) => [...apacheArgv(ctx), "-t"], ok: /Syntax OK/ },
    reload: {
      kind: "command",
      argv: (ctx) => [...apacheArgv(ctx), "-k", "graceful"],
      done: /resuming normal operations/,
      failed: /AH00016|Syntax error|AH00526|Configuration Failed/,
      // `-k graceful` is SIGUSR1 to the parent.
      signal: "SIGUSR1",
    },
    certFile: COMMON_FILES.cert,
  },
  nginx: {
    rules: NGINX_TEMPLATE,
    argv: nginxArgv,
    check: { argv: (ctx) => [...nginxArgv(ctx), "-t"], ok: /test is successful/ },
    // Restarted per step, not `nginx -s reload`: with a user's config (several TLS server blocks,
    // each loading the CA file) the old worker's exit was not a reliable sign that the new list
    // is served (containers, loaded machine: the old list answered past the reload).
    reload: { kind: "restart" },
    certFile: COMMON_FILES.cert,
  },
  haproxy: {
    rules: HAPROXY_TEMPLATE,
    argv: (ctx, mains) => [
      "haproxy",
      "-W",
      "-db",
      ...haproxyFiles(ctx, mains),
      "-p",
      ctx.state("haproxy.pid"),
    ],
    check: {
      argv: (ctx, mains) => ["haproxy", "-c", ...haproxyFiles(ctx, mains)],
      ok: /Configuration file is valid/,
    },
    // Restarted per step like nginx: under load the served check after SIGUSR2 could still see
    // the previous list at the step past the limit (the full suite, 2 cores).
    reload: { kind: "restart" },
    certFile: COMMON_FILES.certAndKey,
  },
  stunnel: {
    rules: STUNNEL_TEMPLATE,
    argv: stunnelArgv,
    check: { argv: stunnelArgv, ok: /Configuration successful/ },
    // Ready once a service of the user's (any name) is bound; not "Configuration successful",
    // which stunnel logs before binding.
    ready: {
      ready: /Service \[[^\]]+\] \(FD=\d+\) bound to/,
      startFailed: /Binding service \[[^\]]+\] failed/,
    },
    files: (ctx) => ({
      "stunnel.conf": stunnelGlobals(ctx.state("stunnel.pid"), ctx.file(STUNNEL_USER_DIR)),
    }),
    // Certificate and key in one file, so `cert = ${ROOTLOAD_CERT}` alone works; `key =` may be given too.
    certFile: COMMON_FILES.certAndKey,
  },
};

/** Drivers that take a user's config template. */
export const TEMPLATE_PRODUCTS = Object.keys(PRODUCTS) as DriverName[];

function product(name: DriverName): TemplateProduct {
  const p = PRODUCTS[name];
  if (!p)
    throw new InputError(
      `driver "${name}"`,
      `takes no config template yet (only ${TEMPLATE_PRODUCTS.join(", ")})`,
    );
  return p;
}

/** The placeholder values for one rendering: paths in the server's directory, its address. */
export function placeholderValues(ctx: RenderContext, p: TemplateProduct): Record<Placeholder, string> {
  return {
    ROOTLOAD_LISTEN: `${ctx.listenHost}:${ctx.listenPort}`,
    ROOTLOAD_PORT: `${ctx.listenPort}`,
    ROOTLOAD_CERT: ctx.file(p.certFile),
    ROOTLOAD_KEY: ctx.file(COMMON_FILES.key),
    ROOTLOAD_CA_FILE: ctx.file(ISSUER_FILES.verify),
    // The policy's advertised part (the whole store for a server tested as configured).
    ROOTLOAD_CA_ADVERTISED_FILE: ctx.file(ISSUER_FILES.advertise),
    ROOTLOAD_CA_VERIFY_FILE: ctx.file(ISSUER_FILES.verify),
  };
}

/** Stand-in values for a rendering that only counts the template's listeners. */
const DRY_VALUES = Object.fromEntries(
  Object.keys(PLACEHOLDERS).map((k) => [k, k === "ROOTLOAD_PORT" ? "1" : "/x"]),
) as Record<Placeholder, string>;

/** Ports for the template's other listeners and the server's state folder. */
const owned = (ctx: RenderContext): OwnedValues => ({ ports: ctx.extraPorts, state: ctx.state });

/**
 * The product's definition with the user's template in place of rootload's config: same binary,
 * readiness, limits and reload, the template rendered per step. `sources` fills in as it renders.
 */
function templateDefinition(
  name: DriverName,
  template: string | readonly string[],
  sources: RenderedTemplate["sources"],
): DriverDefinition {
  const base = DRIVERS[name].definition;
  if (!base) throw new EngineError(`driver ${name} has no definition to build a template driver from`);
  const p = product(name);
  return {
    ...base,
    // Whatever the user's config listens on, rootload reaches it on 127.0.0.1 (isolation is for
    // servers that cannot bind one address; nginx and HAProxy can).
    isolated: undefined,
    reload: p.reload ?? base.reload,
    ...p.ready,
    // Read again at each start: the count follows the template as it is now.
    extraPorts: () => renderTemplate(template, p.rules, DRY_VALUES, CHECK_ONLY).extraListeners,
    render: (ctx) => {
      const r = renderTemplate(template, p.rules, placeholderValues(ctx, p), owned(ctx));
      Object.assign(sources, r.sources);
      return { files: { ...r.files, ...p.files?.(ctx) }, argv: p.argv(ctx, r.mains) };
    },
  };
}

/** A driver that runs the user's config template (`servers[i].config`) under the product's driver. */
export function templateDriver(name: DriverName, template: string | readonly string[]): ServerDriver {
  return defineDriver(templateDefinition(name, template, {}));
}

/**
 * Render the template for the first step and run the product's own config test on it (`nginx -t`,
 * `haproxy -c`) in the runtime the run uses. A config the server rejects is bad input: an
 * InputError naming the template file, line and the server's message. Later steps that fail are
 * case outcomes, not this.
 */
export async function preflightTemplate(
  name: DriverName,
  template: string | readonly string[],
  config: ServerConfig,
  runtime: Runtime,
): Promise<void> {
  const p = product(name);
  const sources: RenderedTemplate["sources"] = {};
  const def = templateDefinition(name, template, sources);
  const check: DriverDefinition = {
    ...def,
    ready: p.check.ok,
    reload: { kind: "restart" },
    render: (ctx) => {
      const r = renderTemplate(template, p.rules, placeholderValues(ctx, p), owned(ctx));
      Object.assign(sources, r.sources);
      return { files: { ...r.files, ...p.files?.(ctx) }, argv: p.check.argv(ctx, r.mains) };
    },
  };
  try {
    const s = await DriverServer.start(check, config, runtime);
    await s.stop();
  } catch (err) {
    if (err instanceof InputError) throw err;
    const explained = templateError(name, messageOf(err), p.rules, sources);
    if (explained) throw explained;
    throw err;
  }
}
