"""The services: a complaint from its number to its closing, deadlines, walls, overdue
warnings, and what the history keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bibliohub.accounts.access import NotPermitted
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.listening import kinds, services
from bibliohub.listening.errors import FeedbackReason, FeedbackRefused
from bibliohub.listening.models import Feedback, FeedbackChannel, FeedbackState
from tests.listening.conftest import AT, submit


def _kinds(item: Feedback) -> list[str]:
    return list(
        Entry.objects.filter(domain="listening", object_id=item.pk).order_by("pk").values_list(
            "kind", flat=True
        )
    )


def test_a_complaint_goes_from_its_number_to_its_closing_and_back(
    central, central_librarian, mailoutbox, django_capture_on_commit_callbacks
):
    staff = Actor.for_staff(central_librarian)
    with django_capture_on_commit_callbacks(execute=True):
        item = submit(central, email="reader@example.org")
    assert item.number == "2026-0001"
    assert item.state == FeedbackState.ACKNOWLEDGED  # an e-mail was given: acknowledged at once
    assert item.deadline == AT + timedelta(days=30)
    assert len(mailoutbox) == 1 and "2026-0001" in mailoutbox[0].subject
    assert "2026-0001" in mailoutbox[0].body

    services.assess(item, no_extra_study=False, topic="building", actor=staff, at=AT)
    services.assign(item, assignee=central_librarian, actor=staff, at=AT)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(item, text="We open on Sundays from January.", actor=staff,
                        at=AT + timedelta(days=3))
    item.refresh_from_db()
    assert item.state == FeedbackState.ANSWERED and item.answer_sent_at is not None
    assert len(mailoutbox) == 2 and "We open on Sundays from January." in mailoutbox[1].body
    services.close(item, actor=staff, at=AT + timedelta(days=4))
    services.reopen(item, actor=staff, at=AT + timedelta(days=5))
    item.refresh_from_db()
    assert item.state == FeedbackState.ASSIGNED and item.reopened == 1
    assert item.deadline == AT + timedelta(days=35)
    assert _kinds(item) == [
        "submitted", "acknowledged", "assessed", "assigned", "answered", "closed", "reopened",
    ]
    answered = Entry.objects.get(domain="listening", kind=kinds.ANSWERED.code)
    assert answered.staff_id == central_librarian.pk and answered.channel == "desk"
    assert answered.detail == {"number": "2026-0001", "mailed": True, "in_time": True}


def test_the_answer_is_mailed_to_the_person_who_wrote(
    central, central_librarian, mailoutbox, django_capture_on_commit_callbacks
):
    staff = Actor.for_staff(central_librarian)
    with django_capture_on_commit_callbacks(execute=True):
        item = submit(central, email="czytelnik@example.org", language="pl")
        services.answer(item, text="Dziękujemy.", actor=staff, at=AT)
    assert mailoutbox[1].to == ["czytelnik@example.org"]
    assert "Dziękujemy." in mailoutbox[1].body and "2026-0001" in mailoutbox[1].subject


def test_numbers_follow_each_other_in_a_network(central, riverside):
    assert [submit(b).number for b in (central, riverside, central)] == [
        "2026-0001", "2026-0002", "2026-0003",
    ]


def test_the_deadline_is_a_month_or_15_days_without_extra_study(central, central_librarian):
    staff = Actor.for_staff(central_librarian)
    slow, quick = submit(central), submit(central)
    slow = services.assess(slow, no_extra_study=False, actor=staff, at=AT + timedelta(days=1))
    quick = services.assess(quick, no_extra_study=True, actor=staff, at=AT + timedelta(days=1))
    assert slow.deadline == AT + timedelta(days=30)
    assert quick.deadline == AT + timedelta(days=15)


def test_the_network_sets_its_own_deadlines(network, central, manager):
    services.save_settings(network=network, response_days=20, quick_response_days=10,
                           actor=Actor.for_staff(manager), at=AT)
    item = submit(central)
    assert item.deadline == AT + timedelta(days=20)


def test_without_an_e_mail_nothing_is_acknowledged_or_mailed(central, mailoutbox):
    item = submit(central)
    assert item.state == FeedbackState.RECEIVED and mailoutbox == []


def test_an_anonymous_submission_stores_no_contact(central):
    item = submit(central)
    item.refresh_from_db()
    assert (item.contact_name, item.contact_email, item.contact_phone) == ("", "", "")
    entry = Entry.objects.get(domain="listening", kind="submitted")
    assert entry.detail["contact"] is False and entry.patron_id is None


def test_the_history_keeps_no_text_and_no_contact(central, central_librarian):
    item = submit(central, email="reader@example.org", contact_name="Olha Petrenko",
                  contact_phone="+380501234567")
    services.answer(item, text="Secret answer", actor=Actor.for_staff(central_librarian), at=AT)
    for entry in Entry.objects.filter(domain="listening"):
        text = str(entry.detail)
        for private in ("reader@example.org", "Olha", "+380", "Sundays", "Secret"):
            assert private not in text


def test_closing_needs_an_answer_when_there_is_a_contact(central, central_librarian):
    staff = Actor.for_staff(central_librarian)
    with pytest.raises(FeedbackRefused) as refused:
        services.close(submit(central, contact_phone="+380501234567"), actor=staff, at=AT)
    assert refused.value.codes == ["not_answered"]
    anonymous = services.close(submit(central), actor=staff, at=AT)
    assert anonymous.state == FeedbackState.CLOSED


def test_a_step_out_of_turn_is_refused(central, central_librarian):
    staff = Actor.for_staff(central_librarian)
    item = submit(central)
    with pytest.raises(FeedbackRefused) as refused:
        services.reopen(item, actor=staff, at=AT)
    assert refused.value.reasons == [FeedbackReason.WRONG_STATE]
    with pytest.raises(FeedbackRefused):
        services.assign(item, assignee=central_librarian, actor=staff, at=AT)


def test_a_librarian_handles_only_her_branchs_items(central, riverside, central_librarian,
                                                    riverside_librarian):
    item = submit(riverside)
    with pytest.raises(NotPermitted):
        services.acknowledge(item, actor=Actor.for_staff(central_librarian), at=AT)
    with pytest.raises(NotPermitted):
        submit(riverside, channel=FeedbackChannel.SPOKEN, actor=Actor.for_staff(central_librarian))
    services.assess(item, no_extra_study=True, actor=Actor.for_staff(riverside_librarian), at=AT)
    with pytest.raises(FeedbackRefused) as refused:
        services.assign(item, assignee=central_librarian,
                        actor=Actor.for_staff(riverside_librarian), at=AT)
    assert refused.value.codes == ["assignee_not_of_branch"]


def test_a_bad_attachment_is_refused_with_a_clear_reason(central):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(FeedbackRefused) as refused:
        submit(central, attachment=SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10))
    assert refused.value.fields == {"attachment": [FeedbackReason.ATTACHMENT_TYPE]}
    assert Feedback.objects.count() == 0
    photo = submit(central, attachment=SimpleUploadedFile("wall.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50))
    assert photo.attachment.name.endswith(".png")


def test_an_attachment_too_large_is_refused(central, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FEEDBACK_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(FeedbackRefused) as refused:
        submit(central, attachment=SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * 200))
    assert refused.value.codes == ["attachment_too_large"]


def test_the_form_is_rate_limited_per_address(central, settings):
    settings.FEEDBACK_PER_PLACE = 2
    submit(central, place="203.0.113.5")
    submit(central, place="203.0.113.5")
    with pytest.raises(FeedbackRefused) as refused:
        submit(central, place="203.0.113.5")
    assert refused.value.codes == ["too_many"]
    submit(central, place="198.51.100.7")  # another address is not held back
    submit(central, place="203.0.113.5", at=AT + timedelta(minutes=61))  # a new window


def test_overdue_items_warn_the_assignee_and_the_manager_once_a_day(
    central, central_librarian, manager, mailoutbox, django_capture_on_commit_callbacks
):
    central_librarian.email = "olena@example.org"
    central_librarian.save()
    manager.email = "manager@example.org"
    manager.save()
    services.set_branch_manager(branch=central, user=manager, actor=Actor.for_staff(manager), at=AT)
    staff = Actor.for_staff(central_librarian)
    item = submit(central)
    services.assess(item, no_extra_study=True, actor=staff, at=AT)
    services.assign(item, assignee=central_librarian, actor=staff, at=AT)
    answered = submit(central)
    services.answer(answered, text="Done.", actor=staff, at=AT)
    job = Actor.for_job("feedback_overdue")

    assert services.warn_overdue(actor=job, at=AT + timedelta(days=14)) == 0
    late = AT + timedelta(days=15, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_overdue(actor=job, at=late) == 1
        assert services.warn_overdue(actor=job, at=late + timedelta(hours=2)) == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["manager@example.org", "olena@example.org"]
    assert services.warn_overdue(actor=job, at=late + timedelta(days=1)) == 1
    warned = Entry.objects.filter(domain="listening", kind=kinds.OVERDUE_WARNED.code)
    assert warned.count() == 2 and warned[0].channel == "job"


def test_an_administrator_sets_the_deadlines_through_the_service(client, network, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        "/admin/listening/listeningsettings/add/",
        {"network": network.pk, "response_days": 25, "quick_response_days": 12},
    )
    assert response.status_code == 302
    assert services.settings_for(network).response_days == 25
    entry = Entry.objects.get(domain="listening", kind=kinds.SETTINGS_SAVED.code)
    assert entry.channel == "admin" and entry.detail == {"response_days": 25, "quick_response_days": 12}


def test_the_acknowledgement_is_written_in_the_persons_language(
    central, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(central, email="reader@example.org", language="uk")
    # The date the answer is due, as a Ukrainian reader writes it.
    assert "31 грудня 2026" in mailoutbox[0].body
