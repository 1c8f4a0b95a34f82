"""The day after which a reader no longer needs a title: set when placing a hold from the
record page, shown on "My holds" and changed there while the hold waits."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bibliohub.circulation import services
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_reader_says_when_she_no_longer_needs_a_title(
    signed_in, reader, other_reader, make_item, lend, central
):
    item = make_item("Solaris")
    lend(other_reader, item)
    record_page = signed_in.get(reverse("web:record", args=[item.record_id])).content.decode()
    assert 'name="not_needed_after"' in record_page
    day = timezone.localdate() + timedelta(days=30)
    signed_in.post(
        reverse("portal:place-hold", args=[item.record_id]),
        {"pickup_branch": central.pk, "not_needed_after": day.isoformat()},
    )
    hold = reader.holds.get()
    assert hold.not_needed_after == day
    page = signed_in.get(reverse("portal:holds")).content.decode()
    assert "Not needed after" in page and f'value="{day.isoformat()}"' in page


def test_a_day_in_the_past_is_refused_in_words(signed_in, reader, make_item, central):
    item = make_item("Solaris")
    response = signed_in.post(
        reverse("portal:place-hold", args=[item.record_id]),
        {"pickup_branch": central.pk, "not_needed_after": "2001-01-01"},
        follow=True,
    )
    assert "has already passed" in _messages(response)
    assert not reader.holds.exists()


def test_the_day_is_changed_and_cleared_on_my_holds(
    signed_in, reader, other_reader, make_item, lend, central
):
    item = make_item("Solaris")
    lend(other_reader, item)
    hold = services.place_hold(
        patron=reader, record=item.record, pickup_branch=central, actor=Actor.for_patron(reader), at=timezone.now()
    )
    day = timezone.localdate() + timedelta(days=10)
    url = reverse("portal:change-not-needed-after", args=[hold.pk])
    response = signed_in.post(
        url, {f"date-{hold.pk}-not_needed_after": day.isoformat()}, follow=True
    )
    hold.refresh_from_db()
    assert hold.not_needed_after == day
    assert "You will wait for “Solaris” until" in _messages(response)
    signed_in.post(url, {f"date-{hold.pk}-not_needed_after": ""})
    hold.refresh_from_db()
    assert hold.not_needed_after is None
    changes = Entry.objects.filter(kind="hold_changed", object_type="circulation.hold", object_id=hold.pk)
    assert changes.count() == 2 and all(
        e.staff_id is None and e.channel == Channel.ONLINE for e in changes
    )


def test_a_reader_cannot_change_someone_elses_hold(signed_in, other_reader, make_item, central):
    item = make_item()
    hold = services.place_hold(
        patron=other_reader, record=item.record, pickup_branch=central, actor=Actor.for_patron(other_reader),
        at=timezone.now(),
    )  # fmt: skip
    url = reverse("portal:change-not-needed-after", args=[hold.pk])
    assert (
        signed_in.post(url, {f"date-{hold.pk}-not_needed_after": "2099-01-01"}).status_code == 404
    )
