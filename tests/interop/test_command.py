"""The `bibliohub sip2` command refuses what it cannot do, with a one-line reason."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


def test_a_certificate_needs_its_key(tmp_path):
    with pytest.raises(CommandError, match="--tls-cert and --tls-key go together"):
        call_command("sip2", "--port", "0", "--tls-cert", str(tmp_path / "cert.pem"))


def test_a_missing_certificate_is_named(tmp_path):
    with pytest.raises(CommandError, match="cannot load the TLS certificate"):
        call_command(
            "sip2", "--port", "0", "--tls-cert", str(tmp_path / "c.pem"),
            "--tls-key", str(tmp_path / "k.pem"),
        )  # fmt: skip


@pytest.mark.django_db
def test_several_workers_need_postgresql(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL several workers are allowed")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("sip2", "--port", "0", "--workers", "2")


@pytest.mark.parametrize(
    "option", ["--threads", "--login-timeout", "--idle-timeout", "--max-connections"]
)
def test_limits_must_be_above_zero(option):
    with pytest.raises(CommandError, match=f"{option} must be above 0"):
        call_command("sip2", "--port", "0", option, "0")
