#!/usr/bin/env bash
# Build rootload/cli, rootload itself as an image, without any registry: the package packed from
# this checkout (`npm pack`) and installed as `npm i -g` installs it, with this host's node binary
# (Debian 12's nodejs is v18; rootload needs ≥ 20), added to the server image that
# containers/build-images.sh builds (its openssl, gnutls, Java and Go clients serve `rootload run`).
# The base is local, so nothing is pulled; the package's dependencies come from the npm cache or
# the npm registry, as for any install.
#   docker run --rm -v "$PWD:/cfg" rootload/cli check /cfg/nginx.conf
# Skips the build when the image already carries this recipe's hash (label rootload.recipe-hash):
# this script, the package's files, the node binary and the base image's id.
# Usage: bash containers/build-cli-image.sh [--force]     (`npm run images`, after build-images.sh)
set -euo pipefail
SELF=$(readlink -f "$0")
ROOT=$(cd "$(dirname "$SELF")/.." && pwd)
cd "$ROOT"

if [ ! -f tsconfig.build.json ]; then
  # containers/provision.sh run from an installed package: nothing to pack here.
  echo "build-cli-image: $ROOT is an installed package, not a checkout; rootload/cli is built from a checkout"
  exit 0
fi
IMAGE="${ROOTLOAD_CLI_IMAGE:-rootload/cli:latest}"
BASE="${ROOTLOAD_IMAGE:-rootload/servers:bookworm}"

if ! docker info >/dev/null 2>&1; then
  echo "build-cli-image: the Docker engine does not answer; run containers/setup-engine.sh as root" >&2
  exit 1
fi
base_id=$(docker image inspect -f '{{ .Id }}' "$BASE" 2>/dev/null) || {
  echo "build-cli-image: the base image $BASE is not present; build it first (bash containers/build-images.sh)" >&2
  exit 1
}
NODE=$(readlink -f "$(command -v node)")
node_version=$("$NODE" --version)
case "$node_version" in
  v1[0-9].*) echo "build-cli-image: $NODE is $node_version; rootload needs node ≥ 20" >&2; exit 1 ;;
esac

recipe_hash() {
  {
    cat "$SELF" package.json package-lock.json tsconfig.json tsconfig.build.json
    # The package's files (package.json "files"), in a stable order.
    find bin harness scenarios containers data docs -type f 2>/dev/null | LC_ALL=C sort | xargs cat
    printf '%s\n' "$node_version" "$base_id"
  } | sha256sum | cut -c1-16
}
HASH=$(recipe_hash)
have=$(docker image inspect -f '{{ index .Config.Labels "rootload.recipe-hash" }}' "$IMAGE" 2>/dev/null || true)
if [ "${1:-}" != "--force" ] && [ "$have" = "$HASH" ]; then
  echo "build-cli-image: $IMAGE is up to date (recipe $HASH), nothing to do"
  exit 0
fi

start=$SECONDS
work=$(mktemp -d /tmp/rootload-cli-image.XXXXXX)
cid=""
cleanup() {
  [ -z "$cid" ] || docker rm -f "$cid" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The package as `npm pack` makes it (its prepack builds dist/), installed into a prefix laid out
# like /usr/local: bin/rootload → lib/node_modules/rootload/bin/rootload.js.
npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1 || {
  cat "$work/pack.log" >&2
  echo "build-cli-image: npm pack failed (log above)" >&2
  exit 1
}
tgz=$(ls "$work"/rootload-*.tgz)
echo "build-cli-image: packed $(basename "$tgz"), $(($(stat -c %s "$tgz") / 1000)) kB ($((SECONDS - start))s)"
npm install --global --prefix "$work/usr/local" --prefer-offline --no-audit --no-fund --omit=dev "$tgz" \
  >"$work/install.log" 2>&1 || {
  cat "$work/install.log" >&2
  echo "build-cli-image: npm install of the package failed (log above)" >&2
  exit 1
}
install -D -m 0755 "$NODE" "$work/usr/local/bin/node"
echo "build-cli-image: installed with node $node_version ($((SECONDS - start))s)"

# One layer on top of the base: create a container, copy the tree in, commit it with an
# entrypoint. /usr/local/bin comes before Debian's /usr/bin/node (v18) on the default PATH.
cid=$(docker create "$BASE" /bin/true)
docker cp "$work/usr/local/." "$cid:/usr/local/"
version=$(node -p 'require("./package.json").version')
docker commit \
  --change 'ENTRYPOINT ["/usr/local/bin/rootload"]' \
  --change 'CMD ["--help"]' \
  --change 'WORKDIR /cfg' \
  --change "LABEL rootload=cli" \
  --change "LABEL rootload.recipe-hash=$HASH" \
  --change "LABEL rootload.versions.rootload=$version" \
  --change "LABEL rootload.versions.node=$node_version" \
  --change "LABEL rootload.base=$BASE" \
  --change "LABEL rootload.built=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  "$cid" "$IMAGE" >/dev/null
size=$(docker image inspect -f '{{ .Size }}' "$IMAGE")
base_size=$(docker image inspect -f '{{ .Size }}' "$BASE")
echo "build-cli-image: built $IMAGE in $((SECONDS - start))s, $((size / 1000000)) MB" \
  "($(((size - base_size) / 1000000)) MB on top of $BASE)"
