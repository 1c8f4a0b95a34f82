from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from bibliohub.community import kinds as Kind
from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.models import (
    ContactPreference,
    MentorKind,
    RequestStatus,
    Topic,
)
from bibliohub.community.selectors import public_mentors, public_resources
from bibliohub.community.services import career
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry

from .conftest import AT, entries, local


def _link(branch, title, topic=Topic.JOBS, order=0, published=True, **more):
    return career.save_resource(
        None, branch=branch, actor=Actor.system("tests"), at=AT,
        details=career.ResourceDetails(topic=topic, title=title, url="https://example.org/" + title,
                                       sort_order=order, is_published=published, **more),
    )


def test_the_career_page_lists_published_links_by_topic_in_the_order_staff_gave(central, riverside):
    _link(central, "cv", order=2)
    _link(central, "jobs", order=1, titles={"uk": "Вакансії"})
    _link(central, "grants", topic=Topic.FUNDING)
    _link(central, "draft", published=False)
    _link(riverside, "elsewhere")

    page = public_resources(central)

    assert [(t.topic, [r.title for r in t.resources]) for t in page] == [
        (Topic.JOBS, ["jobs", "cv"]), (Topic.FUNDING, ["grants"]),
    ]
    assert page[0].resources[0].display_title("uk") == "Вакансії"


def test_a_link_must_be_a_web_address(central):
    with pytest.raises(ValidationError):
        career.save_resource(None, branch=central, actor=Actor.system("tests"), at=AT, details=career.ResourceDetails(
            topic=Topic.JOBS, title="Broken", url="not a link"))


def test_a_mentor_who_did_not_consent_is_never_in_the_public_directory(network, central, listed_mentor, private_mentor):
    assert public_mentors(network) == [listed_mentor]
    assert public_mentors(network, branch=central, topic=Topic.START) == [listed_mentor]


def test_withdrawing_consent_takes_a_mentor_out_of_the_directory(network, listed_mentor, central, manager):
    details = career.MentorDetails(kind=MentorKind.MENTOR, name=listed_mentor.name, branches=[central])
    career.save_mentor(listed_mentor, network=network, details=details, public_consent=False,
                       actor=Actor.for_staff(manager), at=AT + timedelta(days=1))
    assert public_mentors(network) == []
    [withdrawn] = entries(Kind.CONSENT_WITHDRAWN, about=listed_mentor)
    assert withdrawn.staff_id == manager.pk
    saved = entries(Kind.MENTOR_SAVED, about=listed_mentor)[-1]
    assert listed_mentor.name not in str(saved.detail) and "oksana@" not in str(saved.detail)


def test_an_inactive_mentor_is_not_listed_even_with_consent(network, listed_mentor, central, manager):
    details = career.MentorDetails(kind=MentorKind.MENTOR, name=listed_mentor.name, branches=[central],
                                   is_active=False)
    career.save_mentor(listed_mentor, network=network, details=details, actor=Actor.for_staff(manager), at=AT)
    listed_mentor.refresh_from_db()
    assert listed_mentor.public_consent_at == AT  # consent untouched when not asked to change
    assert public_mentors(network) == []


@pytest.mark.parametrize(
    ("preference", "email", "phone"),
    [
        (ContactPreference.LIBRARY, "", ""),
        (ContactPreference.EMAIL, "oksana@example.org", ""),
        (ContactPreference.PHONE, "", "+380 67 111 11 11"),
        (ContactPreference.ANY, "oksana@example.org", "+380 67 111 11 11"),
    ],
)
def test_only_the_contact_details_a_mentor_chose_are_shown(listed_mentor, preference, email, phone):
    listed_mentor.contact_preference = preference
    assert (listed_mentor.public_email, listed_mentor.public_phone) == (email, phone)


def test_a_signed_in_patron_requests_mentoring_and_is_answered_in_their_language(
    central, reader, listed_mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = career.request_mentoring(branch=central, topic=Topic.START, patron=reader,
                                           message="I want to open a bakery", wished_mentor=listed_mentor,
                                           actor=Actor.for_patron(reader), at=AT)
    assert (request.name, request.email, request.language) == ("Iryna Kovalenko", "iryna@example.org", "uk")
    assert request.status == RequestStatus.NEW
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["iryna@example.org"]
    [entry] = entries(Kind.MENTORING_REQUESTED, about=request)
    assert entry.detail["patron"] is True
    # Asking for a mentor is using a service: online, about the patron, never the message.
    assert (entry.channel, entry.actor, entry.patron_id, entry.branch_id) == (
        Channel.ONLINE, "patron", reader.pk, central.pk)
    assert "bakery" not in str(entry.detail)


def test_a_guest_needs_a_name_and_an_e_mail_address(central):
    with pytest.raises(ValidationError):
        career.request_mentoring(branch=central, topic=Topic.JOBS, message="Help", actor=Actor.for_public(), at=AT)


def test_nobody_can_ask_for_a_mentor_who_is_not_listed(central, private_mentor, listed_mentor, manager, network):
    with pytest.raises(CommunityRefused) as refused:
        career.request_mentoring(branch=central, topic=Topic.START, message="Help", name="A", email="a@example.org",
                                 wished_mentor=private_mentor, actor=Actor.for_public(), at=AT)
    assert refused.value.reasons == [Reason.MENTOR_NOT_LISTED]
    details = career.MentorDetails(kind=MentorKind.MENTOR, name=listed_mentor.name, branches=[central],
                                   takes_requests=False)
    listed = career.save_mentor(listed_mentor, network=network, details=details, actor=Actor.for_staff(manager), at=AT)
    with pytest.raises(CommunityRefused) as refused:
        career.request_mentoring(branch=central, topic=Topic.START, message="Help", name="A", email="a@example.org",
                                 wished_mentor=listed, actor=Actor.for_public(), at=AT)
    assert refused.value.reasons == [Reason.MENTOR_NOT_TAKING_REQUESTS]


def test_staff_match_log_and_close_requests_in_order(central, listed_mentor, private_mentor, central_librarian,
                                                     django_capture_on_commit_callbacks):
    request = career.request_mentoring(branch=central, topic=Topic.START, message="Help", name="Guest",
                                       email="guest@example.org", language="vi", actor=Actor.for_public(), at=AT)
    with pytest.raises(CommunityRefused) as refused:
        career.log_meeting(request, outcome="?", actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.REQUEST_NOT_MATCHED]

    # A mentor not listed publicly can still be matched by staff; her e-mail is not passed on.
    with django_capture_on_commit_callbacks(execute=True):
        career.match_request(request, mentor=private_mentor, appointment_at=local(2026, 12, 8, 15),
                             actor=Actor.for_staff(central_librarian), at=AT)
    assert "taras@example.org" not in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        career.match_request(request, mentor=listed_mentor, appointment_at=local(2026, 12, 9, 15),
                             actor=Actor.for_staff(central_librarian), at=AT)
    assert "oksana@example.org" in mail.outbox[-1].body  # she shares her e-mail
    assert "+380 67" not in mail.outbox[-1].body  # but not her phone

    request = career.log_meeting(request, outcome="Business plan drafted", actor=Actor.for_staff(central_librarian), at=AT)
    assert request.status == RequestStatus.MET and request.mentor == listed_mentor
    with pytest.raises(CommunityRefused) as refused:
        career.close_request(request, actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.REQUEST_FINISHED]
    kinds = list(Entry.objects.filter(domain="community", branch_id=central.pk).order_by("pk")
                 .values_list("kind", flat=True))
    assert kinds == [Kind.MENTORING_REQUESTED.code, Kind.MENTORING_MATCHED.code,
                     Kind.MENTORING_MATCHED.code, Kind.MENTORING_LOGGED.code]
    assert {(e.actor, e.patron_id) for e in entries(about=request)} - {("public", None)} == {("staff", None)}


def test_an_inactive_mentor_cannot_be_matched(central, listed_mentor, network, manager, central_librarian):
    request = career.request_mentoring(branch=central, topic=Topic.JOBS, message="Help", name="G",
                                       email="g@example.org", actor=Actor.for_public(), at=AT)
    details = career.MentorDetails(kind=MentorKind.MENTOR, name="x", branches=[central], is_active=False)
    career.save_mentor(listed_mentor, network=network, details=details, actor=Actor.for_staff(manager), at=AT)
    with pytest.raises(CommunityRefused) as refused:
        career.match_request(request, mentor=listed_mentor, appointment_at=AT, actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.MENTOR_INACTIVE]
