"""The public pages that do not need the search index: home, record, export, new arrivals,
errors and the language of the interface."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pymarc
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from bibliohub.catalog.models import ItemStatus, Record
from bibliohub.libraries.models import CalendarException
from tests.web.builders import add_items, make_record

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")


def test_home_lists_new_records_with_a_copy_on_the_shelf(
    client, duong_kach_menh, hong_lou_meng, all_on_loan
):
    html = client.get("/").content.decode()
    assert "Đường Kách Mệnh" in html
    assert "红楼梦" in html
    assert "Kobzar" not in html  # its only copy is on loan
    assert html.index("红楼梦") < html.index("Đường Kách Mệnh")  # newest first


def test_home_marks_catalogue_data_with_its_language(client, duong_kach_menh, hong_lou_meng):
    html = client.get("/").content.decode()
    assert f'<a href="/record/{hong_lou_meng.pk}/" lang="zh">红楼梦</a>' in html
    assert f'<a href="/record/{duong_kach_menh.pk}/" lang="vi">Đường Kách Mệnh</a>' in html


def test_home_shows_each_branch_with_todays_hours(client, central, riverside):
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=KYIV), tick=False):  # a Monday
        html = client.get("/").content.decode()
    central_part = html[html.index("Central Library") : html.index("Riverside Branch")]
    assert "Open today" in central_part
    assert "09:00" in central_part and "20:00" in central_part
    assert "Closed today" in html[html.index("Riverside Branch") :]
    assert "/new/?branch=riverside" in html


def test_home_shows_a_holiday_closure_with_its_reason(client, network, central):
    CalendarException.objects.create(network=network, date=date(2026, 12, 25), reason="Christmas")
    with time_machine.travel(datetime(2026, 12, 25, 12, tzinfo=KYIV), tick=False):
        html = client.get("/").content.decode()
    assert "Closed today" in html
    assert "Christmas" in html


def test_home_has_one_h1_landmarks_and_a_skip_link(client, central):
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    assert 'role="search"' in html


def test_record_page_shows_the_full_description(client, duong_kach_menh):
    response = client.get(f"/record/{duong_kach_menh.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="record-title" lang="vi">Đường Kách Mệnh</h1>' in html
    for text in (
        "Nguyễn Ái Quốc",
        "Hà Nội",
        "Nhà xuất bản Chính trị Quốc gia",
        "1927",
        "Tái bản lần 3",
        "9786045712345",
        "Book",
        "Tập bài giảng cho lớp huấn luyện cán bộ.",
    ):
        assert text in html
    assert "<dt>Languages</dt><dd>Vietnamese</dd>" in html


def test_record_page_shows_decomposed_marc_text_composed(client, central):
    record = make_record(title="Hué")  # e + combining acute, as some MARC sources send it
    html = client.get(f"/record/{record.pk}/").content.decode()
    details = html[html.index('<details class="marc">') :]
    assert "Hué" in details and "Hué" not in details


def test_record_page_links_authors_and_subjects_to_searches(client, duong_kach_menh):
    html = client.get(f"/record/{duong_kach_menh.pk}/").content.decode()
    assert "/search/?q=H%E1%BB%93%20Ch%C3%AD%20Minh&amp;field=author" in html
    assert "/search/?q=C%C3%A1ch%20m%E1%BA%A1ng&amp;field=subject" in html


def test_record_page_summarises_availability_per_branch(client, duong_kach_menh):
    html = client.get(f"/record/{duong_kach_menh.pk}/").content.decode()
    assert "2 of 3 available at Central Library" in html
    assert "0 of 1 available at Riverside Branch" in html  # the withdrawn copy does not count


def test_record_page_lists_copies_by_branch_with_status_labels(client, duong_kach_menh):
    html = client.get(f"/record/{duong_kach_menh.pk}/").content.decode()
    assert "<caption>Central Library</caption>" in html
    assert "<caption>Riverside Branch</caption>" in html
    assert "Adult lending" in html and "959.7 HCM" in html
    assert html.count("status-on_loan") == 2
    assert "On loan" in html and "Available" in html
    assert "Withdrawn" not in html


def test_record_page_shows_branch_names_in_the_readers_language(client, duong_kach_menh):
    html = client.get(f"/record/{duong_kach_menh.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="vi">' in html
    assert "<caption>Thư viện Trung tâm</caption>" in html


def test_record_page_has_the_marc_fields_behind_a_disclosure(client, duong_kach_menh):
    html = client.get(f"/record/{duong_kach_menh.pk}/").content.decode()
    details = html[html.index('<details class="marc">') : html.index("</details>")]
    assert '<th scope="row">245</th>' in details
    assert '<td class="marc-ind">10</td>' in details
    assert "$a</span>" in details and "Đường Kách Mệnh" in details
    assert '<th scope="row">008</th>' in details


def test_unknown_record_is_a_friendly_404(client, central):
    response = client.get("/record/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_record_exports_as_iso2709_that_pymarc_reads_back(client, duong_kach_menh):
    response = client.get(f"/record/{duong_kach_menh.pk}/marc.mrc")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/marc"
    assert "attachment" in response["Content-Disposition"]
    [marc] = list(pymarc.MARCReader(BytesIO(response.content), to_unicode=True, force_utf8=True))
    assert marc["245"]["a"] == "Đường Kách Mệnh"


def test_record_exports_as_marcxml(client, hong_lou_meng):
    response = client.get(f"/record/{hong_lou_meng.pk}/marc.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/marcxml+xml")
    root = etree.fromstring(response.content)
    ns = {"m": "http://www.loc.gov/MARC21/slim"}
    assert root.tag == "{http://www.loc.gov/MARC21/slim}record"
    assert (
        root.xpath("string(m:datafield[@tag='245']/m:subfield[@code='a'])", namespaces=ns)
        == "红楼梦"
    )


def test_export_of_an_unknown_record_is_404(client, central):
    assert client.get("/record/424242/marc.mrc").status_code == 404
    assert client.get("/record/424242/marc.xml").status_code == 404


def test_new_page_filters_by_branch(client, duong_kach_menh, hong_lou_meng):
    html = client.get("/new/", {"branch": "central"}).content.decode()
    assert "红楼梦" in html and "Đường Kách Mệnh" in html
    html = client.get("/new/", {"branch": "riverside"}).content.decode()
    assert "红楼梦" not in html and "Đường Kách Mệnh" not in html  # nothing on the shelf there
    assert "Nothing new here yet" in html


def test_new_page_filters_by_language(client, duong_kach_menh, hong_lou_meng):
    html = client.get("/new/", {"language": "chi"}).content.decode()
    assert "红楼梦" in html and "Đường Kách Mệnh" not in html


def test_new_page_pages_with_rel_prev_and_next(client, central, book_type):
    for n in range(25):
        add_items(make_record(title=f"Title number {n:02d}"), central, book_type)
    first = client.get("/new/").content.decode()
    assert first.count('class="hit"') == 20
    assert '<link rel="next" href="?page=2">' in first
    assert 'rel="prev"' not in first
    second = client.get("/new/", {"page": 2}).content.decode()
    assert second.count('class="hit"') == 5
    assert '<link rel="prev" href="?page=1">' in second
    assert 'rel="next"' not in second


def test_new_page_keeps_the_filters_in_paging_links(client, central, book_type):
    for n in range(21):
        add_items(make_record(title=f"Sách {n}", languages=["vie"]), central, book_type)
    html = client.get("/new/", {"branch": "central", "language": "vie"}).content.decode()
    assert 'href="?branch=central&amp;language=vie&amp;page=2"' in html


def test_new_page_ignores_a_bad_page_number(client, central):
    assert client.get("/new/", {"page": "abc"}).status_code == 200
    assert client.get("/new/", {"page": "-4"}).status_code == 200


def test_interface_follows_the_browsers_language(client, central):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_choosing_a_language_is_remembered_in_a_cookie(client, central):
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/new/"})
    assert response.status_code == 302
    assert response["Location"] == "/new/"
    assert response.cookies["bibliohub_language"].value == "uk"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="uk">' in html  # the reader's choice wins over the browser's


def test_the_language_switcher_works_without_javascript(client, central):
    html = client.get("/").content.decode()
    switcher = html[html.index('<form class="language"') :]
    switcher = switcher[: switcher.index("</form>")]
    assert 'action="/i18n/setlang/"' in switcher and 'method="post"' in switcher
    assert '<button type="submit">' in switcher
    assert "onchange" not in switcher  # changing the select alone must not leave the page


def test_only_get_is_allowed_on_public_pages(client, duong_kach_menh):
    assert client.post("/").status_code == 405
    assert client.post(f"/record/{duong_kach_menh.pk}/").status_code == 405


def test_an_item_on_the_hold_shelf_is_shown_as_waiting(client, central, book_type):
    record = make_record(title="Waiting")
    add_items(record, central, book_type, [ItemStatus.ON_HOLD_SHELF])
    html = client.get(f"/record/{record.pk}/").content.decode()
    assert "Waiting for a reader" in html
    assert "0 of 1 available at Central Library" in html


def test_a_server_error_page_needs_no_database_or_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in html


def test_record_page_points_to_its_machine_readable_forms(client, hong_lou_meng):
    html = client.get(f"/record/{hong_lou_meng.pk}/").content.decode()
    assert (
        f'<link rel="alternate" type="application/marcxml+xml" href="/record/{hong_lou_meng.pk}/marc.xml">'
        in html
    )
    assert f'href="/api/v1/records/{hong_lou_meng.pk}"' in html


def test_a_title_catalogued_a_year_ago_is_no_longer_new(client, central, book_type):
    add_items(
        make_record(title="Old favourite", created_at=timezone.now() - timedelta(days=365)),
        central,
        book_type,
    )
    add_items(make_record(title="Fresh arrival"), central, book_type)
    for path in ("/", "/new/"):
        html = client.get(path).content.decode()
        assert "Fresh arrival" in html and "Old favourite" not in html


def test_a_damaged_marc_record_still_shows_the_description(client, central, caplog):
    record = make_record(title="Damaged but described")
    Record.objects.filter(pk=record.pk).update(marc=b"not a MARC record")
    response = client.get(f"/record/{record.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Damaged but described" in html
    assert "cannot be shown" in html and '<details class="marc">' not in html
    assert f"record {record.pk}: stored MARC cannot be parsed" in caplog.text
