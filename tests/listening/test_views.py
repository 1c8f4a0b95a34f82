"""The pages: the public form (honeypot, flood limit, a message per field, the number at
once), the desk form, the staff list within one's branches, and "you said, we did"."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.listening import services
from bibliohub.listening.models import Feedback, FeedbackState
from tests.listening.conftest import AT, submit


def _form(central, **given):
    return {
        "kind": "suggestion", "topic": "collection", "branch": central.pk,
        "text": "More graphic novels, please.", "language": "vi",
    } | given


def test_anyone_sends_a_suggestion_and_gets_its_number_at_once(client, central):
    response = client.post(reverse("listening:feedback"), _form(central), follow=True)
    assert response.status_code == 200
    item = Feedback.objects.get()
    assert item.number in response.content.decode()
    assert item.channel == "form" and not item.has_contact and item.language == "vi"


def test_each_wrong_field_gets_its_own_message(client, central):
    response = client.post(
        reverse("listening:feedback"), _form(central, text="", contact_email="not an address")
    )
    page = response.content.decode()
    assert response.status_code == 200 and Feedback.objects.count() == 0
    assert "Please tell us what it is about." in page
    assert "Enter an e-mail address like name@example.org" in page


def test_a_bad_attachment_is_refused_next_to_its_field(client, central):
    upload = SimpleUploadedFile("notes.docx", b"PK\x03\x04rest")
    response = client.post(reverse("listening:feedback"), _form(central, attachment=upload))
    assert Feedback.objects.count() == 0
    assert 'id="id_attachment_errors"' in response.content.decode()
    assert "Attach a photo (JPEG or PNG) or a PDF document" in response.content.decode()


def test_a_filled_honeypot_stores_nothing_and_says_nothing(client, central):
    response = client.post(reverse("listening:feedback"), _form(central, website="http://spam"))
    assert response.status_code == 302 and Feedback.objects.count() == 0


def test_too_many_messages_from_one_address_are_held_back(client, central, settings):
    settings.FEEDBACK_PER_PLACE = 1
    client.post(reverse("listening:feedback"), _form(central))
    response = client.post(reverse("listening:feedback"), _form(central))
    assert Feedback.objects.count() == 1
    assert "Too many messages have been sent from here." in response.content.decode()


def test_the_published_page_shows_only_published_summaries(client, central, central_librarian):
    staff = Actor.for_staff(central_librarian)
    shown = submit(central, text="Private words about a person")
    services.answer(shown, text="Private answer", actor=staff, at=AT)
    services.publish(shown, publish=True, summary="Longer hours on Saturdays.", actor=staff, at=AT)
    answered = submit(central, text="Hidden text")
    services.answer(answered, text="Hidden answer", actor=staff, at=AT)
    page = client.get(reverse("listening:published")).content.decode()
    assert "Longer hours on Saturdays." in page
    for private in ("Private", "Hidden"):
        assert private not in page


def test_only_answered_items_are_published_and_with_a_summary(central, central_librarian):
    from bibliohub.listening.errors import FeedbackRefused

    staff = Actor.for_staff(central_librarian)
    item = submit(central)
    with pytest.raises(FeedbackRefused):
        services.publish(item, publish=True, summary="Soon", actor=staff, at=AT)
    services.answer(item, text="Done", actor=staff, at=AT)
    with pytest.raises(FeedbackRefused) as refused:
        services.publish(item, publish=True, summary=" ", actor=staff, at=AT)
    assert refused.value.codes == ["empty_summary"]


def test_the_desk_records_a_spoken_complaint_and_handles_it(client, central, central_librarian):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:listening:new"), _form(
        central, channel="spoken", kind="complaint", topic="staff", language="pl",
        contact_email="anna@example.org",
    ))
    item = Feedback.objects.get()
    assert response.status_code == 302 and item.channel == "spoken"
    assert item.received_by == central_librarian
    act = lambda action, **data: client.post(  # noqa: E731
        reverse("staff:listening:act", kwargs={"pk": item.pk, "action": action}), data
    )
    assert act("assess", topic="staff", no_extra_study="on").status_code == 302
    assert act("assign", assignee=central_librarian.pk).status_code == 302
    assert act("answer", text="Przepraszamy.").status_code == 302
    assert act("close").status_code == 302
    item.refresh_from_db()
    assert item.state == FeedbackState.CLOSED
    detail = client.get(reverse("staff:listening:detail", kwargs={"pk": item.pk}))
    assert "Przepraszamy." in detail.content.decode()


def test_the_staff_list_holds_only_ones_branches_and_filters(
    client, central, riverside, central_librarian
):
    mine, theirs = submit(central, kind="thanks"), submit(riverside)
    client.force_login(central_librarian)
    page = client.get(reverse("staff:listening:list")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert 'class="reflow"' in page
    filtered = client.get(reverse("staff:listening:list"), {"kind": "complaint"}).content.decode()
    assert mine.number not in filtered
    with time_machine.travel(AT + timedelta(days=1), tick=False):  # received yesterday
        overdue = client.get(reverse("staff:listening:list"), {"overdue": "on"}).content.decode()
    assert mine.number not in overdue
    with time_machine.travel(AT + timedelta(days=31), tick=False):  # due 30 days after
        client.force_login(central_librarian)  # a new sign-in: the old one has expired
        overdue = client.get(reverse("staff:listening:list"), {"overdue": "on"}).content.decode()
    assert mine.number in overdue
    client.force_login(central_librarian)  # back at today's clock, the travelled sign-in is stale
    other = client.get(reverse("staff:listening:detail", kwargs={"pk": theirs.pk}))
    assert other.status_code == 403


def test_the_list_downloads_without_texts_or_contacts(client, central, riverside, central_librarian):
    mine = submit(central, email="reader@example.org", text="The heating is off")
    theirs = submit(riverside)
    client.force_login(central_librarian)
    response = client.get(reverse("staff:listening:list"), {"format": "csv"})
    content = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert mine.number in content and theirs.number not in content
    assert "reader@example.org" not in content and "heating" not in content
    xlsx = client.get(reverse("staff:listening:list"), {"format": "xlsx", "kind": "complaint"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_only_staff_of_the_branch_can_be_assigned(central, central_librarian, riverside_librarian):
    from bibliohub.accounts.models import Role, User
    from bibliohub.listening import selectors

    monitor = User.objects.create_user(username="monitor", role=Role.MONITORING)
    monitor.branches.set([central])
    choices = set(selectors.assignable(submit(central)))
    assert central_librarian in choices
    assert riverside_librarian not in choices and monitor not in choices
