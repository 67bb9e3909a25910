#!/usr/bin/env bash
# A second Docker engine on this machine that looks remote to the harness, for testing rootload
# against `DOCKER_HOST=tcp://…` without a second machine.
#
#   bash containers/remote-engine.sh up      # netns + veth + dockerd + the tiny openssl image (idempotent)
#   bash containers/remote-engine.sh env     # prints DOCKER_HOST=… and ROOTLOAD_IMAGE=… for `export`
#   bash containers/remote-engine.sh status  # exit 0 when the engine answers
#   bash containers/remote-engine.sh down    # stops it and removes everything `up` made
#
# Why it looks remote: dockerd runs in a network namespace of its own (nsenter --net, so it keeps
# the host's cgroup and sysfs view), listening on tcp://127.0.0.1:2375 inside that namespace and
# on the namespace's end of a veth pair (10.254.213.2/30); the host end is 10.254.213.1/30 and
# carries nothing else. Containers with host networking on that engine share its namespace, so a
# server there is reachable from the harness only at 10.254.213.2, never at 127.0.0.1, and the
# harness's files are not bind-mountable there in spirit (the harness copies them in through the
# engine's archive API). The engine keeps its own --data-root, --exec-root, --pidfile and
# config file, no bridge and no iptables rules, so the main engine (/var/run/docker.sock) is
# untouched. Nothing is pulled: the image is cut from the main server image on the main engine.
# Run as root.
set -euo pipefail
SELF=$(readlink -f "$0")

NS=rootload-remote
HOST_IF=rlremote0
NS_IF=rlremote1
HOST_ADDR=10.254.213.1
ENGINE_ADDR=10.254.213.2
PORT=2375
URL="tcp://$ENGINE_ADDR:$PORT"
STATE=/run/rootload-remote-docker
DATA=/var/lib/rootload-remote-docker
PIDFILE=$STATE.pid
LOG=/var/log/rootload-remote-dockerd.log
SOURCE_IMAGE="${ROOTLOAD_SOURCE_IMAGE:-rootload/servers:bookworm}"
REMOTE_IMAGE="rootload/openssl-tiny:bookworm"
WAIT_S=30
# Plain `docker` below means the main engine, whatever the caller exported.
unset DOCKER_HOST

die() { echo "remote-engine: $*" >&2; exit 1; }
remote() { DOCKER_HOST="$URL" timeout 60 docker "$@"; }
answers() { DOCKER_HOST="$URL" timeout 5 docker version >/dev/null 2>&1; }
pid_alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

net_up() {
  ip netns list | grep -qw "$NS" || ip netns add "$NS"
  ip -n "$NS" link set lo up
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NS_IF" netns "$NS"
  fi
  ip addr show dev "$HOST_IF" | grep -q "$HOST_ADDR/" || ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
  ip -n "$NS" addr show dev "$NS_IF" | grep -q "$ENGINE_ADDR/" || ip -n "$NS" addr add "$ENGINE_ADDR/30" dev "$NS_IF"
  ip link set "$HOST_IF" up
  ip -n "$NS" link set "$NS_IF" up
}

engine_up() {
  if answers; then return 0; fi
  if pid_alive; then
    for _ in $(seq 1 "$WAIT_S"); do answers && return 0; sleep 1; done
    die "dockerd (pid $(cat "$PIDFILE")) runs but does not answer on $URL; see $LOG"
  fi
  rm -f "$PIDFILE"
  mkdir -p "$STATE" "$DATA"
  # An empty config file: /etc/docker/daemon.json belongs to the main engine.
  echo '{}' >"$STATE.json"
  echo "remote-engine: starting dockerd in netns $NS on $URL (log: $LOG)"
  nsenter --net="/run/netns/$NS" setsid dockerd \
    --config-file "$STATE.json" \
    --data-root "$DATA" --exec-root "$STATE" --pidfile "$PIDFILE" \
    -H "tcp://127.0.0.1:$PORT" -H "$URL" \
    --bridge none --iptables=false --ip-masq=false --userland-proxy=false \
    --cgroup-parent rootload-remote >"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 "$WAIT_S"); do answers && return 0; sleep 1; done
  die "dockerd did not answer on $URL within ${WAIT_S}s; see $LOG (tail: $(tail -n 3 "$LOG" | tr '\n' ' '))"
}

# The image's recipe: this script and the source image it is cut from.
recipe_hash() {
  { cat "$SELF"; docker image inspect -f '{{.Id}}' "$SOURCE_IMAGE"; } | sha256sum | cut -c1-16
}

image_up() {
  docker image inspect "$SOURCE_IMAGE" >/dev/null 2>&1 ||
    die "$SOURCE_IMAGE not found on the main engine; build it with npm run images"
  local hash have
  hash=$(recipe_hash)
  have=$(remote image inspect -f '{{ index .Config.Labels "rootload.recipe-hash" }}' "$REMOTE_IMAGE" 2>/dev/null || true)
  [ "$have" = "$hash" ] && return 0
  local start=$SECONDS labels=(--change "LABEL rootload=image" --change "LABEL rootload.recipe-hash=$hash"
    --change "LABEL rootload.source=$SOURCE_IMAGE" --change "LABEL rootload.built=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
  for p in openssl libssl3; do
    labels+=(--change "LABEL rootload.versions.$p=$(docker image inspect -f "{{ index .Config.Labels \"rootload.versions.$p\" }}" "$SOURCE_IMAGE")")
  done
  # openssl, coreutils `timeout` (the lifetime cap) and a shell, with the libraries ldd names:
  # a few MB, so loading it on a remote engine stays cheap.
  docker run --rm --network none --entrypoint sh "$SOURCE_IMAGE" -c '
    set -e
    bins="/usr/bin/openssl /usr/bin/timeout /bin/sh /usr/bin/sleep"
    libs=$(for b in $bins; do ldd "$b" | grep -oE "/[^ ]+"; done | sort -u)
    tar -ch $bins $libs /usr/lib/ssl /etc/ssl/openssl.cnf /usr/lib/x86_64-linux-gnu/ossl-modules \
      --no-recursion /tmp 2>/dev/null
  ' | remote import "${labels[@]}" --change 'CMD ["/usr/bin/openssl", "version"]' - "$REMOTE_IMAGE" >/dev/null
  echo "remote-engine: built $REMOTE_IMAGE in $((SECONDS - start))s, $(($(remote image inspect -f '{{.Size}}' "$REMOTE_IMAGE") / 1000)) kB"
}

down() {
  if answers; then
    ids=$(remote ps -aq || true)
    [ -z "$ids" ] || remote rm -f $ids >/dev/null || true
  fi
  if pid_alive; then
    pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # containerd and shims started by that dockerd (found by their state directory, not by name).
  for p in $(pgrep -f -- "$STATE" || true); do kill -9 "$p" 2>/dev/null || true; done
  ip link del "$HOST_IF" 2>/dev/null || true
  ip netns list | grep -qw "$NS" && ip netns del "$NS"
  # Mounts dockerd made live in the host's mount namespace (nsenter --net keeps it).
  grep -oE " ($DATA|$STATE)[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$STATE" "$STATE.json" "$PIDFILE" "$DATA"
  echo "remote-engine: down"
}

case "${1:-}" in
up)
  [ "$(id -u)" = 0 ] || die "must run as root (network namespace, dockerd)"
  net_up
  engine_up
  image_up
  echo "remote-engine: up: DOCKER_HOST=$URL ROOTLOAD_IMAGE=$REMOTE_IMAGE"
  ;;
env) echo "DOCKER_HOST=$URL ROOTLOAD_IMAGE=$REMOTE_IMAGE" ;;
status) answers ;;
down)
  [ "$(id -u)" = 0 ] || die "must run as root"
  down
  ;;
*) die "usage: remote-engine.sh up|env|status|down" ;;
esac
