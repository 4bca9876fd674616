#!/usr/bin/env bash
# Set up (first run) and start clush; arguments are passed on (e.g. `scripts/run.sh configure show`).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
[ -x "$here/.venv/bin/clush" ] && command -v cibadmin >/dev/null || bash "$here/scripts/setup.sh" >&2
exec "$here/.venv/bin/clush" "$@"
