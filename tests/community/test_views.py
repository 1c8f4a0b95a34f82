"""The staff screens and public pages: wiring, permissions, status codes, the downloads; the
rules themselves are tested with the services."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from bibliohub.accounts.models import Role, User
from bibliohub.community import kinds as Kind
from bibliohub.community.models import (
    HoursStatus,
    MentoringRequest,
    Partner,
    PartnerKind,
    RequestStatus,
    Topic,
)
from bibliohub.community.services import career, partners, volunteers
from bibliohub.history import Actor

from .conftest import AT, entries


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> list[list[object]]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_staff_screens_send_visitors_to_log_in_and_refuse_non_staff(client, db):
    response = client.get(reverse("staff:community:partners"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(User.objects.create_user(username="nobody", password="x", role=""))
    assert client.get(reverse("staff:community:partners")).status_code == 403


def test_a_branch_librarian_sees_and_opens_only_partners_of_her_branches(client, riverside_librarian, school, ngo):
    client.force_login(riverside_librarian)
    page = client.get(reverse("staff:community:partners")).content.decode()
    assert "Help for Refugees" in page and "School No. 5" not in page
    assert client.get(reverse("staff:community:partner", args=[ngo.pk])).status_code == 200
    assert client.get(reverse("staff:community:partner", args=[school.pk])).status_code == 403
    assert client.get(reverse("staff:community:partner_edit", args=[school.pk])).status_code == 403


def test_a_librarian_adds_a_partner_for_her_branch(client, central_librarian, central, riverside):
    client.force_login(central_librarian)
    form = client.get(reverse("staff:community:partner_new")).content.decode()
    assert "Central Library" in form and "Riverside Branch" not in form
    response = client.post(reverse("staff:community:partner_new"), {
        "name": "City Museum", "name_uk": "Міський музей", "kind": PartnerKind.CULTURAL,
        "since": "2026-11-01", "branches": [central.pk], "is_active": "on",
    })
    partner = Partner.objects.get(name="City Museum")
    assert response.status_code == 302 and response["Location"] == reverse("staff:community:partner", args=[partner.pk])
    assert partner.names == {"uk": "Міський музей"}
    # She cannot attach a branch she does not work for.
    response = client.post(reverse("staff:community:partner_new"), {
        "name": "Elsewhere", "kind": PartnerKind.NGO, "since": "2026-11-01", "branches": [riverside.pk],
    })
    assert response.status_code == 200 and not Partner.objects.filter(name="Elsewhere").exists()


def test_editing_keeps_the_branches_the_librarian_cannot_see(client, central_librarian, central, riverside, school):
    school.branches.add(riverside)
    client.force_login(central_librarian)
    client.post(reverse("staff:community:partner_edit", args=[school.pk]), {
        "name": "School No. 5", "kind": PartnerKind.SCHOOL, "since": "2025-02-01", "branches": [central.pk],
        "is_active": "on",
    })
    assert set(school.branches.all()) == {central, riverside}


def test_the_partner_page_shows_contacts_agreements_activities_and_the_document_is_for_staff_only(
    client, central_librarian, riverside_librarian, school, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(central_librarian)
    client.post(reverse("staff:community:contact_new", args=[school.pk]),
                {"name": "Maria Head", "role": "Head teacher", "is_primary": "on"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("staff:community:agreement_new", args=[school.pk]), {
        "title": "Memorandum", "starts_on": "2025-02-01",
        "document": SimpleUploadedFile("memo.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    })
    client.post(reverse("staff:community:activity_new", args=[school.pk]), {
        "kind": "donation", "on": "2026-11-20", "description": "Forty books for the reading room",
        "value": "4000", "currency": "UAH",
    })
    page = client.get(reverse("staff:community:partner", args=[school.pk])).content.decode()
    assert "Maria Head" in page and "Memorandum" in page and "Forty books" in page
    agreement = school.agreements.get()
    download = client.get(reverse("staff:community:agreement_document", args=[agreement.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    client.force_login(riverside_librarian)
    assert client.get(reverse("staff:community:agreement_document", args=[agreement.pk])).status_code == 403


def test_staff_register_a_volunteer_by_card_and_a_missing_card_is_an_error(client, central_librarian, central, reader):
    client.force_login(central_librarian)
    url = reverse("staff:community:volunteer_new")
    response = client.post(url, {"card": "NOPE", "language": "en", "branches": [central.pk]})
    assert response.status_code == 200 and "No patron has this card number." in response.content.decode()
    response = client.post(url, {"card": "C0001", "language": "uk", "branches": [central.pk], "consent": "on",
                                 "available_days": ["1", "3"], "is_active": "on"})
    assert response.status_code == 302
    assert reader.volunteer.name == "Iryna Kovalenko" and reader.volunteer.has_consented


def test_hours_are_confirmed_from_the_list_only_by_staff_of_that_branch(
    client, anna, central, central_librarian, riverside_librarian
):
    entry = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 28), minutes=120,
                                 actor=Actor.system("tests"), at=AT)
    client.force_login(riverside_librarian)
    assert client.post(reverse("staff:community:hours_decide", args=[entry.pk, "confirm"])).status_code == 403
    client.force_login(central_librarian)
    page = client.get(reverse("staff:community:hours")).content.decode()
    assert "Anna Shevchenko" in page and "Confirm" in page
    response = client.post(reverse("staff:community:hours_decide", args=[entry.pk, "confirm"]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED and entry.decided_by == central_librarian
    [confirmed] = entries(Kind.HOURS_CONFIRMED, about=anna)
    assert (confirmed.channel, confirmed.staff_id, confirmed.amount) == ("desk", central_librarian.pk, 2)
    again = client.post(reverse("staff:community:hours_decide", args=[entry.pk, "reject"]), follow=True)
    assert "already been confirmed or refused" in again.content.decode()
    totals = _csv(client.get(reverse("staff:community:hours_totals"), {"year": "2026", "format": "csv"}))
    assert totals[1] == ["Anna Shevchenko", "2.00", "120", "1"]


def test_a_full_shift_shows_the_refusal_in_words(client, anna, bohdan, central, central_librarian):
    shift = volunteers.save_shift(None, branch=central, title="Book sale", starts_at=AT.replace(day=5),
                                  ends_at=AT.replace(day=5, hour=14), capacity=1, actor=Actor.system("tests"), at=AT)
    volunteers.sign_up(shift, volunteer=anna, actor=Actor.system("tests"), at=AT)
    client.force_login(central_librarian)
    response = client.post(reverse("staff:community:volunteer_sign_up", args=[bohdan.pk, shift.pk]), follow=True)
    assert "has not agreed" in response.content.decode()


def test_staff_match_a_request_and_the_person_hears_in_their_language(
    client, central, central_librarian, listed_mentor, django_capture_on_commit_callbacks
):
    request = career.request_mentoring(branch=central, topic=Topic.START, message="Bakery plan", name="Lan",
                                       email="lan@example.org", language="vi", actor=Actor.for_public(), at=AT)
    client.force_login(central_librarian)
    assert "Bakery plan" in client.get(reverse("staff:community:request", args=[request.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:community:request", args=[request.pk]), {
            "action": "match", "mentor": listed_mentor.pk, "day": "2026-12-08", "time": "15:00", "notify": "on",
        })
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED and request.mentor == listed_mentor
    assert mail.outbox[-1].to == ["lan@example.org"]
    client.post(reverse("staff:community:request", args=[request.pk]), {"action": "met", "outcome": "Went well"})
    request.refresh_from_db()
    assert request.status == RequestStatus.MET


LISTS = [
    ("staff:community:partners", "Name", "School No. 5"),
    ("staff:community:activities", "Date", "Cakes"),
    ("staff:community:referrals", "Date", "Looking for a job"),
    ("staff:community:volunteers", "Name", "Anna Shevchenko"),
    ("staff:community:shifts", "Branch", "Shelving"),
    ("staff:community:hours", "Date", "Story time"),
    ("staff:community:hours_totals", "For", "Anna Shevchenko"),
    ("staff:community:resources", "Branch", "Job centre"),
    ("staff:community:mentors", "Name", "Oksana Bondar"),
    ("staff:community:requests", "Asked", "Bakery plan"),
    ("staff:community:dynamics", "Period", "2026"),
]


@pytest.fixture
def everything(school, bakery, ngo, anna, listed_mentor, central, riverside, manager):
    partners.record_activity(partner=bakery, kind="donation", on=date(2026, 11, 1), branch=central,
                             description="Cakes", value=1500, currency="UAH", actor=Actor.system("tests"), at=AT)
    partners.log_referral(partner=school, branch=central, direction="from_partner", on=date(2026, 11, 2),
                          reason="Looking for a job", actor=Actor.system("tests"), at=AT)
    volunteers.save_shift(None, branch=central, title="Shelving", starts_at=AT.replace(day=5),
                          ends_at=AT.replace(day=5, hour=13), actor=Actor.system("tests"), at=AT)
    entry = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 3), minutes=60,
                                 description="Story time", actor=Actor.system("tests"), at=AT)
    volunteers.confirm_hours(entry, actor=Actor.for_staff(manager), at=AT)
    career.save_resource(None, branch=central, actor=Actor.system("tests"), at=AT, details=career.ResourceDetails(
        topic=Topic.JOBS, title="=Job centre", url="https://example.org/jobs"))
    career.request_mentoring(branch=central, topic=Topic.START, message="Bakery plan", name="Lan",
                             email="lan@example.org", actor=Actor.for_public(), at=AT)


@pytest.mark.parametrize(("name", "first_header", "expected"), LISTS)
def test_every_list_downloads_as_csv_and_xlsx_that_parse_back(client, manager, everything, name, first_header, expected):
    client.force_login(manager)
    query = {"status": "", "year": "2026", "start": "2026-01-01", "from": "2026", "to": "2026"}
    page = client.get(reverse(name), query)
    assert page.status_code == 200
    rows = _csv(client.get(reverse(name), {**query, "format": "csv"}))
    assert rows[0][0] == first_header
    assert any(expected in cell for row in rows[1:] for cell in row)
    sheet = _xlsx(client.get(reverse(name), {**query, "format": "xlsx"}))
    assert sheet[0][0] == first_header
    assert any(expected in str(cell) for row in sheet[1:] for cell in row)


def test_a_cell_that_looks_like_a_formula_is_kept_as_text(client, manager, everything):
    client.force_login(manager)
    rows = _csv(client.get(reverse("staff:community:resources"), {"format": "csv"}))
    assert rows[1][3] == "'=Job centre"


def test_the_public_career_page_shows_the_branch_links_in_the_visitor_language(client, central):
    career.save_resource(None, branch=central, actor=Actor.system("tests"), at=AT, details=career.ResourceDetails(
        topic=Topic.JOBS, title="Job centre", titles={"uk": "Центр зайнятості"}, url="https://example.org/jobs"))
    career.save_resource(None, branch=central, actor=Actor.system("tests"), at=AT, details=career.ResourceDetails(
        topic=Topic.JOBS, title="Hidden draft", url="https://example.org/draft", is_published=False))
    page = client.get(reverse("community:career"), {"branch": "central"}, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Центр зайнятості" in page and "Hidden draft" not in page


def test_the_public_directory_never_shows_who_did_not_consent_nor_contacts_they_keep_private(
    client, listed_mentor, private_mentor
):
    page = client.get(reverse("community:mentors")).content.decode()
    assert "Oksana Bondar" in page and "oksana@example.org" in page
    assert "+380 67" not in page  # she wants e-mail only
    assert "Taras Private" not in page
    form = client.get(reverse("community:request"), {"mentor": private_mentor.pk}).content.decode()
    assert "Taras" not in form


def test_a_guest_asks_for_an_appointment_with_a_listed_mentor(client, central, listed_mentor):
    url = reverse("community:request")
    assert client.post(url, {"branch": central.pk, "topic": "start", "message": "Help"}).status_code == 200
    response = client.post(f"{url}?mentor={listed_mentor.pk}", {
        "branch": central.pk, "topic": "start", "message": "I need a business plan", "name": "Guest",
        "email": "guest@example.org", "mentor": listed_mentor.pk,
    })
    assert response.status_code == 302
    request = MentoringRequest.objects.get()
    assert request.wished_mentor == listed_mentor and request.patron is None
    [entry] = entries(Kind.MENTORING_REQUESTED, about=request)
    assert (entry.channel, entry.actor, entry.patron_id) == ("online", "public", None)


def test_a_signed_in_patron_is_not_asked_for_name_and_e_mail(client, central, reader, sign_in_patron):
    sign_in_patron(reader)
    page = client.get(reverse("community:request")).content.decode()
    assert 'name="email"' not in page
    client.post(reverse("community:request"), {"branch": central.pk, "topic": "jobs", "message": "CV help"})
    request = MentoringRequest.objects.get()
    assert (request.patron, request.email, request.language) == (reader, "iryna@example.org", "uk")
    [entry] = entries(Kind.MENTORING_REQUESTED, about=request)
    assert (entry.channel, entry.actor, entry.patron_id) == ("online", "patron", reader.pk)


def test_a_branch_librarian_sees_the_dynamics_of_her_own_branch_only(client, riverside_librarian, school, ngo, riverside):
    partners.log_referral(partner=ngo, branch=riverside, direction="to_partner", on=date(2026, 3, 1),
                          reason="Advice", actor=Actor.system("tests"), at=AT)
    partners.record_activity(partner=school, kind="project", on=date(2026, 3, 1), description="x",
                             actor=Actor.system("tests"), at=AT)
    client.force_login(riverside_librarian)
    rows = _csv(client.get(reverse("staff:community:dynamics"), {"from": "2026", "to": "2026", "format": "csv"}))
    assert rows[1][:2] == ["2026", "1"]


def test_the_staff_home_counts_what_waits(client, manager, everything):
    client.force_login(manager)
    page = client.get(reverse("staff:community:home")).content.decode()
    assert "1 new" in page


@pytest.mark.parametrize("role", [Role.CATALOGUER])
def test_cataloguers_without_branches_see_every_branch_list(client, role, db, school):
    user = User.objects.create_user(username="cat", password="x", role=role)
    client.force_login(user)
    assert client.get(reverse("staff:community:partners")).status_code == 200


def test_every_staff_page_opens(client, manager, everything, anna, school, listed_mentor):
    from bibliohub.community.models import CareerResource, Shift

    client.force_login(manager)
    shift, resource = Shift.objects.get(), CareerResource.objects.get()
    request = MentoringRequest.objects.get()
    referral = school.referrals.get()
    urls = [
        reverse("staff:community:home"), reverse("staff:community:partner_new"),
        reverse("staff:community:partner_edit", args=[school.pk]),
        reverse("staff:community:contact_new", args=[school.pk]),
        reverse("staff:community:agreement_new", args=[school.pk]),
        reverse("staff:community:activity_new", args=[school.pk]),
        reverse("staff:community:referral_new"), reverse("staff:community:referral_outcome", args=[referral.pk]),
        reverse("staff:community:volunteer_new"), reverse("staff:community:volunteer", args=[anna.pk]),
        reverse("staff:community:volunteer_edit", args=[anna.pk]),
        reverse("staff:community:shift_new"), reverse("staff:community:shift", args=[shift.pk]),
        reverse("staff:community:hours_new"), reverse("staff:community:resource_new"),
        reverse("staff:community:resource_edit", args=[resource.pk]),
        reverse("staff:community:mentor_new"), reverse("staff:community:mentor_edit", args=[listed_mentor.pk]),
        reverse("staff:community:request", args=[request.pk]),
    ]
    for url in urls:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="uk").status_code == 200, url


def test_the_partner_list_costs_the_same_queries_for_three_partners_or_thirty(
    client, manager, network, central, django_assert_max_num_queries
):
    from bibliohub.community.models import PartnerKind as K

    client.force_login(manager)

    def add(n):
        for _ in range(n):
            p = partners.save_partner(None, network=network, actor=Actor.system("tests"), at=AT, details=partners.PartnerDetails(
                name=f"Partner {Partner.objects.count()}", kind=K.NGO, since=date(2026, 1, 1), branches=[central]))
            partners.save_contact(None, partner=p, name="Someone", actor=Actor.system("tests"), at=AT)

    add(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("staff:community:partners"), {"format": "xlsx"})
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("staff:community:partners"), {"format": "xlsx"})
