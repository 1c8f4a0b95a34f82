"""The security headers: a Content-Security-Policy on every page of the site (the staff pages
are checked by the permission matrix, on every answer it gets; this file tries every other
URL of the URL configuration), X-Content-Type-Options and Referrer-Policy from Django's
SecurityMiddleware, and HSTS and the redirect to HTTPS as the environment asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from bibliohub.portal.session import sign_in
from tests.walls import world as w
from tests.walls.test_staff_walls import urls
from tests.walls.world import Side

POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# How to build the arguments of each URL outside /staff/ that takes some. The administration's
# pages for one object are Django's own and left out; every other URL needs a line here.
ARGUMENTS: dict[str, Callable[[Side], dict[str, Any]]] = {
    "web:record": lambda s: {"pk": s.record.pk},
    "api:indicator_breakdown": lambda s: {"code": "loans"},
    "web:record-marc": lambda s: {"pk": s.record.pk},
    "web:record-marcxml": lambda s: {"pk": s.record.pk},
    "spaces:resource": lambda s: {"pk": s.room.pk},
    "spaces:book": lambda s: {"pk": s.room.pk},
    "spaces:cancel": lambda s: {"pk": s.booking.pk},
    "portal:renew": lambda s: {"loan_id": s.loan.pk},
    "portal:place-hold": lambda s: {"record_id": s.record.pk},
    "portal:cancel-hold": lambda s: {"hold_id": 1},
    "portal:change-pickup": lambda s: {"hold_id": 1},
    "portal:change-not-needed-after": lambda s: {"hold_id": 1},
    "programs:event": lambda s: {"event_id": s.event.pk},
    "programs:event_ics": lambda s: {"event_id": s.event.pk},
    "programs:register_series": lambda s: {"event_id": s.event.pk},
    "programs:entry": lambda s: {"event_id": s.event.pk},
    "programs:register": lambda s: {"occurrence_id": s.occurrence.pk},
    "programs:manage": lambda s: {"token": s.registration.token},
    "programs:manage_cancel": lambda s: {"token": s.registration.token},
    "programs:manage_feedback": lambda s: {
        "token": s.registration.token,
        "occurrence_id": s.occurrence.pk,
    },
    "plans:programme": lambda s: {"pk": s.programme.pk},
    "surveys:answer": lambda s: {"slug": s.survey.slug},
    "surveys:kiosk": lambda s: {"slug": s.survey.slug},
    "surveys:thanks": lambda s: {"slug": s.survey.slug},
    "surveys:kiosk_thanks": lambda s: {"slug": s.survey.slug},
    "surveys:invited": lambda s: {"slug": s.survey.slug, "token": "no-such-invitation"},
    # The update is for staff only: a 404, with the site's policy (a file served has its own).
    "plans:evidence": lambda s: {"pk": s.programme.pk, "evidence_pk": s.evidence.pk},
    "api:record": lambda s: {"record_id": s.record.pk},
    "api:items": lambda s: {"record_id": s.record.pk},
    "api:marc": lambda s: {"record_id": s.record.pk},
    "api:not_found": lambda s: {"rest": "no/such/thing"},
}


def _other_urls():
    return [u for u in urls() if not u.route.startswith("staff/")]


def _is_admin_object_page(url) -> bool:
    return url.name.startswith("admin:") and url.has_arguments


def test_every_url_outside_the_staff_pages_can_be_built():
    missing = [
        u.name
        for u in _other_urls()
        if u.has_arguments and not _is_admin_object_page(u) and u.name not in ARGUMENTS
    ]
    assert not missing, f"say in ARGUMENTS how to build the arguments of {missing}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _patron_client(patron) -> Client:
    client = Client()
    request = RequestFactory().get("/")
    request.session = client.session
    sign_in(request, patron)
    request.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    return client


def test_every_page_sends_the_content_security_policy(db, media):
    """Each URL as a patron signed in to the portal, and as an administrator (the
    administration's pages), with a GET: whatever the answer, it carries the policy."""
    with time_machine.travel(w.AT, tick=True):
        world = w.build()
        patron = _patron_client(world.side("A").patron)
        admin = Client()
        admin.force_login(
            w.User.objects.create_superuser("root", password="correct horse", role="administrator")
        )
        without = []
        tried = 0
        for url in _other_urls():
            if _is_admin_object_page(url):
                continue
            kwargs = ARGUMENTS[url.name](world.side("A")) if url.has_arguments else {}
            client = admin if url.name.startswith("admin:") else patron
            response = client.get(reverse(url.name, kwargs=kwargs))
            tried += 1
            if response.get("Content-Security-Policy") != POLICY:
                without.append(f"{url.name} -> {response.status_code}")
    assert tried > 100
    assert not without, without


def test_django_sends_nosniff_the_referrer_policy_and_no_framing(client, db):
    response = client.get(reverse("web:home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in client.get(reverse("web:home"), secure=True)


def test_hsts_is_sent_over_https_when_the_installation_asks(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in client.get(reverse("web:home"))
    response = client.get(reverse("web:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_the_policy_can_be_tried_in_report_only_mode(client, db, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = True
    response = client.get(reverse("web:home"))
    assert response["Content-Security-Policy-Report-Only"] == POLICY
    assert "Content-Security-Policy" not in response


def _settings_under(env: dict[str, str]) -> dict[str, Any]:
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    ]
    code = (
        "import json, bibliohub.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIBLIOHUB_HSTS")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_hsts_and_the_https_redirect_come_from_the_environment():
    assert _settings_under({}) == {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_SSL_REDIRECT": False,
        "CONTENT_SECURITY_POLICY_REPORT_ONLY": False,
    }
    assert _settings_under(
        {
            "BIBLIOHUB_HSTS_SECONDS": "31536000",
            "BIBLIOHUB_HSTS_INCLUDE_SUBDOMAINS": "true",
            "BIBLIOHUB_HSTS_PRELOAD": "true",
            "BIBLIOHUB_SSL_REDIRECT": "true",
            "BIBLIOHUB_CSP_REPORT_ONLY": "true",
        }
    ) == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "CONTENT_SECURITY_POLICY_REPORT_ONLY": True,
    }
