import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Chromium's path: $ROOTLOAD_CHROMIUM, else /usr/bin/chromium. Throws with a message when missing. */
export function chromiumPath(): string {
  const path = process.env.ROOTLOAD_CHROMIUM ?? "/usr/bin/chromium";
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `headless Chromium not found at ${path}: install it (apt-get install chromium) or set ROOTLOAD_CHROMIUM; ` +
        "the HTML report test needs a real browser and does not skip",
    );
  }
  return path;
}

/** Flags for a quiet, offline, throwaway browser run as root in a container. */
function flags(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
  ];
}

/** Run Chromium once with a fresh profile directory; returns stdout. */
export async function chromium(args: string[], timeoutMs = 45_000): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), "rootload-chromium-"));
  try {
    const { stdout } = await run(chromiumPath(), [...flags(profile), ...args], {
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      killSignal: "SIGKILL",
    });
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** How many times `re` (global) matches in `html`. */
export function countMatches(html: string, re: RegExp): number {
  return html.match(re)?.length ?? 0;
}

/** The markup of one chart's `<svg data-chart=name>` element in a dumped DOM. */
export function chartMarkup(html: string, name: string): string {
  const start = html.search(new RegExp(`<svg[^>]*data-chart="${name}"`));
  if (start < 0) throw new Error(`no <svg data-chart="${name}">`);
  return html.slice(start, html.indexOf("</svg>", start) + 6);
}
