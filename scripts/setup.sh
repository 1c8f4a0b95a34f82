#!/usr/bin/env bash
# Sets up a fresh machine for Bibliohub: system packages the tests and tools need, a virtual
# environment with the locked dependencies, and compiled translations. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
need_apt=()

# System tools: gettext compiles translations; the test suite drives Debian's Chromium,
# validates MARC with yaz, runs PostgreSQL and makes a certificate with openssl for SIP2 over
# TLS; scripts/clock-check.sh moves the clock with libfaketime; Evergreen's SIPServer tests
# (scripts/sipserver-blackbox.sh) are Perl, with Clone.
command -v msgfmt >/dev/null || need_apt+=(gettext)
# WeasyPrint makes the PDF reports with Pango.
ldconfig -p | grep -q libpangoft2-1.0.so.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [[ "${BIBLIOHUB_SETUP:-full}" == "full" ]]; then
    command -v chromium >/dev/null || need_apt+=(chromium fonts-noto-cjk)
    command -v yaz-marcdump >/dev/null || need_apt+=(yaz)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
    command -v openssl >/dev/null || need_apt+=(openssl)
    ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || need_apt+=(faketime)
    { command -v prove && perl -MClone -e 1; } >/dev/null 2>&1 || need_apt+=(perl libclone-perl)
    # The Z39.50 responder is Perl's Net::Z3950::SimpleServer (as Koha's is).
    perl -MNet::Z3950::SimpleServer -e 1 >/dev/null 2>&1 || need_apt+=(libnet-z3950-simpleserver-perl)
    # Copy cataloguing searches other libraries' Z39.50 servers with Perl's ZOOM (YAZ).
    perl -MZOOM -e 1 >/dev/null 2>&1 || need_apt+=(libnet-z3950-zoom-perl)
fi
if ((${#need_apt[@]})); then
    if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
    echo "Installing system packages: ${need_apt[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi

if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
stamp=$VENV/.lock-installed
if [[ ! -f $stamp ]] || ! cmp -s requirements.lock "$stamp"; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r requirements.lock
    "$VENV/bin/python" -m pip install -q --no-deps -e .
    cp requirements.lock "$stamp"
fi

mkdir -p var
# Compiled catalogues are build output; rebuild them when a .po is newer.
"$VENV/bin/python" -m bibliohub compilemessages --ignore=.venv -v 0
