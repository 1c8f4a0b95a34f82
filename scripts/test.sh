#!/usr/bin/env bash
# The whole suite, on SQLite and then on PostgreSQL (a throwaway cluster, stopped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_DIR=$(mktemp -d /tmp/bibliohub-pg.XXXXXX)
PG_PORT=${BIBLIOHUB_TEST_PG_PORT:-55432}
trap 'scripts/pg-test-cluster.sh stop "$PG_DIR"' EXIT

echo "== checks"
.venv/bin/ruff check bibliohub tests bench
"$PY" -m bibliohub makemigrations --check --dry-run >/dev/null
"$PY" scripts/check_translations.py

echo "== test suite on SQLite"
"$PY" -m pytest -n 2 "$@"

echo "== test suite on PostgreSQL"
url=$(scripts/pg-test-cluster.sh start "$PG_DIR" "$PG_PORT")
BIBLIOHUB_DATABASE_URL=$url "$PY" -m pytest -n 2 "$@"
