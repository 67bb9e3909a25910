#!/usr/bin/env bash
# Build rootload's server image without any registry: debootstrap a Debian bookworm rootfs from
# the host's configured mirror, trim it, and `docker import` it. This is the one place server
# package versions are chosen; the exact Debian versions installed are recorded as image labels
# (rootload.versions.<pkg>) so every report can show them.
# Skips the build when the image already carries this recipe's hash (label rootload.recipe-hash).
# Usage: bash containers/build-images.sh [--force]     (run as root; `npm run images`)
set -euo pipefail
SELF=$(readlink -f "$0")
cd "$(dirname "$SELF")"

IMAGE="${ROOTLOAD_IMAGE:-rootload/servers:bookworm}"
SUITE=bookworm
# Servers the drivers run, plus socat (gnutls-serv relay), nodejs (the node driver) and procps
# (pgrep/kill for reload signals). coreutils provides `timeout` for the lifetime cap.
PACKAGES=(openssl nginx-light apache2 haproxy gnutls-bin stunnel4 ca-certificates socat nodejs procps)
# Installed with apt-get inside the rootfs after debootstrap, with a policy-rc.d and a
# postgresql-common that creates no cluster, so that nothing starts or initialises during the build
# (ca-certificates-java also needs a working java while it is configured, which debootstrap's
# --include ordering does not give it). openjdk-17-jre-headless: the java client and the JSSE
# server (its jdk.compiler module compiles both, no JDK); Caddy (Go crypto/tls); lighttpd with its
# TLS modules; PostgreSQL (LLVM/JIT removed after install: the driver runs jit=off); MariaDB as
# mariadbd and mariadb-install-db only (mariadb-server-core, and mariadb-client-core for the
# my_print_defaults that mariadb-install-db calls: not mariadb-server, whose galera, perl and rsync
# the driver never runs), with the mysql user created below; erlang-base and erlang-ssl (OTP 25's
# own TLS: the erlang server and client, escripts), libbctls-java and libbcprov-java (BouncyCastle
# JSSE 1.72 on the JRE: the bouncycastle server and client).
APT_PACKAGES=(openjdk-17-jre-headless caddy lighttpd lighttpd-mod-openssl lighttpd-mod-mbedtls lighttpd-mod-wolfssl
  lighttpd-mod-gnutls postgresql-15 mariadb-server-core mariadb-client-core erlang-base erlang-ssl libbctls-java
  libbcprov-java)
# Packages whose versions are recorded as labels.
VERSIONED=(openssl libssl3 nginx-light apache2 haproxy gnutls-bin libgnutls30 stunnel4 socat nodejs
  openjdk-17-jre-headless caddy lighttpd lighttpd-mod-openssl lighttpd-mod-mbedtls libmbedtls14
  lighttpd-mod-wolfssl libwolfssl35 lighttpd-mod-gnutls postgresql-15 mariadb-server-core erlang-base erlang-ssl
  libbctls-java libbcprov-java)
# Downloaded packages are kept in the host's apt cache, so a rebuild downloads nothing. A build that
# runs beside the host's own apt-get (.ci/run) gives a folder of its own: apt inside the rootfs locks
# the cache it is given, and the host's apt-get would find it locked.
CACHE="${ROOTLOAD_APT_CACHE:-/var/cache/apt/archives}"
ROOT=$(cd .. && pwd)
# The clients built into the image (containers/java-client, containers/go-client, the C clients
# containers/mbedtls-client, containers/wolfssl-client): their sources are part of the recipe, so a changed client rebuilds the image.
CLIENT_SOURCES=("$ROOT"/containers/java-client/* "$ROOT"/containers/go-client/* "$ROOT"/containers/mbedtls-client/*
  "$ROOT"/containers/wolfssl-client/*)

mirror() {
  # The first deb.debian.org-style URI configured for the main archive on this host.
  local m
  m=$(grep -rhoE '^(URIs:|deb) *(\[[^]]*\] *)?https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -oE 'https?://[^ ]+' | head -n1 || true)
  echo "${ROOTLOAD_DEBIAN_MIRROR:-${m:-http://deb.debian.org/debian}}"
}
MIRROR=$(mirror)
SECURITY="${MIRROR%/debian}/debian-security"

recipe_hash() {
  { cat "$SELF" "${CLIENT_SOURCES[@]}"; printf '%s\n' "${PACKAGES[@]}" "${APT_PACKAGES[@]}" "$SUITE"; } | sha256sum | cut -c1-16
}
HASH=$(recipe_hash)

if ! docker info >/dev/null 2>&1; then
  echo "build-images: the Docker engine does not answer; run containers/setup-engine.sh as root" >&2
  exit 1
fi

have=$(docker image inspect -f '{{ index .Config.Labels "rootload.recipe-hash" }}' "$IMAGE" 2>/dev/null || true)
if [ "${1:-}" != "--force" ] && [ "$have" = "$HASH" ]; then
  echo "build-images: $IMAGE is up to date (recipe $HASH), nothing to do"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "build-images: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

start=$SECONDS
# The Go client is built on the host (stdlib only, CGO_ENABLED=0, cached by source hash) and
# copied in: golang in the image would add ~450 MB.
command -v node >/dev/null || { echo "build-images: node is needed to build the clients" >&2; exit 1; }
clients_json=$(cd "$ROOT" && node --import tsx containers/build-clients.ts) || {
  echo "build-images: building the Go or C clients failed (golang-go, gcc, libmbedtls-dev installed? containers/setup-host.sh)" >&2
  exit 1
}
field() { printf '%s' "$clients_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s)[process.argv[1]]))' "$1"; }
GO_BINARY=$(field goBinary)
GO_HASH=$(field goHash)
JAVA_SOURCE=$(field javaSource)
JAVA_HASH=$(field javaHash)
MBEDTLS_BINARY=$(field mbedtlsBinary)
MBEDTLS_HASH=$(field mbedtlsHash)
WOLFSSL_BINARY=$(field wolfsslBinary)
WOLFSSL_HASH=$(field wolfsslHash)
echo "build-images: go client $GO_HASH, java client $JAVA_HASH, mbedtls client $MBEDTLS_HASH, wolfssl client $WOLFSSL_HASH ($((SECONDS - start))s)"
work=$(mktemp -d /tmp/rootload-rootfs.XXXXXX)
rootfs="$work/rootfs"
cleanup() {
  # Unmount anything left mounted inside the chroot before deleting it.
  for m in proc sys dev/pts dev var/cache/apt/archives; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "build-images: debootstrap $SUITE from $MIRROR (recipe $HASH)"
include=$(IFS=,; echo "${PACKAGES[*]}")
mkdir -p "$CACHE/partial"
debootstrap --variant=minbase --cache-dir="$CACHE" --include="$include" "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "build-images: debootstrap failed (log above)" >&2
  exit 1
}
echo "build-images: debootstrap done ($((SECONDS - start))s)"

# Security and point-release updates, so the image matches an up-to-date Debian 12 host.
cat >"$rootfs/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
SRC
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# Build-time only: no daemon starts (policy-rc.d), dpkg skips fsync, PostgreSQL creates no cluster.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod +x "$rootfs/usr/sbin/policy-rc.d"
echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/rootload-unsafe-io"
mkdir -p "$rootfs/etc/postgresql-common"
echo "create_main_cluster = false" >"$rootfs/etc/postgresql-common/createcluster.conf"
mount -t proc proc "$rootfs/proc"
mount --bind "$CACHE" "$rootfs/var/cache/apt/archives"
apt_in() { DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get -y -q -o Dpkg::Options::=--force-confold "$@"; }
if chroot "$rootfs" apt-get update -q >"$work/upgrade.log" 2>&1 && apt_in upgrade >>"$work/upgrade.log" 2>&1 &&
  apt_in install --no-install-recommends "${APT_PACKAGES[@]}" >>"$work/upgrade.log" 2>&1; then
  echo "build-images: security updates applied, ${APT_PACKAGES[*]} installed ($((SECONDS - start))s)"
else
  tail -n 20 "$work/upgrade.log" >&2
  echo "build-images: apt-get upgrade/install inside the rootfs failed (log above)" >&2
  exit 1
fi
# PostgreSQL's JIT is the only user of LLVM (about 110 MB): the driver runs with jit=off.
chroot "$rootfs" dpkg --purge --force-depends libllvm14 >>"$work/upgrade.log" 2>&1 || true
rm -f "$rootfs"/usr/lib/postgresql/*/lib/llvmjit*
rm -rf "$rootfs"/usr/lib/postgresql/*/lib/bitcode
umount -l "$rootfs/var/cache/apt/archives"
# The user the mariadb driver runs mariadbd as (mariadb-server's postinst would make it).
chroot "$rootfs" useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mysql
# The clients: the Go binary as built on the host; the Java client compiled by the image's own JRE
# (its jdk.compiler module), with /proc mounted for the JVM.
install -D -m 0755 "$GO_BINARY" "$rootfs/usr/local/bin/rootload-go-client"
# The C clients as built on the host, linked against the same Debian libraries the image has
# (libmbedtls14 for lighttpd-mod-mbedtls, libwolfssl35 for lighttpd-mod-wolfssl): ldd inside the
# rootfs proves nothing is missing.
install -D -m 0755 "$MBEDTLS_BINARY" "$rootfs/usr/local/bin/rootload-mbedtls-client"
install -D -m 0755 "$WOLFSSL_BINARY" "$rootfs/usr/local/bin/rootload-wolfssl-client"
for c in rootload-mbedtls-client rootload-wolfssl-client; do
  if chroot "$rootfs" ldd "/usr/local/bin/$c" | grep -q "not found"; then
    chroot "$rootfs" ldd "/usr/local/bin/$c" >&2
    echo "build-images: $c lacks a library in the image (above)" >&2
    exit 1
  fi
done
mkdir -p "$rootfs/usr/local/lib/rootload/java-client" "$rootfs/tmp/java-client"
cp "$JAVA_SOURCE" "$rootfs/tmp/java-client/"
if ! chroot "$rootfs" java -m jdk.compiler/com.sun.tools.javac.Main -nowarn -d /usr/local/lib/rootload/java-client \
  "/tmp/java-client/$(basename "$JAVA_SOURCE")" >"$work/javac.log" 2>&1; then
  cat "$work/javac.log" >&2
  echo "build-images: compiling the Java client inside the image failed (log above)" >&2
  exit 1
fi
rm -rf "$rootfs/tmp/java-client"
echo "build-images: clients installed ($((SECONDS - start))s)"
umount -l "$rootfs/proc"
rm -f "$rootfs/usr/sbin/policy-rc.d" "$rootfs/etc/dpkg/dpkg.cfg.d/rootload-unsafe-io"

labels=(--change "LABEL rootload=image" --change "LABEL rootload.recipe-hash=$HASH"
  --change "LABEL rootload.suite=$SUITE" --change "LABEL rootload.built=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
for p in "${VERSIONED[@]}"; do
  v=$(chroot "$rootfs" dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo missing)
  labels+=(--change "LABEL rootload.versions.$p=$v")
  echo "  $p $v"
done
labels+=(--change "LABEL rootload.versions.rootload-go-client=$GO_HASH"
  --change "LABEL rootload.versions.rootload-java-client=$JAVA_HASH"
  --change "LABEL rootload.versions.rootload-mbedtls-client=$MBEDTLS_HASH"
  --change "LABEL rootload.versions.rootload-wolfssl-client=$WOLFSSL_HASH")

# Trim: docs, man pages, locales, apt lists and caches; stop daemons' default sites from mattering.
# The JRE's legal notices stay (they are the licence); its man pages go with the rest.
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
: >"$rootfs/etc/resolv.conf"

tar -C "$rootfs" -c . | docker import "${labels[@]}" --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
size=$(docker image inspect -f '{{ .Size }}' "$IMAGE")
echo "build-images: built $IMAGE in $((SECONDS - start))s, $((size / 1000000)) MB"
