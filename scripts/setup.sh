#!/usr/bin/env bash
# Install what clush needs on Debian 12 (as root): system packages, a venv in .venv, the package.
#   scripts/setup.sh          what the shell needs (Pacemaker's CLI tools, Python venv)
#   scripts/setup.sh --test   everything the test suite needs as well
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PKGS=(pacemaker-cli-utils openssh-client)
TEST_PKGS=(pacemaker pacemaker-cli-utils corosync resource-agents pacemaker-resource-agents
           openssh-server openssh-client ipvsadm user-mode-linux kmod crmsh iproute2 procps psmisc
           zsh fish tmux bash-completion man-db groff-base gcc libc6-dev)
pkgs=("${RUN_PKGS[@]}")
[ "${1:-}" = "--test" ] && pkgs=("${TEST_PKGS[@]}")
python3 -m venv --help >/dev/null 2>&1 || pkgs+=(python3 python3-venv)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Only installing packages needs root: as root run apt directly (sudo may be absent),
  # otherwise elevate through sudo for these commands alone.
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "clush setup: these packages are missing and installing them needs root: ${missing[*]}" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  # Package scripts must not start cluster daemons or sshd on this machine.
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null \
      && "${as_root[@]}" chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -n "$made_policy" ] && "${as_root[@]}" rm -f /usr/sbin/policy-rc.d
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
# compat: a plain path entry; the default editable finder imports pathlib and more at every start
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}" --config-settings editable_mode=compat
# bytecode caches, as an installed package has them: with PYTHONDONTWRITEBYTECODE set Python never
# writes them, and every clush process would compile its modules again (a third of a Tab)
.venv/bin/python -m compileall -q clushell >/dev/null
