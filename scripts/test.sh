#!/usr/bin/env bash
# Install everything the tests need (apt packages, venv, pip) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# The real components (a live cluster, network namespaces, sshd, UML) need root: a sudo user's
# run elevates once here; as root (CI, containers without sudo) nothing changes.
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "clush tests: run as root (the tests start a cluster)" >&2; exit 1; }
  exec sudo --preserve-env=CI bash "$0" "$@"
fi
bash scripts/setup.sh --test
.venv/bin/ruff check clushell tests bench
set +e
.venv/bin/python -m pytest -ra -p no:cacheprovider "$@"
rc=$?
set -e
[ $rc -eq 5 ] && { echo "no tests were collected" >&2; exit 1; }
exit $rc
