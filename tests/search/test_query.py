"""Parsing what a reader typed and compiling it for each backend: no database."""

from __future__ import annotations

import pytest

from bibliohub.search.backends import IndexRow
from bibliohub.search.backends.postgresql import compile_tsquery, tsvector_literal
from bibliohub.search.backends.sqlite import compile_fts5
from bibliohub.search.query import Clause, index_isbn_tokens, isbn_token, parse
from bibliohub.search.types import Field

ANY, TITLE, AUTHOR, SUBJECT, ISBN = Field.ANY, Field.TITLE, Field.AUTHOR, Field.SUBJECT, Field.ISBN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("tolstoy", [Clause(ANY, ("tolstoy",))]),
        ("War  Peace", [Clause(ANY, ("war",)), Clause(ANY, ("peace",))]),
        ('"war and peace"', [Clause(ANY, ("war", "and", "peace"))]),
        ('"war and peace', [Clause(ANY, ("war", "and", "peace"))]),
        ("author:Tolstoy", [Clause(AUTHOR, ("tolstoy",))]),
        ("AUTHOR:Tolstoy", [Clause(AUTHOR, ("tolstoy",))]),
        ('title:"war and peace" 1869', [Clause(TITLE, ("war", "and", "peace")), Clause(ANY, ("1869",))]),
        ("subject:history", [Clause(SUBJECT, ("history",))]),
        ("author:Jean-Paul", [Clause(AUTHOR, ("jean",)), Clause(AUTHOR, ("paul",))]),
        ("note:rare", [Clause(ANY, ("note",)), Clause(ANY, ("rare",))]),
        ("红楼梦", [Clause(ANY, ("红楼", "楼梦"))]),
        ("title:红", [Clause(TITLE, ("红",))]),
        ('"Python 红楼梦 notes"', [Clause(ANY, ("python",)), Clause(ANY, ("红楼", "楼梦")), Clause(ANY, ("notes",))]),
        ("Солом’янська", [Clause(ANY, ("соломянська",))]),
    ],
)
def test_parse(text, expected):
    assert parse(text) == expected


def test_the_default_field_applies_to_words_without_a_prefix():
    assert parse("tolstoy subject:war", field=AUTHOR) == [
        Clause(AUTHOR, ("tolstoy",)),
        Clause(SUBJECT, ("war",)),
    ]


@pytest.mark.parametrize(
    "typed",
    ["978-0-14-044793-4", "9780140447934", "0-14-044793-8", "0140447938", "isbn:0140447938", 'isbn:"0 14 044793 8"'],
)
def test_isbn_10_and_13_with_or_without_hyphens_ask_for_the_same_token(typed):
    assert parse(typed) == [Clause(ISBN, ("9780140447934",))]


def test_a_number_that_is_not_an_isbn_stays_a_word():
    assert parse("1234567890") == [Clause(ANY, ("1234567890",))]
    assert isbn_token("1234567890") is None


def test_index_keeps_isbn_13_of_valid_isbns_and_the_compact_form_of_others():
    assert index_isbn_tokens(["0-14-044793-8", "9780140447934", "12-34"]) == ["9780140447934", "1234"]


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([Clause(ANY, ("war",))], '{title author subject other isbn} : "war"'),
        (
            [Clause(ANY, ("war", "and", "peace")), Clause(AUTHOR, ("tolstoy",))],
            '{title author subject other isbn} : "war and peace" AND author : "tolstoy"',
        ),
        ([Clause(TITLE, ("红楼", "楼梦"))], 'title : "红楼 楼梦"'),
        ([Clause(ISBN, ("9780140447934",))], 'isbn : "9780140447934"'),
        (
            [Clause(ANY, ("and",)), Clause(ANY, ("near",))],
            '{title author subject other isbn} : "and" AND {title author subject other isbn} : "near"',
        ),
        # Across scripts: every column, and each form of the words instead.
        ([Clause(ANY, ("lutsk",), cross_script=True)], '"lutsk"'),
        (
            [Clause(TITLE, ("луцьк",), (("lutsk",),), cross_script=True)],
            '({title cross_title} : "луцьк" OR {title cross_title} : "lutsk")',
        ),
    ],
)
def test_fts5_expression(clauses, expected):
    assert compile_fts5(clauses) == expected


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([Clause(ANY, ("war",))], "'war'"),
        ([Clause(ANY, ("war", "and", "peace")), Clause(AUTHOR, ("tolstoy",))], "('war' <-> 'and' <-> 'peace') & 'tolstoy':B"),
        ([Clause(TITLE, ("红楼", "楼梦"))], "('红楼':A <-> '楼梦':A)"),
        ([Clause(SUBJECT, ("history",))], "'history':C"),
        ([Clause(ISBN, ("9780140447934",))], "'isbn:9780140447934'"),
        ([Clause(ANY, ("lutsk",), cross_script=True)], "('lutsk' | '~lutsk')"),
        (
            [Clause(TITLE, ("луцьк",), (("lutsk",),), cross_script=True)],
            "('луцьк':A | '~луцьк':A | 'lutsk':A | '~lutsk':A)",
        ),
    ],
)
def test_tsquery_expression(clauses, expected):
    assert compile_tsquery(clauses) == expected


def test_tsvector_gives_each_field_its_weight_and_keeps_fields_apart():
    row = IndexRow(1, "war", title=["war", "and", "peace"], author=["tolstoy"], subject=["war"], other=[], isbn=["9780140447934"])
    assert tsvector_literal(row) == "'war':1A 'and':2A 'peace':3A 'tolstoy':104B 'war':205C '9780140447934':406D 'isbn:9780140447934':507D"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tolst*", [Clause(ANY, ("tolst",), truncated=True)]),
        ("author:tolst* war", [Clause(AUTHOR, ("tolst",), truncated=True), Clause(ANY, ("war",))]),
        ('title:"war and pea*"', [Clause(TITLE, ("war", "and", "pea"), truncated=True)]),
        # A CJK run is indexed as pairs of characters, not words: no truncation.
        ("红楼*", [Clause(ANY, ("红楼",))]),
    ],
)
def test_a_word_or_phrase_ending_in_a_star_is_truncated_on_the_right(text, expected):
    assert parse(text) == expected


def test_truncation_compiles_to_each_backends_prefix_query():
    clauses = [Clause(TITLE, ("war", "pea"), truncated=True), Clause(ANY, ("tolst",), truncated=True)]
    assert compile_fts5(clauses) == 'title : "war pea" * AND {title author subject other isbn} : "tolst" *'
    assert compile_tsquery(clauses) == "('war':A <-> 'pea':*A) & 'tolst':*"
