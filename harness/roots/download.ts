import { InputError, messageOf } from "../errors.ts";

/** Bounds on one download: every request ends, and no answer is read past its cap. */
export interface DownloadLimits {
  /** Give up on a request (connect, headers and body) after this long. Default 30 s. */
  timeoutMs?: number;
  /** Refuse a body larger than this. */
  maxBytes: number;
}

/**
 * GET a URL into memory, bounded in time and size. A status other than 200, a body over the cap
 * (announced or actual), a body shorter than its Content-Length, or no answer in time is an
 * InputError naming the URL: the caller writes nothing from a download that did not finish.
 */
export async function download(url: string, limits: DownloadLimits): Promise<Uint8Array> {
  const timeoutMs = limits.timeoutMs ?? 30_000;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: abort.signal, redirect: "follow" });
    } catch (err) {
      throw new InputError(url, failure(err, abort.signal.aborted, timeoutMs));
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new InputError(url, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    }
    const announced = Number(res.headers.get("content-length") ?? Number.NaN);
    if (announced > limits.maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new InputError(url, `is ${announced} bytes, more than the ${limits.maxBytes} B allowed`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      const reader = res.body?.getReader();
      for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) {
        const chunk = r.value;
        total += chunk.byteLength;
        if (total > limits.maxBytes) {
          abort.abort();
          throw new InputError(url, `sent more than the ${limits.maxBytes} B allowed`);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(url, failure(err, abort.signal.aborted, timeoutMs));
    }
    // A compressed answer's Content-Length counts the compressed bytes, not the ones read here.
    if (Number.isFinite(announced) && !res.headers.get("content-encoding") && total !== announced)
      throw new InputError(url, `ended after ${total} of ${announced} bytes`);
    if (total === 0) throw new InputError(url, "empty answer");
    return Buffer.concat(chunks, total);
  } finally {
    clearTimeout(timer);
  }
}

/** A one-line reason for a failed request: the timeout, or the socket's error code. */
function failure(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no complete answer in ${timeoutMs} ms`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `cannot download (${cause.code})`;
  return `cannot download (${cause?.message ?? messageOf(err)})`;
}

/** `base` with a trailing slash, so relative names resolve inside the folder it names. */
export function folderUrl(base: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new InputError("rootload roots fetch --from", `"${base}" is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new InputError("rootload roots fetch --from", `"${base}" is not an http or https URL`);
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return u.href;
}
