import { NO_SPLIT, type NoSplitServer, noSplitAnswer } from "../check/fix/no-split.ts";
import { type AdvertiseMode, DEFAULT_MARGIN_BYTES } from "../check/fix/plan-advertised.ts";
import { fixText } from "../check/fix/render-fix.ts";
import { planAndWriteFix, SPLITTING } from "../check/fix/run-fix.ts";
import type { KnownVersions } from "../check/limit-lookup.ts";
import type { ClientStack } from "../check/limits.ts";
import { readInput } from "../check/read-input.ts";
import { InputError } from "../errors.ts";
import type { TlsVersion } from "../model/tls.ts";

/** What `rootload check --fix` was given (parsed by check-command.ts). */
export interface FixOptions {
  input: string;
  server?: string;
  endpoint?: string;
  issuers: readonly string[];
  clients: readonly ClientStack[];
  tls?: readonly TlsVersion[];
  out?: string;
  verify: boolean;
  /** --verify may run the programs the config names (stunnel exec, piped logs). */
  allowCommands?: boolean;
  /** `--identity cert.pem,key.pem` */
  identity?: string;
  margin?: number;
  advertise?: string;
  versions: KnownVersions;
  write(text: string): void;
}

/** Every server `--fix --server` answers for: the ones whose config it edits, and the ones that cannot split. */
export const FIX_SERVERS = [...SPLITTING, ...NO_SPLIT] as const;

/**
 * `rootload check <config> --fix`: exit 0 a fix was written (and, with --verify, proven on the
 * real server), 1 no fix exists for what was asked (said why), 2 bad input (nothing written).
 */
export async function fixCommand(o: FixOptions): Promise<number> {
  if (o.server !== undefined && !(FIX_SERVERS as readonly string[]).includes(o.server))
    throw new InputError("rootload check --server", `"${o.server}" is not one of ${FIX_SERVERS.join(", ")}`);
  if (o.server && (NO_SPLIT as readonly string[]).includes(o.server)) {
    o.write(noSplitAnswer(o.server as NoSplitServer, o.clients));
    return o.server === "openssl" ? 0 : 1;
  }
  const mode = (o.advertise ?? "fill") as AdvertiseMode;
  if (mode !== "fill" && mode !== "issuers")
    throw new InputError("rootload check --advertise", `"${o.advertise}" is not fill or issuers`);
  let identity: { cert: string; key: string } | undefined;
  if (o.identity !== undefined) {
    const [cert, key, ...extra] = o.identity.split(",");
    if (!cert || !key || extra.length)
      throw new InputError("rootload check --identity", `"${o.identity}" is not cert.pem,key.pem`);
    identity = { cert, key };
  }
  if (o.verify && !identity)
    throw new InputError(
      "rootload check --verify",
      "needs --identity cert.pem,key.pem: the proof is your clients' certificate getting in (issued by the first --issuer)",
    );
  // lighttpd's ssl.ca-dn-file also restricts which issuers are accepted: a split would trust less.
  if (o.server === undefined && isLighttpd(o.input)) {
    o.write(noSplitAnswer("lighttpd", o.clients));
    return 1;
  }
  const result = planAndWriteFix({
    config: o.input,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    issuers: o.issuers,
    clients: o.clients,
    ...(o.tls ? { tls: o.tls } : {}),
    outDir: o.out ?? "rootload-fix",
    marginBytes: o.margin ?? DEFAULT_MARGIN_BYTES,
    mode,
    versions: o.versions,
  });
  if (result.kind === "no-fix") {
    o.write(`rootload check --fix: no fix: ${result.why}\n`);
    return 1;
  }
  o.write(fixText(result));
  if (!o.verify) return 0;
  // The runner and its servers load only when a fix is proven (--verify).
  const { verificationText, verifyFix } = await import("./verify-fix.ts");
  const v = await verifyFix(result, identity!, o.issuers[0]!, o.clients, o.allowCommands);
  o.write(verificationText(v));
  if (!v.proven) o.write("✗ the fixed config did not let every named client in (written, not proven)\n");
  return v.proven ? 0 : 1;
}

/** Whether the config is lighttpd's (whose configs the template machinery does not run). */
function isLighttpd(file: string): boolean {
  return readInput(file).server === "lighttpd";
}
