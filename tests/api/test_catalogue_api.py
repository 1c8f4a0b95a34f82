"""The public read-only REST API: shapes, filters, errors and the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from lxml import etree

from bibliohub.libraries.models import CalendarException

pytestmark = pytest.mark.django_db


def test_search_returns_hits_with_availability_keyed_by_branch(client, indexed):
    response = client.get("/api/v1/search", {"q": "duong kach menh"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["total_is_exact"] is True
    [hit] = body["hits"]
    assert hit["id"] == indexed[0].pk
    assert hit["title"] == "Đường Kách Mệnh"
    assert hit["authors"] == ["Hồ Chí Minh"]
    assert hit["year"] == 1927 and hit["languages"] == ["vie"] and hit["isbn"] == "9786045712345"
    assert hit["availability"] == {
        "central": {"available": 2, "total": 3},
        "riverside": {"available": 0, "total": 1},
    }
    assert {"language", "format", "branch", "availability", "audience", "year"} <= set(
        body["facets"]
    )


def test_search_facets_carry_value_label_count_and_selection(client, indexed):
    body = client.get("/api/v1/search", {"availability": "available", "language": "chi"}).json()
    assert [h["title"] for h in body["hits"]] == ["红楼梦"]
    chosen = [v for v in body["facets"]["language"] if v["selected"]]
    assert chosen == [{"value": "chi", "label": "Chinese", "count": 1, "selected": True}]


def test_search_filters_combine_like_the_opac(client, indexed):
    body = client.get(
        "/api/v1/search?branch=riverside&branch=central&availability=available"
    ).json()
    assert {h["title"] for h in body["hits"]} == {"Đường Kách Mệnh", "红楼梦"}


def test_search_pages_with_limit_and_page(client, indexed):
    first = client.get(
        "/api/v1/search", {"availability": "available", "limit": 1, "sort": "newest"}
    ).json()
    second = client.get(
        "/api/v1/search", {"availability": "available", "limit": 1, "page": 2, "sort": "newest"}
    ).json()
    assert first["total"] == 2 and first["limit"] == 1 and second["offset"] == 1
    assert [h["title"] for h in first["hits"] + second["hits"]] == ["红楼梦", "Đường Kách Mệnh"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 101}, {"limit": 0}, {"page": 0}, {"sort": "sideways"}, {"format": "scroll"}],
)
def test_search_refuses_bad_parameters_with_422(client, central, params):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_search_refuses_very_deep_pages(client, central):
    response = client.get("/api/v1/search", {"q": "a", "page": 500, "limit": 100})
    assert response.status_code == 422
    assert "narrow the search" in response.json()["detail"]


def test_record_has_fields_and_availability(client, duong_kach_menh):
    body = client.get(f"/api/v1/records/{duong_kach_menh.pk}").json()
    assert body["title"] == "Đường Kách Mệnh"
    assert body["subjects"] == ["Cách mạng", "Lịch sử Việt Nam"]
    assert body["format"] == "book" and body["format_label"] == "Book"
    assert body["availability"] == [
        {"branch": "central", "branch_name": "Central Library", "available": 2, "total": 3},
        {"branch": "riverside", "branch_name": "Riverside Branch", "available": 0, "total": 1},
    ]


def test_record_labels_follow_the_requested_language(client, duong_kach_menh):
    body = client.get(f"/api/v1/records/{duong_kach_menh.pk}", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["availability"][0]["branch_name"] == "Thư viện Trung tâm"


def test_items_leave_out_withdrawn_copies_and_staff_data(client, duong_kach_menh):
    items = client.get(f"/api/v1/records/{duong_kach_menh.pk}/items").json()
    assert len(items) == 4
    assert [i["branch"] for i in items] == ["central", "central", "central", "riverside"]
    assert {i["status"] for i in items} == {"available", "on_loan"}
    first = items[0]
    assert first["location"] == "Adult lending" and first["call_number"] == "959.7 HCM"
    assert first["item_type"] == "Book"
    assert "barcode" not in first and "price" not in first


def test_marc_is_marcxml_by_default(client, hong_lou_meng):
    response = client.get(f"/api/v1/records/{hong_lou_meng.pk}/marc")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/marcxml+xml")
    root = etree.fromstring(response.content)
    ns = {"m": "http://www.loc.gov/MARC21/slim"}
    assert (
        root.xpath("string(m:datafield[@tag='100']/m:subfield[@code='a'])", namespaces=ns)
        == "曹雪芹"
    )


def test_marc_in_json_on_request(client, hong_lou_meng):
    body = client.get(f"/api/v1/records/{hong_lou_meng.pk}/marc", {"format": "json"}).json()
    assert set(body) == {"leader", "fields"}
    titles = [f["245"] for f in body["fields"] if "245" in f]
    assert titles[0]["subfields"] == [{"a": "红楼梦"}]


@pytest.mark.parametrize("suffix", ["", "/items", "/marc"])
def test_unknown_record_is_a_404_with_a_json_error(client, central, suffix):
    response = client.get(f"/api/v1/records/987654{suffix}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No record with id 987654."}


def test_the_api_is_read_only(client, duong_kach_menh):
    assert client.post(f"/api/v1/records/{duong_kach_menh.pk}").status_code == 405
    assert client.delete(f"/api/v1/records/{duong_kach_menh.pk}").status_code == 405


def test_branches_with_this_weeks_hours_and_closures(client, network, central, riverside):
    CalendarException.objects.create(
        network=network, date=date(2026, 11, 26), reason="Staff training"
    )
    with time_machine.travel(
        datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("Europe/Kyiv")), tick=False
    ):
        body = client.get("/api/v1/branches").json()
    by_code = {b["code"]: b for b in body}
    assert list(by_code) == ["central", "riverside"]
    week = by_code["central"]["week"]
    assert week[0]["date"] == "2026-11-23" and len(week) == 7
    assert week[0]["periods"] == [{"opens": "09:00", "closes": "20:00"}]
    assert week[3] == {
        "date": "2026-11-26",
        "weekday": 3,
        "open": False,
        "periods": [],
        "note": "Staff training",
    }
    assert week[6]["open"] is False  # Sunday
    assert by_code["central"]["hours_this_week"] == 11 * 5
    assert by_code["riverside"]["week"][1]["periods"] == [
        {"opens": "10:00", "closes": "13:00"},
        {"opens": "14:00", "closes": "18:00"},
    ]


def test_openapi_document_is_json_listing_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/api/v1/search",
        "/api/v1/records/{record_id}",
        "/api/v1/records/{record_id}/items",
        "/api/v1/records/{record_id}/marc",
        "/api/v1/branches",
        "/api/v1/indicators",
        "/api/v1/indicators/definitions",
        "/api/v1/indicators/{code}/breakdown",
        "/api/v1/daybook/gate-counts",
    }
    assert {path for path, ops in doc["paths"].items() if set(ops) != {"get"}} == {
        "/api/v1/daybook/gate-counts"
    }


def test_openapi_document_describes_every_response_it_references(client):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs <= set(schemas)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert "200" in op["responses"], f"{method} {path}"
    assert {"SearchOut", "HitOut", "RecordOut", "ItemOut", "BranchOut", "Error"} <= set(schemas)


def test_search_hits_carry_everything_the_command_line_json_has(client, indexed):
    from bibliohub.search.management.commands.search import as_json
    from bibliohub.search.service import search
    from bibliohub.search.types import SearchQuery

    cli = as_json(search(SearchQuery(text="duong kach menh")))
    api = client.get("/api/v1/search", {"q": "duong kach menh"}).json()
    assert api["total"] == cli["total"]
    for cli_hit, api_hit in zip(cli["hits"], api["hits"], strict=True):
        assert {k: api_hit[k] for k in cli_hit} == cli_hit
    for name, values in cli["facets"].items():
        assert [
            {k: v[k] for k in ("value", "label", "count")} for v in api["facets"][name]
        ] == values


def test_an_unknown_api_path_answers_404_in_json(client, central):
    response = client.get("/api/v1/recordz/1")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint: /api/v1/recordz/1"}


def test_a_path_with_a_line_break_answers_404_in_json(client, central):
    response = client.get("/api/v1/records/1%0A2/items")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"] == "No such endpoint: /api/v1/records/1\n2/items"


def test_search_ignores_control_characters_in_hand_made_urls(client, indexed):
    response = client.get("/api/v1/search", {"q": "duong\x00", "language": "vie\x00"})
    assert response.status_code == 200
    assert [h["title"] for h in response.json()["hits"]] == ["Đường Kách Mệnh"]


def test_an_invalid_request_says_what_is_wrong_and_where(client, central):
    response = client.get("/api/v1/search", {"limit": 101, "format": ["book", "scroll"]})
    assert response.status_code == 422
    body = response.json()
    assert {tuple(e["loc"]) for e in body["errors"]} == {
        ("query", "limit"),
        ("query", "format", 1),
    }
    assert all(e["msg"] and e["type"] for e in body["errors"])
    assert "query.limit" in body["detail"] and "query.format.1" in body["detail"]


def test_a_deep_page_is_refused_with_the_reason(client, central):
    response = client.get("/api/v1/search", {"page": 22})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["query", "page"] and error["type"] == "too_deep"
    assert client.get("/api/v1/search", {"page": 21}).status_code == 200


def test_the_length_of_q_is_bounded_as_sent(client, central):
    # Control characters are taken out after the bound is checked, as the document says.
    response = client.get("/api/v1/search", {"q": "a" + "\x1b" * 500})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "q"]


def test_an_unknown_marc_format_is_refused_with_the_parameter(client, hong_lou_meng):
    response = client.get(f"/api/v1/records/{hong_lou_meng.pk}/marc", {"format": "mods"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "format"]


def test_records_and_hits_carry_the_880_fields_beside_the_romanised_ones(client, indexed):
    from bibliohub.catalog.models import Record
    from bibliohub.search.indexing import index_records

    kobzar = indexed[2]
    in_script = {"role": "title", "tag": "245", "text": "Кобзар", "dir": "ltr", "linked": "Kobzar"}
    Record.objects.filter(pk=kobzar.pk).update(vernacular=[in_script])
    index_records([kobzar.pk])

    expected = [{**in_script, "lang": "uk"}]
    assert client.get(f"/api/v1/records/{kobzar.pk}").json()["vernacular"] == expected
    [hit] = client.get("/api/v1/search", {"q": "Кобзар"}).json()["hits"]
    assert hit["vernacular"] == expected
    assert client.get(f"/api/v1/records/{indexed[0].pk}").json()["vernacular"] == []
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "vernacular" in schema["RecordOut"]["required"] and "VernacularOut" in schema
