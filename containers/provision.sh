#!/usr/bin/env bash
# Everything the test suite needs on this Debian/Ubuntu machine, made present if it is not:
# host packages (servers for the process runtime, openssl/gnutls-cli oracles, Chromium), the
# Docker engine, and the server image. Each step is idempotent and takes about a second when
# there is nothing to do. Runs before `npm test` (pretest); installing needs root.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${ROOTLOAD_SKIP_PROVISION:-}" = 1 ]; then exit 0; fi
need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "provision: $1 is missing and installing it needs root: run 'sudo bash containers/provision.sh' (or sudo bash .ci/run)" >&2
    exit 1
  fi
}
missing=0
for bin in openssl gnutls-cli gnutls-serv nginx apache2 haproxy stunnel4 chromium debootstrap slapd dovecot exim4; do
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || missing=1
done
if [ "$missing" = 1 ]; then need_root "a host package"; bash setup-host.sh; fi
if ! timeout 10 docker info >/dev/null 2>&1; then need_root "the Docker engine"; bash setup-engine.sh; fi
bash build-images.sh
bash build-cli-image.sh
