"""Setting a PIN from the command line (read from standard input), and the admin pages of the
notice settings and the notice log."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bibliohub.patrons.models import NoticeLog, NoticePolicy


def test_set_pin_reads_the_pin_from_standard_input(reader, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    out = StringIO()
    call_command("set_pin", "P1001", stdout=out)
    reader.refresh_from_db()
    assert reader.pin_matches("97531") and "P1001" in out.getvalue()


def test_set_pin_refuses_an_unknown_card_and_a_short_pin(reader, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    with pytest.raises(CommandError, match="at least 4 characters"):
        call_command("set_pin", "P1001")
    with pytest.raises(CommandError, match="no patron has the card"):
        call_command("set_pin", "NOPE")


def test_the_admin_shows_notice_settings_and_the_log(client, admin_user, reader, network):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    NoticePolicy.objects.create(network=network)
    NoticeLog.objects.create(
        patron=reader,
        kind=NoticeLog.Kind.DUE_SOON,
        key="loan:1:x",
        email="a@example.org",
        sent_at=reader.created_at,
    )
    assert client.get(reverse("admin:patrons_noticepolicy_changelist")).status_code == 200
    log = client.get(reverse("admin:patrons_noticelog_changelist"))
    assert log.status_code == 200 and "a@example.org" in log.content.decode()
