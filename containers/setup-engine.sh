#!/usr/bin/env bash
# Make sure a Docker engine answers on this Debian/Ubuntu host: install docker.io and what building
# the server image needs (debootstrap; golang-go, and gcc with the mbed TLS and wolfSSL headers,
# for the Go and C clients built on the host and copied in) if missing,
# start dockerd in the background if it is not running, wait until `docker info` answers.
# Idempotent; leaves a running engine alone. Exits non-zero with a message when the engine cannot
# be brought up (CI must fail, not skip). Run as root.
set -euo pipefail

WAIT_S="${ROOTLOAD_ENGINE_WAIT_S:-60}"
LOG="${ROOTLOAD_DOCKERD_LOG:-/var/log/rootload-dockerd.log}"
die() { echo "setup-engine: $*" >&2; exit 1; }

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

# A dockerd process that is not a zombie.
live_dockerd() {
  local p st
  for p in $(pgrep -x dockerd || true); do
    st=$(ps -o stat= -p "$p" 2>/dev/null || true)
    case "$st" in "" | Z*) ;; *) return 0 ;; esac
  done
  return 1
}

if command -v docker >/dev/null && engine_up; then
  echo "setup-engine: engine already running (server $(docker version -f '{{.Server.Version}} API {{.Server.APIVersion}}' 2>/dev/null))"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root to install or start the engine"

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v go >/dev/null || missing+=(golang-go)
# The C clients (containers/build-clients.ts) compile before the image's debootstrap, beside the
# host's own apt-get (setup-host.sh), which would install these too late.
for p in gcc libc6-dev libmbedtls-dev libwolfssl-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-engine: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing[@]}" || die "could not install ${missing[*]}"
fi
command -v docker >/dev/null || die "no docker client on PATH after installing docker.io"

if ! engine_up; then
  started=0
  # Prefer the service manager when there is one that works; otherwise run dockerd directly.
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start docker && started=1 || true
  fi
  if [ "$started" = 0 ]; then
    # A dockerd that is alive but never answers (or a zombie left by a killed session) must not
    # stop us: give a live one a moment, then replace it.
    if live_dockerd; then
      for _ in $(seq 1 15); do engine_up && break; sleep 1; done
      if ! engine_up; then
        echo "setup-engine: dockerd runs but does not answer; restarting it"
        pkill -x dockerd || true
        sleep 3
        pkill -9 -x dockerd || true
      fi
    fi
    if ! engine_up && ! live_dockerd; then
      # A dockerd killed without cleanup leaves its pid files, and a new one refuses to start
      # (or waits for a containerd that is gone, or a zombie holding the old pid).
      pkill -9 -f /var/run/docker/containerd/containerd.toml || true
      rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
      echo "setup-engine: starting dockerd (log: $LOG)"
      mkdir -p "$(dirname "$LOG")"
      nohup dockerd >"$LOG" 2>&1 &
    fi
  fi
  for _ in $(seq 1 "$WAIT_S"); do
    engine_up && break
    sleep 1
  done
fi

engine_up || die "the Docker engine did not answer within ${WAIT_S}s; see $LOG (tail: $(tail -n 3 "$LOG" 2>/dev/null | tr '\n' ' '))"
echo "setup-engine: engine ready (client $(docker version -f '{{.Client.Version}}' 2>/dev/null), server $(docker version -f '{{.Server.Version}} API {{.Server.APIVersion}}' 2>/dev/null))"
