"""The `search` and `reindex` commands."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from bibliohub.search.indexing import remove_records


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_search_json_has_the_documented_shape(shelf):
    data = json.loads(run("search", "war", "and", "peace", "--json"))
    assert set(data) == {"total", "hits", "facets"}
    assert data["total"] == 1
    assert data["hits"] == [
        {
            "id": shelf["war"].id,
            "title": "War and peace",
            "authors": ["Tolstoy, Leo"],
            "year": 2006,
            "languages": ["eng"],
            "isbn": "978-0-14-044793-4",
            "availability": {"central": {"available": 0, "total": 1}, "riverside": {"available": 1, "total": 1}},
        }
    ]
    assert {"value": "eng", "label": "English", "count": 1} in data["facets"]["language"]
    assert set(data["facets"]) == {"language", "format", "branch", "availability", "audience", "year"}


def test_search_filters_by_language_and_branch_and_limits(shelf):
    data = json.loads(run("search", "--json", "--language", "eng", "--branch", "central"))
    assert [h["id"] for h in data["hits"]] == [shelf["war"].id]
    data = json.loads(run("search", "--json", "--limit", "2"))
    assert data["total"] == 6 and len(data["hits"]) == 2


def test_search_prints_hits_for_people(shelf):
    out = run("search", "Солом'янська")
    assert "1 found" in out
    assert "Солом’янська бібліотека" in out and "central 1/1" in out


def test_reindex_restores_a_damaged_index(shelf):
    remove_records([shelf["lodz"].id])
    assert "0 found" in run("search", "lodz")
    assert "6 records indexed." in run("reindex")
    assert "1 found" in run("search", "lodz")
