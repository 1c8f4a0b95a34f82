#!/usr/bin/env bash
# The whole suite on SQLite three times, with the clock moved to the end of February, the last
# day of a year and a leap day, to show that no test depends on today's date. libfaketime moves
# the clock of every process the suite starts: the test workers, the live server, the SIP2
# server and Chromium. Slow (three runs), so not part of scripts/test.sh; run it after changing
# tests that touch dates. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DATES=("2027-02-28 10:00:00" "2027-12-31 10:00:00" "2028-02-29 10:00:00")  # UTC

lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [[ -z $lib ]]; then
    echo "libfaketime is not installed: run scripts/setup.sh (it installs the faketime package)." >&2
    exit 1
fi

failed=()
for moment in "${DATES[@]}"; do
    echo "== test suite on SQLite, the clock at $moment UTC"
    # An offset from the real clock, the same for every process; the monotonic clocks move with
    # it (Chromium hangs when only the wall clock is moved).
    offset=$(($(date -u -d "$moment" +%s) - $(date -u +%s)))
    FAKETIME=$(printf '%+d' "$offset") LD_PRELOAD=$lib "$PY" -m pytest -n 2 "$@" \
        || failed+=("$moment")
done

if ((${#failed[@]})); then
    echo "FAILED with the clock at: ${failed[*]}" >&2
    exit 1
fi
