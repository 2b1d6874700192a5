#!/usr/bin/env bash
# Installs the Debian packages some tests need: chromium (site browser test, driven by
# playwright-core) and prometheus (the Prometheus connector's real-peer test). Skips what is present.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then
  echo "already installed: chromium, prometheus"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Keep package scripts from starting services (the prometheus package would listen on :9090 on every
# interface); tests start their own instances on 127.0.0.1.
policy=/usr/sbin/policy-rc.d
restore=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  restore=1
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
if [ -n "$restore" ]; then $SUDO rm -f "$policy"; fi
