import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The client sources shipped in containers/ (compiled on the host for the process runtime, in the image for containers). */
export const CLIENT_SOURCES = {
  java: fileURLToPath(new URL("../../containers/java-client/", import.meta.url)),
  go: fileURLToPath(new URL("../../containers/go-client/", import.meta.url)),
  python: fileURLToPath(new URL("../../containers/python-client/", import.meta.url)),
  mbedtls: fileURLToPath(new URL("../../containers/mbedtls-client/", import.meta.url)),
  wolfssl: fileURLToPath(new URL("../../containers/wolfssl-client/", import.meta.url)),
  rustls: fileURLToPath(new URL("../../containers/rustls-client/", import.meta.url)),
  erlang: fileURLToPath(new URL("../../containers/erlang-client/", import.meta.url)),
  bouncycastle: fileURLToPath(new URL("../../containers/bouncycastle-client/", import.meta.url)),
} as const;

/** Where the image keeps the built clients (containers/build-images.sh puts them there). */
export const IMAGE_PATHS = {
  javaClasses: "/usr/local/lib/rootload/java-client",
  goBinary: "/usr/local/bin/rootload-go-client",
  mbedtlsBinary: "/usr/local/bin/rootload-mbedtls-client",
  wolfsslBinary: "/usr/local/bin/rootload-wolfssl-client",
} as const;

export const JAVA_MAIN = "RootloadJavaClient";
export const BC_MAIN = "RootloadBcClient";

/** BouncyCastle's jars as Debian installs them (libbctls-java, libbcprov-java; bcutil comes with bctls), host and image alike. */
export const BC_JARS = [
  "/usr/share/java/bctls.jar",
  "/usr/share/java/bcprov.jar",
  "/usr/share/java/bcutil.jar",
] as const;

/** sha256 over the names and contents of a source directory (16 hex digits): the build cache key. */
export function sourceHash(dir: string): string {
  const h = createHash("sha256");
  for (const f of readdirSync(dir).sort()) {
    h.update(`${f}\0`);
    h.update(readFileSync(path.join(dir, f)));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

/** The user's cache directory for built clients ($XDG_CACHE_HOME/rootload or ~/.cache/rootload). */
export function buildCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "rootload");
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  cwd?: string,
): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 4 << 20, cwd }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${cmd} ${args.join(" ")}: ${(stderr || err.message).trim()}`))
        : resolve(stdout),
    ),
  );
}

const building = new Map<string, Promise<string>>();

/**
 * Build once per source hash into the cache, through a temporary sibling and a rename, so two
 * processes building at once both end with a complete output. Returns the output path.
 */
function cached(kind: string, hash: string, build: (out: string) => Promise<void>): Promise<string> {
  const final = path.join(buildCacheDir(), `${kind}-${hash}`);
  if (existsSync(final)) return Promise.resolve(final);
  let p = building.get(final);
  if (!p) {
    p = (async () => {
      await mkdir(buildCacheDir(), { recursive: true });
      const tmp = await mkdtemp(`${final}.tmp-`);
      try {
        await build(tmp);
        await rename(tmp, final).catch(async (err) => {
          if (!existsSync(final)) throw err;
        });
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      return final;
    })().finally(() => building.delete(final));
    building.set(final, p);
  }
  return p;
}

/**
 * The Java client's classes, compiled with the JRE's own compiler module (Debian's headless JRE
 * ships jdk.compiler, so no JDK is needed). Returns the classpath directory.
 */
export function javaClientClasses(java = "java"): Promise<string> {
  const src = CLIENT_SOURCES.java;
  return cached("java-client", sourceHash(src), async (out) => {
    await run(
      java,
      [
        "-m",
        "jdk.compiler/com.sun.tools.javac.Main",
        "-nowarn",
        "-d",
        out,
        path.join(src, `${JAVA_MAIN}.java`),
      ],
      process.env,
      120_000,
    );
  });
}

/**
 * The BouncyCastle client's classes, compiled against Debian's BC jars with the JRE's own compiler
 * module. The classes run in the image too (same JRE 17 and BC jars there): copied into the
 * client's folder. Returns the classpath directory.
 */
export function bcClientClasses(java = "java"): Promise<string> {
  const src = CLIENT_SOURCES.bouncycastle;
  return cached("bouncycastle-client", sourceHash(src), async (out) => {
    await run(
      java,
      [
        "-m",
        "jdk.compiler/com.sun.tools.javac.Main",
        "-nowarn",
        "-cp",
        BC_JARS.join(":"),
        "-d",
        out,
        path.join(src, `${BC_MAIN}.java`),
      ],
      process.env,
      120_000,
    );
  });
}

/**
 * The Go client, built from the standard library only: CGO_ENABLED=0 (a static binary that runs in
 * the image too), no module downloads (GOPROXY=off, GOFLAGS=-mod=mod with no requirements).
 * Returns the binary's path.
 */
export async function goClientBinary(go = "go"): Promise<string> {
  const src = CLIENT_SOURCES.go;
  const dir = await cached("go-client", sourceHash(src), async (out) => {
    await run(
      go,
      ["build", "-trimpath", "-ldflags=-s -w", "-o", path.join(out, "rootload-go-client"), "."],
      {
        ...process.env,
        CGO_ENABLED: "0",
        GOPROXY: "off",
        GOFLAGS: "-mod=mod",
        GOTOOLCHAIN: "local",
        GOCACHE: process.env.GOCACHE || path.join(buildCacheDir(), "go-build"),
        HOME: process.env.HOME || homedir(),
      },
      300_000,
      src,
    );
  });
  return path.join(dir, "rootload-go-client");
}

/** The C clients: one source file each, linked against Debian's shared libraries (-dev packages). */
export const C_CLIENTS = {
  mbedtls: {
    source: "rootload_mbedtls_client.c",
    libs: ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"],
    header: "/usr/include/mbedtls/ssl.h",
    devPackage: "libmbedtls-dev",
  },
  wolfssl: {
    source: "rootload_wolfssl_client.c",
    libs: ["-lwolfssl"],
    header: "/usr/include/wolfssl/ssl.h",
    devPackage: "libwolfssl-dev",
  },
} as const;
export type CClient = keyof typeof C_CLIENTS;

/**
 * A C client, compiled with the host's cc against Debian's shared library (libmbedtls-dev,
 * libwolfssl-dev): linked dynamically, so the image runs it against its own copy of the same
 * Debian package (libmbedtls14, libwolfssl35, which lighttpd's modules already pull in). Returns
 * the binary's path.
 */
export async function cClientBinary(name: CClient, cc = "cc"): Promise<string> {
  const src = CLIENT_SOURCES[name];
  const { source, libs } = C_CLIENTS[name];
  const bin = `rootload-${name}-client`;
  const dir = await cached(`${name}-client`, sourceHash(src), async (out) => {
    await run(
      cc,
      ["-O2", "-Wall", "-o", path.join(out, bin), path.join(src, source), ...libs],
      process.env,
      120_000,
    );
  });
  return path.join(dir, bin);
}

/** Debian's cargo and rustc (a rustup toolchain earlier on PATH would fetch crates and differ). */
export const DEBIAN_CARGO = "/usr/bin/cargo";
export const DEBIAN_RUSTC = "/usr/bin/rustc";
/** Debian's crate registry (librust-*-dev packages): the only source the rustls client builds from. */
export const DEBIAN_CRATES = "/usr/share/cargo/registry";

/**
 * The rustls client, built OFFLINE from Debian's packaged crates: the sources are copied to the
 * build folder (the source folder stays as shipped, so its hash holds), crates.io is replaced by
 * the directory registry with `--config`, `--offline` forbids any download, and the rustls
 * version the lock file resolved is compiled into the binary's ready line. CARGO_HOME and the
 * target folder are the cache's own (the target kept, so a changed client does not rebuild ring
 * and rustls). Returns the binary's path.
 */
export async function rustlsClientBinary(cargo = DEBIAN_CARGO): Promise<string> {
  const src = CLIENT_SOURCES.rustls;
  const bin = "rootload-rustls-client";
  const dir = await cached("rustls-client", sourceHash(src), async (out) => {
    const work = path.join(out, "src");
    await mkdir(work);
    for (const f of readdirSync(src)) await copyFile(path.join(src, f), path.join(work, f));
    const env = {
      ...process.env,
      RUSTC: DEBIAN_RUSTC,
      CARGO_HOME: path.join(buildCacheDir(), "cargo-home"),
      CARGO_TARGET_DIR: path.join(buildCacheDir(), "rustls-target"),
    };
    const config = [
      "--config",
      'source.crates-io.replace-with="debian-packages"',
      "--config",
      `source.debian-packages.directory="${DEBIAN_CRATES}"`,
      "--offline",
    ];
    await run(cargo, ["generate-lockfile", ...config], env, 120_000, work);
    const lock = await readFile(path.join(work, "Cargo.lock"), "utf8");
    const version = /name = "rustls"\nversion = "([^"]+)"/.exec(lock)?.[1];
    if (!version) throw new Error(`${path.join(work, "Cargo.lock")}: no rustls package resolved`);
    await run(
      cargo,
      ["build", "--release", "--quiet", ...config],
      { ...env, ROOTLOAD_RUSTLS_VERSION: version },
      900_000,
      work,
    );
    await copyFile(path.join(env.CARGO_TARGET_DIR, "release", bin), path.join(out, bin));
    await chmod(path.join(out, bin), 0o755);
    await rm(work, { recursive: true, force: true });
  });
  return path.join(dir, bin);
}
