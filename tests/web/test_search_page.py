"""The results page end to end through the search service and its index."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from bibliohub.catalog.models import ItemStatus
from bibliohub.search.indexing import index_records
from bibliohub.search.types import SearchQuery, SearchResult
from tests.web.builders import add_items, make_record

pytestmark = pytest.mark.django_db


def _many(central, book_type, n: int, title: str = "Garden") -> None:
    records = [make_record(title=f"{title} {i:02d}", year=1990 + i % 20) for i in range(n)]
    for record in records:
        add_items(record, central, book_type)
    index_records(r.pk for r in records)


def test_a_search_without_accents_finds_the_vietnamese_title(client, indexed):
    response = client.get("/search/", {"q": "duong kach menh"})
    assert response.status_code == 200
    html = response.content.decode()
    record = indexed[0]
    assert f'<a href="/record/{record.pk}/" lang="vi">Đường Kách Mệnh</a>' in html
    assert "Hồ Chí Minh" in html and "1927" in html and "Vietnamese" in html and "Book" in html
    assert "2 of 3 available at Central Library" in html
    assert "0 of 1 available at Riverside Branch" in html
    assert "1 result" in html


def test_a_two_character_chinese_query_finds_the_novel(client, indexed):
    html = client.get("/search/", {"q": "红楼"}).content.decode()
    assert f'<a href="/record/{indexed[1].pk}/" lang="zh">红楼梦</a>' in html


def test_facets_are_checkbox_groups_in_a_form_with_a_submit_button(client, indexed):
    html = client.get("/search/", {"availability": "available"}).content.decode()
    form = html[html.index('<form id="refine"') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form and 'action="/search/"' in form
    assert "<legend>Language</legend>" in form and "<legend>Library</legend>" in form
    assert re.search(
        r'<input type="checkbox" id="f-language-vie" name="language" value="vie">', form
    )
    assert re.search(
        r'id="f-availability-available" name="availability" value="available" checked', form
    )
    assert '<button type="submit">Apply</button>' in form
    assert 'hx-push-url="true"' in form


def test_a_picked_facet_value_filters_and_stays_checked(client, indexed):
    html = client.get("/search/", {"q": "", "language": "chi"}).content.decode()
    assert "红楼梦" in html and "Đường Kách Mệnh" not in html
    assert 'name="language" value="chi" checked' in html
    assert "Clear all filters" in html


def test_the_sort_select_keeps_the_readers_choice(client, indexed):
    html = client.get("/search/", {"availability": "available", "sort": "title"}).content.decode()
    assert '<option value="title" selected>' in html
    html = client.get(
        "/search/", {"availability": "available", "sort": "nonsense"}
    ).content.decode()
    assert '<option value="relevance" selected>' in html


def test_results_are_paged_with_rel_prev_and_next_keeping_the_query(client, central, book_type):
    _many(central, book_type, 45)
    first = client.get("/search/", {"q": "garden", "format": "book"}).content.decode()
    assert first.count('class="hit"') == 20
    assert '<link rel="next" href="?q=garden&amp;format=book&amp;page=2">' in first
    assert "Page 1 of 3" in first
    last = client.get("/search/", {"q": "garden", "format": "book", "page": 3}).content.decode()
    assert last.count('class="hit"') == 5
    assert '<ol class="hits" start="41">' in last
    assert 'rel="prev" href="?q=garden&amp;format=book&amp;page=2"' in last
    assert 'rel="next"' not in last


def test_an_approximate_total_is_said_so(client, central, book_type, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    _many(central, book_type, 8)
    html = client.get("/search/", {"q": "garden"}).content.decode()
    assert "About 5 results — the total is approximate" in html


def test_an_exact_total_is_not_called_approximate(client, central, book_type):
    _many(central, book_type, 8)
    html = client.get("/search/", {"q": "garden"}).content.decode()
    assert "8 results" in html and "approximate" not in html


def test_nothing_found_gives_friendly_suggestions(client, indexed):
    html = client.get("/search/", {"q": "zzyzx", "field": "author"}).content.decode()
    assert "Nothing found for “zzyzx”." in html
    assert "Search everywhere, not just one field" in html
    assert "/new/" in html


def test_an_empty_search_asks_for_words_without_searching(client, central):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Type a title, an author, a subject or an ISBN" in response.content.decode()


def test_author_links_from_a_record_find_the_authors_books(client, indexed):
    html = client.get("/search/", {"q": "Hồ Chí Minh", "field": "author"}).content.decode()
    assert "Đường Kách Mệnh" in html
    assert '<option value="author" selected>' in html


def test_results_announce_their_count_to_screen_readers(client, indexed):
    html = client.get("/search/", {"q": "duong"}, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(
        r'<p id="results-status"[^>]*role="status" aria-live="polite">1 result</p>', html
    )
    assert 'hx-select-oob="#results-status:innerHTML"' in html


def test_the_page_reflects_item_status_after_reindexing(client, indexed, central):
    record = indexed[2]  # Kobzar, on loan at Riverside
    record.items.update(status=ItemStatus.AVAILABLE)
    index_records([record.pk])
    html = client.get("/search/", {"q": "kobzar"}).content.decode()
    assert "1 of 1 available at Riverside Branch" in html


def test_the_results_page_does_a_bounded_number_of_queries(
    client, central, riverside, book_type, django_assert_max_num_queries
):
    _many(central, book_type, 3, title="Lighthouse")
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "lighthouse", "availability": "available"})
    _many(riverside, book_type, 30, title="Lighthouse")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(
            "/search/", {"q": "lighthouse", "availability": "available"}
        ).content.decode()
    assert html.count('class="hit"') == 20
    assert len(few.captured_queries) <= 15


@pytest.mark.parametrize(
    ("total", "exact", "text"),
    [
        (1, True, "1 result"),
        (12345, True, "12,345 results"),
        (10000, False, "About 10,000 results — the total is approximate"),
    ],
)
def test_totals_are_written_for_people(total, exact, text):
    result = SearchResult(
        total=total, total_is_exact=exact, hits=[], facets={}, query=SearchQuery()
    )
    assert render_to_string("web/_result_count.html", {"result": result}) == text


@pytest.mark.parametrize(
    "text", ['"unclosed', "author:", "*", "))", "a AND", "NEAR(a b)", "nul\x00byte", "💡"]
)
def test_odd_queries_from_hand_made_urls_get_a_page_not_an_error(client, indexed, text):
    response = client.get("/search/", {"q": text, "year": "abc", "language": "x\x00y"})
    assert response.status_code == 200


def test_control_characters_in_new_arrivals_filters_are_ignored(client, indexed):
    assert client.get("/new/", {"language": "\x00vi", "branch": "\x00"}).status_code == 200
