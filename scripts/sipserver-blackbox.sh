#!/usr/bin/env bash
# Run Evergreen's SIPServer black-box tests (t/00–t/11 of evergreen-library-system/SIPServer,
# Perl `prove`) against our SIP2 server, on a scratch SQLite database loaded with the data set
# those tests are configured for (scripts/sipserver-blackbox/dataset.py). docs/sip2.md says
# which pass and why the others do not.
#
#   scripts/sipserver-blackbox.sh [TEST...]
#
# TEST defaults to every t/[0-9]*.t (names as in t/, e.g. 00sc_status.t). The tests are the
# copy in scripts/sipserver-blackbox/SIPServer (GPL, see its README.bibliohub); SIPSERVER=PATH
# runs those of another checkout of SIPServer, or of its git directory (a bare clone: HEAD is
# unpacked into the scratch directory). Needs perl with Test::More, Clone and Sys::Syslog:
# Debian's perl and libclone-perl, installed here when missing (scripts/setup.sh installs
# them too). Nothing else is installed or kept: the database, the server's log and any
# unpacked copy live in a temporary directory; SIPSERVER_LOG=1 prints the server's log.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || python=python3
source=${SIPSERVER:-$here/sipserver-blackbox/SIPServer}

if ! command -v prove >/dev/null || ! perl -MClone -MTest::More -MSys::Syslog -e 1 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  echo "Installing perl and libclone-perl for SIPServer's tests" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q perl libclone-perl >&2
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -d "$source/t" ]; then
  sipserver=$(cd "$source" && pwd)
else
  sipserver="$work/SIPServer"
  mkdir -p "$sipserver"
  git --git-dir="$source" archive HEAD | tar -x -C "$sipserver"
fi

# This copy of Bibliohub, whichever is installed.
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
export BIBLIOHUB_VAR_DIR="$work/var"
export BIBLIOHUB_DATABASE_URL="sqlite:///$work/blackbox.sqlite3"
mkdir -p "$BIBLIOHUB_VAR_DIR"
cd "$root"
"$python" -m bibliohub init >/dev/null
"$python" "$here/sipserver-blackbox/dataset.py"

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m bibliohub sip2 --port "$port" >"$work/sip2.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

cd "$sipserver/t"
if [ $# -eq 0 ]; then set -- [0-9]*.t; fi
status=0
SIPTEST_SERVER="127.0.0.1:$port" prove ${PROVE_FLAGS:-} \
  --exec "perl -I$sipserver -I$sipserver/t -I$here/sipserver-blackbox -MBibliohubSIPtest" \
  "$@" || status=$?
if [ "${SIPSERVER_LOG:-}" = 1 ]; then cat "$work/sip2.log"; fi
exit "$status"
