#!/usr/bin/env bash
# The whole suite, on SQLite and then on PostgreSQL (a throwaway cluster, stopped afterwards).
# The static checks run first; their failures are reported at the end, after the tests, so one
# run shows everything that is wrong.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_DIR=$(mktemp -d /tmp/bibliohub-pg.XXXXXX)
PG_PORT=${BIBLIOHUB_TEST_PG_PORT:-55432}
trap 'scripts/pg-test-cluster.sh stop "$PG_DIR"' EXIT
failed=()

echo "== checks: lint, layers, types, migrations, translation catalogues"
.venv/bin/ruff check bibliohub tests bench || failed+=("ruff")
# The contracts between the apps, in pyproject.toml ([tool.importlinter]).
.venv/bin/lint-imports --no-cache --no-logo || failed+=("import contracts")
"$PY" -m mypy bibliohub || failed+=("mypy")
"$PY" -m bibliohub makemigrations --check --dry-run >/dev/null || failed+=("missing migrations")
"$PY" scripts/check_translations.py || failed+=("translations")

echo "== test suite on SQLite"
"$PY" -m pytest -n 2 "$@" || failed+=("tests on SQLite")

echo "== test suite on PostgreSQL"
if url=$(scripts/pg-test-cluster.sh start "$PG_DIR" "$PG_PORT"); then
    BIBLIOHUB_DATABASE_URL=$url "$PY" -m pytest -n 2 "$@" || failed+=("tests on PostgreSQL")
else
    failed+=("PostgreSQL did not start")
fi

if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
