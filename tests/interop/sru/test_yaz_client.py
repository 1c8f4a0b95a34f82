"""Debian's yaz-client, Index Data's command-line Z39.50/SRU client, searches, retrieves and
scans our /sru from a live server, driven by a command file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_yaz_client_is_installed() -> None:
    """A missing tool is an install step (scripts/setup.sh installs yaz), never a skip."""
    assert shutil.which("yaz-client") is not None, "yaz-client is missing: run scripts/setup.sh"


def yaz(live_server, tmp_path: Path, commands: list[str]) -> str:
    script = tmp_path / "commands"
    script.write_text("\n".join([f"open {live_server.url}/sru", *commands, "quit", ""]))
    result = subprocess.run(
        ["yaz-client", "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return result.stdout + result.stderr


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_yaz_client_searches_and_shows_marcxml(live_server, shelf, tmp_path, version):
    out = yaz(
        live_server,
        tmp_path,
        [
            f"sru get {version}",
            "querytype cql",
            "format xml",
            "schema marcxml",
            "find dc.title = war and dc.creator = tolstoy",
            "show 1",
        ],
    )
    assert "Number of hits: 1" in out, out
    assert "War and peace" in out and "<record" in out, out


def test_yaz_client_reports_our_diagnostic(live_server, shelf, tmp_path):
    out = yaz(live_server, tmp_path, ["sru get 1.2", "querytype cql", "find dc.title < war"])
    assert "19" in out and "Unsupported relation" in out, out


def test_yaz_client_scans_titles(live_server, shelf, tmp_path):
    out = yaz(live_server, tmp_path, ["sru get 1.2", "querytype cql", "scan dc.title=P"])
    assert "Peace in our time" in out, out
