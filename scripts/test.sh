#!/usr/bin/env bash
# Install everything the tests need (apt packages, venv, pip) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check clushell tests bench
set +e
.venv/bin/python -m pytest -ra -p no:cacheprovider "$@"
rc=$?
set -e
[ $rc -eq 5 ] && { echo "no tests were collected" >&2; exit 1; }
exit $rc
