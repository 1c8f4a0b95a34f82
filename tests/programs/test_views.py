"""The public pages and staff screens: wiring, permissions, status codes and what each page
shows; the rules themselves are tested on the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from bibliohub.history import Actor
from bibliohub.programs import selectors, services
from bibliohub.programs.models import (
    Audience,
    Event,
    Format,
    Registration,
    RegistrationStatus,
)
from tests.programs.conftest import AT, entries_about


@pytest.fixture(autouse=True)
def _now_is_at(time_machine):
    time_machine.move_to(AT, tick=False)


# --- Public pages -----------------------------------------------------------------------------


def test_the_calendar_shows_dates_by_day_and_filters_by_branch_audience_and_category(client, make_event, riverside):
    make_event()
    make_event(recurrence="", title="Teen book club", titles={}, audiences=[Audience.TEENS], categories=[])
    make_event(recurrence="", title="Riverside rhymes", titles={}, branch=riverside)
    page = client.get(reverse("programs:calendar"), {"from": "2026-12-12"})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count(">Story time</a>") == 4 and "Teen book club" in text and "Riverside rhymes" in text
    assert "Teen book club" not in client.get(reverse("programs:calendar"), {"from": "2026-12-12", "audience": "0-5"}).content.decode()
    by_branch = client.get(reverse("programs:calendar"), {"from": "2026-12-12", "branch": "riverside"}).content.decode()
    assert "Riverside rhymes" in by_branch and ">Story time</a>" not in by_branch
    by_category = client.get(reverse("programs:calendar"), {"from": "2026-12-12", "category": "story-time"}).content.decode()
    assert "Teen book club" not in by_category and ">Story time<" in by_category
    assert 'href="/events/feed.ics?branch=riverside"' in by_branch


def test_the_calendar_speaks_ukrainian_with_the_events_ukrainian_title(client, story_time):
    client.cookies["bibliohub_language"] = "uk"
    text = client.get(reverse("programs:calendar")).content.decode()
    assert "Казкова година" in text and 'lang="uk"' in text


def test_an_unpublished_event_is_not_shown(client, make_event):
    event = make_event(is_published=False)
    assert client.get(reverse("programs:event", args=[event.pk])).status_code == 404
    assert ">Story time</a>" not in client.get(reverse("programs:calendar")).content.decode()


def test_the_event_page_shows_places_left_and_offers_the_waiting_list_when_full(client, story_time, register_guest):
    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    text = client.get(reverse("programs:event", args=[story_time.pk])).content.decode()
    assert "1 place left" in text
    register_guest(first, "Borys B")
    text = client.get(reverse("programs:event", args=[story_time.pk])).content.decode()
    assert "Join the waiting list" in text


def test_a_guest_registers_a_child_and_lands_on_the_page_to_cancel(client, story_time, django_capture_on_commit_callbacks):
    first = story_time.occurrences.first()
    client.cookies["bibliohub_language"] = "uk"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:register", args=[first.pk]), {
            "contact_name": "Oksana Shevchenko", "contact_email": "oksana@example.org",
            "attending": "child", "child_name": "Taras", "age_band": "0-5",
        })
    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("programs:manage", args=[registration.token])
    assert (registration.attendee_name, registration.contact_name, registration.language) == ("Taras", "Oksana Shevchenko", "uk")
    assert mail.outbox[0].to == ["oksana@example.org"]
    page = client.get(response["Location"])
    assert "Taras" in page.content.decode()
    client.post(reverse("programs:manage_cancel", args=[registration.token]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    # A guest, online, known to the history by the age group given: the names and the
    # e-mail address stay on the registration.
    entries = entries_about(registration)
    assert [(e.kind, e.channel, e.actor, e.patron_id, e.age_band) for e in entries] == [
        ("registered", "online", "public", None, "0-5"), ("cancelled", "online", "public", None, "0-5")]
    assert not any("Oksana" in str(e.detail) or "oksana@" in str(e.detail) for e in entries)


def test_a_child_registration_needs_the_childs_name(client, story_time):
    response = client.post(reverse("programs:register", args=[story_time.occurrences.first().pk]), {
        "contact_name": "Oksana", "contact_email": "oksana@example.org", "attending": "child", "age_band": "0-5",
    })
    assert response.status_code == 400
    assert "Give your child" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_refusal_is_shown_in_words(client, make_event):
    event = make_event(registration_opens_days=3)
    response = client.post(reverse("programs:register", args=[event.occurrences.first().pk]), {
        "contact_name": "Anna", "contact_email": "anna@example.org", "attending": "me", "age_band": "0-5",
    })
    assert response.status_code == 400
    assert "Registration has not opened yet." in response.content.decode()


def test_a_wrong_cancellation_link_is_not_found(client, db):
    assert client.get(reverse("programs:manage", args=["not-a-token"])).status_code == 404
    assert client.post(reverse("programs:manage_cancel", args=["not-a-token"])).status_code == 404


def test_a_signed_in_parent_registers_her_child_with_their_cards(client, story_time, parent, child):
    parent.hash_pin("2468")
    parent.save()
    client.post(reverse("portal:sign-in"), {"card_number": parent.card_barcode, "pin": "2468"})
    url = reverse("programs:register", args=[story_time.occurrences.first().pk])
    page = client.get(url).content.decode()
    assert "Taras Shevchenko" in page and "Your e-mail" not in page
    client.post(url, {"attendee": str(child.pk)})
    registration = Registration.objects.get()
    assert registration.patron == child and registration.registered_by == parent
    [entry] = entries_about(registration)
    assert (entry.channel, entry.actor, entry.patron_id, entry.age) == ("online", "patron", child.pk, 4)


def test_feedback_after_attending_through_the_link(client, story_time, register_guest, central_librarian, time_machine):
    first = story_time.occurrences.first()
    anna = register_guest(first, "Anna A")
    services.check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    time_machine.move_to(first.ends_at + timedelta(hours=2), tick=False)
    page = client.get(reverse("programs:manage", args=[anna.token])).content.decode()
    assert "Tell us how it went" in page
    assert 'name="q-rating"' in page and 'name="q-comment"' in page  # the feedback survey's questions
    missing = client.post(reverse("programs:manage_feedback", args=[anna.token, first.pk]),
                          {"q-rating-shown": "1", "q-comment-shown": "1", "q-comment": "Great"})
    assert missing.status_code == 400 and "Great" in missing.content.decode()
    client.post(reverse("programs:manage_feedback", args=[anna.token, first.pk]),
                {"q-rating-shown": "1", "q-rating": "5", "q-comment": "Great"})
    assert selectors.event_rating(story_time) == selectors.Rating(1, Decimal("5.00"))
    assert "Tell us how it went" not in client.get(reverse("programs:manage", args=[anna.token])).content.decode()
    client.force_login(central_librarian)
    staff_page = client.get(reverse("staff:programs:occurrence", args=[first.pk])).content.decode()
    assert "5.00 on average, from one answer" in staff_page


def test_a_contest_entry_is_sent_with_a_file(client, make_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    contest = make_event(kind="contest", recurrence="", registration="none", title="Essay contest", titles={})
    response = client.post(reverse("programs:entry", args=[contest.pk]), {
        "author_name": "Iryna", "contact_email": "iryna@example.org", "age_band": "12-18", "title": "Why I read",
        "file": SimpleUploadedFile("essay.txt", b"Because."),
    })
    assert response.status_code == 302
    assert contest.submissions.get().file.read() == b"Because."
    assert client.get(reverse("programs:entry", args=[make_event(recurrence="").pk])).status_code == 404


# --- Staff screens ----------------------------------------------------------------------------


def test_staff_screens_need_a_staff_login(client, story_time):
    occurrence = story_time.occurrences.first()
    response = client.get(reverse("staff:programs:occurrence", args=[occurrence.pk]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_librarian_sees_and_works_only_on_her_own_branches_events(client, story_time, riverside_librarian, register_guest):
    occurrence = story_time.occurrences.first()
    anna = register_guest(occurrence, "Anna A")
    client.force_login(riverside_librarian)
    assert "Story time" not in client.get(reverse("staff:programs:list")).content.decode()
    assert client.get(reverse("staff:programs:occurrence", args=[occurrence.pk])).status_code == 403
    assert client.post(reverse("staff:programs:check_in", args=[occurrence.pk, anna.pk])).status_code == 403
    assert client.get(reverse("staff:programs:export", args=[occurrence.pk, "csv"])).status_code == 403
    assert client.post(reverse("staff:programs:cancel", args=[occurrence.pk])).status_code == 403
    assert not anna.attendances.exists()


def test_a_librarian_checks_in_counts_walk_ins_and_sees_registered_against_attended(
    client, story_time, central_librarian, register_guest
):
    occurrence = story_time.occurrences.first()
    anna = register_guest(occurrence, "Anna A")
    register_guest(occurrence, "Borys B")
    client.force_login(central_librarian)
    assert "Story time" in client.get(reverse("staff:programs:list")).content.decode()
    client.post(reverse("staff:programs:check_in", args=[occurrence.pk, anna.pk]))
    client.post(reverse("staff:programs:walk_ins", args=[occurrence.pk]), {"band_0-5": "3", "band_19+": "2"})
    page = client.get(reverse("staff:programs:occurrence", args=[occurrence.pk])).content.decode()
    assert '<dd id="registered-count">2 / 2</dd>' in page
    assert '<dd id="attended-count">1</dd>' in page
    assert anna.attendances.get().staff == central_librarian
    entries = entries_about(occurrence)
    assert [(e.kind, e.quantity, e.channel, e.staff_id) for e in entries] == [
        ("checked_in", 1, "desk", central_librarian.pk),
        ("walk_ins", 3, "desk", central_librarian.pk),
        ("walk_ins", 2, "desk", central_librarian.pk),
    ]


def test_a_librarian_registers_a_child_by_card_and_the_guardian_is_the_contact(
    client, story_time, central_librarian, parent, child
):
    occurrence = story_time.occurrences.first()
    client.force_login(central_librarian)
    response = client.post(reverse("staff:programs:register", args=[occurrence.pk]), {"card_number": child.card_barcode})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.patron, registration.registered_by, registration.staff) == (child, parent, central_librarian)
    missing = client.post(reverse("staff:programs:register", args=[occurrence.pk]), {"card_number": "NOPE"})
    assert missing.status_code == 400 and "No patron has this card number." in missing.content.decode()


def test_lists_download_as_csv_and_xlsx(client, story_time, central_librarian, register_guest):
    occurrence = story_time.occurrences.first()
    anna = register_guest(occurrence, "Ганна Коваль")
    services.check_in(anna, occurrence=occurrence, actor=Actor.for_staff(central_librarian), at=occurrence.starts_at)
    client.force_login(central_librarian)
    csv_response = client.get(reverse("staff:programs:export", args=[occurrence.pk, "csv"]))
    text = csv_response.content.decode("utf-8-sig")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Name,Contact,E-mail")
    assert "Ганна Коваль" in text and text.splitlines()[1].endswith(",yes")
    xlsx = client.get(reverse("staff:programs:export", args=[occurrence.pk, "xlsx"]))
    book = load_workbook(BytesIO(xlsx.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "Ганна Коваль" and rows[1][-1] == "yes"
    totals = dict(book.worksheets[1].iter_rows(values_only=True))
    assert totals["Registered"] == 1 and totals["Attended"] == 1


def test_a_librarian_creates_a_weekly_series_for_her_branch_only(client, central_librarian, central, riverside, story_category):
    client.force_login(central_librarian)
    form = {
        "branch": central.pk, "kind": "programme", "title": "Baby rhyme time", "title_uk": "Віршики для малят",
        "audiences": ["0-5"], "format": Format.ON_SITE, "place": "Children's room", "categories": [story_category.pk],
        "tags": "rhymes, babies", "presenters": "Olena\nMinh", "day": "2026-12-15", "starts": "10:30", "ends": "11:00",
        "recurrence": "FREQ=WEEKLY;COUNT=6", "registration": "occurrence", "capacity": "12", "waitlist": "on",
        "registration_closes_hours": "1",
    }
    response = client.post(reverse("staff:programs:new"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.titles == {"en": "Baby rhyme time", "uk": "Віршики для малят"}
    assert event.audience_bands == ["0-5"] and event.tags == ["rhymes", "babies"] and event.presenters == ["Olena", "Minh"]
    assert event.occurrences.count() == 6 and event.organiser == central_librarian
    other_branch = client.post(reverse("staff:programs:new"), {**form, "branch": riverside.pk})
    assert other_branch.status_code == 400 and Event.objects.count() == 1
    no_audience = client.post(reverse("staff:programs:new"), {**form, "audiences": []})
    assert no_audience.status_code == 400


def test_a_librarian_moves_and_cancels_one_date(client, story_time, central_librarian):
    first, second = story_time.occurrences.all()[:2]
    client.force_login(central_librarian)
    client.post(reverse("staff:programs:change", args=[second.pk]), {"day": "2026-12-20", "starts": "12:00", "ends": "13:00", "note": ""})
    client.post(reverse("staff:programs:cancel", args=[first.pk]), {"note": "Staff training"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_cancelled and first.note == "Staff training"
    assert second.changed and second.starts_at.isoformat() == "2026-12-20T10:00:00+00:00"


def test_an_event_co_hosted_with_a_partner_names_them_on_its_page(client, make_event, central):
    from datetime import date

    from bibliohub.community.models import Partner

    museum = Partner.objects.create(network=central.network, name="City Museum", names={"uk": "Міський музей"},
                                    kind=Partner._meta.get_field("kind").choices[0][0], since=date(2024, 1, 1))
    event = make_event(recurrence="", partners=[museum])
    assert list(museum.events.all()) == [event]
    client.cookies["bibliohub_language"] = "uk"
    assert "Міський музей" in client.get(reverse("programs:event", args=[event.pk])).content.decode()


def test_more_places_from_the_staff_screen_promote_the_waiting_list(client, story_time, central_librarian, register_guest):
    occurrence = story_time.occurrences.first()
    for name in ["Anna A", "Borys B", "Chi C"]:
        register_guest(occurrence, name)
    client.force_login(central_librarian)
    client.post(reverse("staff:programs:capacity", args=[occurrence.pk]), {"capacity": "3"})
    assert Registration.objects.get(attendee_name="Chi C").status == RegistrationStatus.CONFIRMED


def test_only_network_managers_switch_on_the_no_show_rule(client, central, central_librarian, manager):
    client.force_login(central_librarian)
    assert client.get(reverse("staff:programs:policy")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("staff:programs:policy")).status_code == 200
    response = client.post(reverse("staff:programs:policy"), {
        "no_show_rule": "on", "no_show_limit": "2", "no_show_period_days": "60", "no_show_pause_days": "14",
        "reminder_hours": "48",
    })
    assert response.status_code == 302
    policy = central.network.program_policy
    assert (policy.no_show_rule, policy.no_show_limit, policy.reminder_hours) == (True, 2, 48)
    refused = client.post(reverse("staff:programs:policy"), {
        "no_show_rule": "on", "no_show_limit": "0", "no_show_period_days": "60", "no_show_pause_days": "14",
        "reminder_hours": "48",
    })
    assert refused.status_code == 400


def test_the_confirmation_links_to_the_registrants_page_on_the_public_site(
    story_time, register_guest, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://library.example"
    with django_capture_on_commit_callbacks(execute=True):
        anna = register_guest(story_time.occurrences.first(), "Anna A")
    assert f"https://library.example/events/registration/{anna.token}/" in mail.outbox[0].body


def _queries(client, url, **query) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query).status_code == 200
    return len(context.captured_queries)


def test_the_calendar_and_an_event_page_cost_the_same_queries_for_more_dates(client, make_event, register_guest):
    few = make_event(recurrence="FREQ=WEEKLY;COUNT=2")
    register_guest(few.occurrences.first(), "Anna A")
    calendar_few = _queries(client, reverse("programs:calendar"), **{"from": "2026-12-12"})
    event_few = _queries(client, reverse("programs:event", args=[few.pk]))
    many = make_event(recurrence="FREQ=DAILY;COUNT=20", title="Daily rhymes", titles={})
    for occurrence in many.occurrences.all()[:5]:
        register_guest(occurrence, "Anna A")
    make_event(recurrence="FREQ=WEEKLY;COUNT=4", title="Teen club", titles={}, audiences=[Audience.TEENS])
    assert _queries(client, reverse("programs:calendar"), **{"from": "2026-12-12"}) == calendar_few
    assert _queries(client, reverse("programs:event", args=[many.pk])) == event_few


def test_the_list_of_dates_downloads_and_a_formula_in_a_name_stays_text(client, story_time, central_librarian, register_guest):
    occurrence = story_time.occurrences.first()
    register_guest(occurrence, "=HYPERLINK(\"http://evil.example\")")
    client.force_login(central_librarian)
    listing = client.get(reverse("staff:programs:list"), {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert listing[0].startswith("Date,Starts,Event,Branch") and len(listing) == 1 + 4
    assert listing[1].startswith("2026-12-12,11:00,Story time,Central Library")
    registrations = client.get(reverse("staff:programs:export", args=[occurrence.pk, "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in registrations
    assert client.get(reverse("staff:programs:export", args=[occurrence.pk, "pdf"])).status_code == 404


def test_an_entrys_file_is_for_the_branchs_staff_only(client, make_event, central_librarian, riverside_librarian, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    contest = make_event(kind="contest", recurrence="", registration="none", title="Essay contest", titles={})
    entry = services.submit_entry(contest, author_name="Iryna", contact_email="i@example.org", title="Why I read",
                                  text="", file=SimpleUploadedFile("essay.txt", b"Because."), age_band="12-18",
                                  patron=None, actor=Actor.for_public(), at=AT)
    url = reverse("staff:programs:entry_file", args=[contest.pk, entry.pk])
    client.force_login(riverside_librarian)
    assert client.get(url).status_code == 403
    client.force_login(central_librarian)
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"Because."
    assert "Why I read" in client.get(reverse("staff:programs:entries", args=[contest.pk])).content.decode()


def test_a_librarian_edits_her_event_and_not_another_branchs(client, story_time, central_librarian, riverside_librarian):
    client.force_login(riverside_librarian)
    assert client.get(reverse("staff:programs:edit", args=[story_time.pk])).status_code == 403
    client.force_login(central_librarian)
    page = client.get(reverse("staff:programs:edit", args=[story_time.pk])).content.decode()
    assert "Казкова година" in page  # the Ukrainian title, ready to edit
    response = client.post(reverse("staff:programs:edit", args=[story_time.pk]), {
        "kind": "programme", "title": "Story time", "title_uk": "Казкова година", "title_pl": "Godzina bajek",
        "audiences": ["0-5"], "format": Format.ON_SITE, "place": "Children's room", "waitlist": "on",
        "registration_closes_hours": "0", "is_published": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    story_time.refresh_from_db()
    assert story_time.titles == {"en": "Story time", "uk": "Казкова година", "pl": "Godzina bajek"}
    assert story_time.occurrences.count() == 4 and story_time.capacity == 2


def test_a_signed_in_parent_sees_her_childs_registrations_and_only_hers(client, story_time, parent, child, register_guest):
    register_guest(story_time.occurrences.first(), "Someone Else")
    services.register(occurrence=story_time.occurrences.first(), attendee=services.Attendee(patron=child, registered_by=parent),
                      actor=Actor.for_patron(parent), at=AT)
    assert client.get(reverse("programs:mine")).status_code == 302  # to sign in
    parent.hash_pin("2468")
    parent.save()
    client.post(reverse("portal:sign-in"), {"card_number": parent.card_barcode, "pin": "2468"})
    page = client.get(reverse("programs:mine")).content.decode()
    assert "Taras Shevchenko" in page and "Someone Else" not in page
