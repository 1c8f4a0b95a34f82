"""The pages: "suggest we buy this" from an empty search and a title's page, the portal's
form and list, the count of a search that found nothing, the staff list (filtered, CSV,
XLSX, within one's branches), the desk forms, a suggestion's steps and the report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.demand import services
from bibliohub.demand.models import Suggestion, SuggestionState, TitleRequest, ZeroResultSearch
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.portal import session
from tests.demand.conftest import AT


def sign_in(client, patron):
    stored = client.session
    stored[session.PATRON_ID] = patron.pk
    stored[session.PIN_HASH] = session._pin_hash(patron)
    stored.save()
    return client


def test_an_empty_search_offers_to_suggest_it_and_is_counted_without_identity(client, central, lan):
    sign_in(client, lan)
    response = client.get(reverse("web:search"), {"q": "Nỗi buồn chiến tranh"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'{reverse("demand:suggest")}?title=N%E1%BB%97i' in page
    found = ZeroResultSearch.objects.get()
    assert (found.text, found.count) == ("noi buon chien tranh", 1)
    entry = Entry.objects.get(domain="demand", kind="zero_result_search")
    assert entry.patron_id is None and entry.actor == "public" and entry.pseudonym == ""


def test_paging_and_refining_an_empty_search_do_not_count_again(client, central):
    client.get(reverse("web:search"), {"q": "nothing here"})
    client.get(reverse("web:search"), {"q": "nothing here", "page": "2"})
    client.get(reverse("web:search"), {"q": "nothing here"}, headers={"HX-Request": "true"})
    assert ZeroResultSearch.objects.get().count == 1


def test_a_titles_page_offers_to_suggest_more_copies(client, make_item):
    copy = make_item()
    page = client.get(reverse("web:record", args=[copy.record_id])).content.decode()
    assert f'{reverse("demand:suggest")}?record={copy.record_id}' in page


def test_suggesting_needs_signing_in(client, central):
    response = client.get(reverse("demand:suggest"), {"title": "Kamena"})
    assert response.status_code == 302 and reverse("portal:sign-in") in response["Location"]


def test_a_patron_suggests_from_the_form_and_sees_it_in_their_list(client, central, lan):
    sign_in(client, lan)
    form = client.get(reverse("demand:suggest"), {"title": "Kamena"})
    assert 'value="Kamena"' in form.content.decode()
    response = client.post(reverse("demand:suggest"), {
        "title": "Kamena", "author": "Lesya Ukrainka", "isbn": "", "format": "book",
        "language": "ukr", "reason": "", "branch": central.pk, "wants_hold": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("demand:mine")
    suggestion = Suggestion.objects.get()
    assert suggestion.patron == lan and suggestion.channel == "online" and suggestion.wants_hold
    listing = client.get(reverse("demand:mine")).content.decode()
    assert "Kamena" in listing and "New" in listing


def test_a_wrong_isbn_is_shown_next_to_its_field(client, central, lan):
    sign_in(client, lan)
    response = client.post(reverse("demand:suggest"), {
        "title": "Kamena", "isbn": "978-0-306-40615-8", "format": "book", "branch": central.pk,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["isbn"] == [
        "This ISBN's last digit does not match: check it for a typing error."
    ]
    assert not Suggestion.objects.exists()


def test_a_suggestion_from_a_titles_page_keeps_the_title(client, central, lan, make_item):
    copy = make_item()
    sign_in(client, lan)
    client.post(reverse("demand:suggest") + f"?record={copy.record_id}", {
        "title": "", "format": "book", "branch": central.pk, "record": copy.record_id,
    })
    suggestion = Suggestion.objects.get()
    assert suggestion.record_id == copy.record_id and suggestion.title == copy.record.title


@pytest.fixture
def two_suggestions(central, riverside, lan, central_librarian, riverside_librarian):
    ours = services.suggest(branch=central, patron=lan, title="Kamena",
                            actor=Actor.for_patron(lan), at=AT)
    theirs = services.suggest(branch=riverside, title="Haidamaky",
                              actor=Actor.for_staff(riverside_librarian), at=AT)
    return ours, theirs


def test_the_staff_list_shows_ones_own_branches_and_downloads(
    client, central_librarian, two_suggestions
):
    client.force_login(central_librarian)
    page = client.get(reverse("staff:demand:list")).content.decode()
    assert "Kamena" in page and "Haidamaky" not in page
    csv = client.get(reverse("staff:demand:list"), {"format": "csv"})
    assert csv.status_code == 200 and "Kamena" in csv.content.decode("utf-8-sig")
    assert "Nguyễn" not in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("staff:demand:list"), {"format": "xlsx", "state": "new"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    filtered = client.get(reverse("staff:demand:list"), {"state": "accepted"}).content.decode()
    assert "Kamena" not in filtered


def test_staff_take_a_suggestion_through_its_steps(client, central_librarian, two_suggestions, make_item):
    ours, theirs = two_suggestions
    client.force_login(central_librarian)
    act = lambda action, **data: client.post(  # noqa: E731
        reverse("staff:demand:act", kwargs={"pk": ours.pk, "action": action}), data
    )
    assert act("accept").status_code == 302
    assert act("order").status_code == 302
    assert act("receive", record="999999").status_code == 400
    copy = make_item()
    assert act("receive", record=str(copy.record_id)).status_code == 302
    ours.refresh_from_db()
    assert ours.state == SuggestionState.RECEIVED and ours.hold_id is not None
    other = client.post(reverse("staff:demand:act", kwargs={"pk": theirs.pk, "action": "accept"}))
    assert other.status_code == 403


def test_declining_needs_a_reason_on_the_page(client, central_librarian, two_suggestions):
    ours, _theirs = two_suggestions
    client.force_login(central_librarian)
    url = reverse("staff:demand:act", kwargs={"pk": ours.pk, "action": "decline"})
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "out_of_scope", "note": ""}).status_code == 302
    ours.refresh_from_db()
    assert ours.state == SuggestionState.DECLINED


def test_the_desk_records_a_suggestion_for_a_patron_by_card(client, central, central_librarian, lan):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:demand:new"), {
        "card": "P0201", "title": "Kamena", "format": "book", "branch": central.pk,
        "wants_hold": "on",
    })
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.patron == lan and suggestion.channel == "desk"
    unknown = client.post(reverse("staff:demand:new"), {
        "card": "NOPE", "title": "Kamena", "format": "book", "branch": central.pk,
    })
    assert unknown.status_code == 200 and "card" in unknown.context["form"].errors


def test_the_desk_records_a_title_not_held(client, central, central_librarian):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:demand:request"), {
        "branch": central.pk, "isbn": "", "title": "Kamena", "author": "", "subject": "Drama",
    })
    assert response.status_code == 302
    assert TitleRequest.objects.get().subject == "Drama"
    empty = client.post(reverse("staff:demand:request"), {"branch": central.pk})
    assert empty.status_code == 200 and empty.context["form"].non_field_errors()


def test_the_report_shows_the_titles_most_asked_for(client, central_librarian, manager, two_suggestions):
    client.force_login(central_librarian)
    page = client.get(reverse("staff:demand:report"), {"start": "2026-12-01", "end": "2026-12-31"})
    text = page.content.decode()
    assert page.status_code == 200 and "Kamena" in text and "Haidamaky" not in text
    assert "Searches that found nothing" not in text
    client.force_login(manager)
    text = client.get(reverse("staff:demand:report"), {"start": "2026-12-01", "end": "2026-12-31"}).content.decode()
    assert "Haidamaky" in text and "Searches that found nothing" in text
