"""The CQL parser against YAZ's CQL test vectors (line k of section s in cql2xcqlsample gives
cql/s.k.out, or an error), and the trees of the queries SRU clients send most."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibliohub.interop.sru import cql
from bibliohub.interop.sru.cql import Boolean, Modifier, SearchClause

VECTORS = Path(__file__).resolve().parents[2] / "data" / "sru" / "cql"
# YAZ reads a run of bare words as one "free-form" term and a term in parentheses as a term:
# extensions of its own that the CQL grammar does not allow, so we refuse them.
YAZ_EXTENSIONS = {"10.9", "11.1", "11.3", "11.5", "11.7"}


def _vectors() -> list[tuple[str, str, bool]]:
    cases = []
    section = line_number = 0
    lines = (VECTORS / "cql2xcqlsample").read_text().split("\n")
    for n, line in enumerate(lines):
        if line.startswith("# "):
            if n >= 2:
                section, line_number = section + 1, 0
            continue
        if not line.strip() or section == 0:
            continue
        line_number += 1
        name = f"{section}.{line_number}"
        cases.append((name, line, bool((VECTORS / f"{name}.out").read_text().strip())))
    return cases


@pytest.mark.parametrize(("name", "query", "valid"), _vectors(), ids=[c[0] for c in _vectors()])
def test_yaz_vectors_are_accepted_or_refused_as_yaz_does(name, query, valid):
    if name in YAZ_EXTENSIONS:
        valid = False
    if valid:
        cql.parse(query)
    else:
        with pytest.raises(cql.CQLSyntaxError):
            cql.parse(query)


def test_a_bare_term_searches_the_servers_choice():
    assert cql.parse("cat").root == SearchClause("cql.serverChoice", "=", "cat")
    assert cql.parse('"="').root == SearchClause("cql.serverChoice", "=", "=")


def test_booleans_bind_left_to_right_and_parentheses_group():
    a, b, c = (SearchClause("cql.serverChoice", "=", x) for x in "abc")
    assert cql.parse("a or b and c").root == Boolean("and", Boolean("or", a, b), c)
    assert cql.parse("a or (b and c)").root == Boolean("or", a, Boolean("and", b, c))


def test_relations_and_modifiers_are_read():
    root = cql.parse('dc.title any/stem "fish chips"').root
    assert root == SearchClause("dc.title", "any", "fish chips", (Modifier("stem"),))
    assert cql.parse("title >= 23").root == SearchClause("title", ">=", "23")
    assert cql.parse("a prox/distance<3 b").root.modifiers == (Modifier("distance", "<", "3"),)


def test_quotes_can_be_escaped_inside_a_term():
    assert cql.unescape(cql.parse(r'"cat says \"fish\""').root.term) == 'cat says "fish"'


def test_prefix_assignments_and_sort_keys_are_kept():
    query = cql.parse(
        '> dc="info:srw/cql-context-set/1/dc-v1.1" dc.title=fish sortBy dc.date/descending'
    )
    assert query.prefixes == {"dc": "info:srw/cql-context-set/1/dc-v1.1"}
    assert query.sort[0].index == "dc.date"


@pytest.mark.parametrize(
    "query", ["", "   ", "(cat", "cat)", '"cat', "title =", "cat and", "a = b c"]
)
def test_what_is_not_cql_is_a_syntax_error(query):
    with pytest.raises(cql.CQLSyntaxError):
        cql.parse(query)
