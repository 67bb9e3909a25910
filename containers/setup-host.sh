#!/usr/bin/env bash
# Host packages the tests use outside containers: the independent TLS clients used as oracles
# (openssl s_client, gnutls-cli), the server binaries the process runtime drives, and Chromium
# for checking the HTML report. Idempotent; run as root on Debian/Ubuntu.
set -euo pipefail
# The real clients in the process runtime: openjdk-17-jre-headless (java; its jdk.compiler module
# compiles the client and the JSSE server, no JDK), golang-go (builds the Go client, also for the
# image), python3 and curl. The servers the process runtime drives: Caddy, lighttpd with its TLS
# modules, PostgreSQL (and psql, its real client). A machine where these happen to be present must
# not hide a missing install step here. iproute2 and util-linux (ip netns, nsenter):
# containers/remote-engine.sh. slapd, dovecot-imapd and exim4-daemon-light (≈ 5.5, 14.6 and 4.4 MB
# installed with their dependencies): the real LDAP, IMAP and SMTP servers the STARTTLS tests run as
# foreground processes from their own folders (test/support/starttls-servers.ts). prometheus (Debian
# 2.42, with promtool): the real Prometheus that scrapes `rootload watch` in its tests, run from a
# temp folder of its own (test/support/prometheus.ts), never as the packaged service.
# The embedded and Rust clients, built on first use (harness/clients/client-builds.ts): gcc with
# libmbedtls-dev and libwolfssl-dev (the mbedtls and wolfssl clients, also copied into the image,
# which runs them against its own libmbedtls14/libwolfssl35); cargo (Debian's, /usr/bin/cargo, with
# rustc) and librust-rustls-dev (rustls 0.20 and its crates in /usr/share/cargo/registry), from which
# the rustls client is built offline. erlang-base and erlang-ssl (OTP 25: the erlang client and
# server, escripts), libbctls-java and libbcprov-java (BouncyCastle JSSE 1.72: the bouncycastle
# client and server, on the JRE above).
want=(openssl gnutls-bin nginx-light apache2 haproxy stunnel4 chromium debootstrap ca-certificates
  openjdk-17-jre-headless golang-go python3 curl iproute2 util-linux caddy lighttpd lighttpd-mod-openssl
  lighttpd-mod-mbedtls lighttpd-mod-wolfssl postgresql-15 postgresql-client-15 slapd dovecot-imapd
  exim4-daemon-light prometheus gcc libc6-dev libmbedtls-dev libwolfssl-dev cargo librust-rustls-dev
  erlang-base erlang-ssl libbctls-java libbcprov-java)
# mariadb-server and mariadb-client (Debian 10.11.19: ≈ 100 MB installed with their dependencies):
# the mariadb driver runs mariadbd from its own data directory as a foreground process (never the
# packaged service, which the policy-rc.d below keeps from starting), and its integration test
# logs in with the real `mariadb` client.
want+=(mariadb-server mariadb-client)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # rootload runs PostgreSQL from its own data directories: no "main" cluster on port 5432.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  fi
  # No daemon starts during the install (slapd on 389, Dovecot on 143, Exim on 25, ...): a
  # policy-rc.d of our own for its duration, unless the machine already has one.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi
# Debian starts the packaged daemons on install; rootload runs its own instances on free ports.
for svc in nginx apache2 haproxy stunnel4 lighttpd caddy postgresql slapd dovecot exim4 prometheus; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
  if command -v service >/dev/null; then service "$svc" stop >/dev/null 2>&1 || true; fi
done
echo "host packages ready: ${want[*]}"
