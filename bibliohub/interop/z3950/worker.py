"""The Python half of the Z39.50 responder: the search and the records, for the Perl half
(`responder.pl`, Net::Z3950::SimpleServer over YAZ, which speaks the protocol).

Each Z39.50 connection is served by its own responder process (the YAZ front end forks one
per client), which opens one connection to this worker's Unix socket and asks in JSON lines:

    {"op": "search", "set": "default", "query": "@attr 1=4 war"}  -> {"hits": 1}
    {"op": "fetch", "set": "default", "offset": 1, "syntax": "1.2.840.10003.5.10",
     "element": "F"}                                              -> {"record": "<base64>",
                                                                      "syntax": "…", "last": true}

    {"op": "scan", "attributes": [["", 1, 4]], "term": "war", "number": 10, "position": 1,
     "step": 0}                              -> {"terms": [{"term": "…", "occurrences": 1}…],
                                                 "partial": false}
    {"op": "sort", "input": ["default"], "output": "sorted",
     "keys": [{"use": 4, "relation": 0}]}    -> {}

and gets {"error": <Bib-1 diagnostic>, "info": "…"} for what it cannot do. The worker is one
long-lived process with Django set up, so a search costs a search, not a Python start; a
thread per connection keeps its result sets.
"""

from __future__ import annotations

import base64
import json
import logging
import socketserver
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pymarc
from django.db import close_old_connections, connection

from bibliohub.catalog.marc import iso2709, unimarc
from bibliohub.catalog.marc.importer import ITEM_TAG
from bibliohub.catalog.models import Record
from bibliohub.interop.records import clean
from bibliohub.interop.sru import cql, scan
from bibliohub.interop.sru import search as sru_search
from bibliohub.interop.z3950.query import BIB1, UNSUPPORTED, QueryError, Term, parse_pqf, to_cql

log = logging.getLogger(__name__)

USMARC = "1.2.840.10003.5.10"
UNIMARC = "1.2.840.10003.5.1"
XML_SYNTAXES = frozenset({"1.2.840.10003.5.109.10", "1.2.840.10003.5.109.3"})  # text/xml, application/xml
PAGE = 50  # record ids read from the search at a time, as a client presents them
# The fields of a brief record (element set B): what identifies the book.
BRIEF_TAGS = frozenset({
    "001", "003", "005", "008", "020", "022", "100", "110", "111", "130", "245", "250", "260", "264", "300",
})
# SRU diagnostics of the query mapping, as Bib-1 diagnostics.
_FROM_SRU = {
    10: 108, 15: 121, 16: 114, 19: 117, 20: 117, 27: 108, 28: 120, 29: 9, 31: 119, 36: 108, 39: 110, 46: 110,
}
MAX_TERMS = 100  # terms a scan lists at most (fewer than asked is a partial scan)
# Sort keys: Bib-1 use attributes and field names -> the SRU sort index of the same order.
SORT_USES = {4: "dc.title", 1003: "dc.creator", 1004: "dc.creator", 30: "dc.date", 31: "dc.date"}
SORT_FIELDS = {"author": "dc.creator", "year": "dc.date"}


@dataclass
class ResultSet:
    root: cql.Node
    hits: int
    pages: dict[int, list[int]] = field(default_factory=dict)
    order: sru_search.Order | None = None  # ranked by relevance when None

    def record_id(self, offset: int) -> int | None:
        """The id of the record at `offset` (1-based)."""
        page = (offset - 1) // PAGE
        if page not in self.pages:
            found = sru_search.run_tree(self.root, start=page * PAGE + 1, count=PAGE, order=self.order)
            self.pages[page] = found.record_ids
        ids = self.pages[page]
        position = (offset - 1) % PAGE
        return ids[position] if position < len(ids) else None


class Session:
    """One Z39.50 connection's result sets and the answers to its requests."""

    def __init__(self) -> None:
        self.sets: dict[str, ResultSet] = {}

    def answer(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "search":
                return self.search(str(request.get("set") or "default"), str(request.get("query") or ""))
            if op == "fetch":
                return self.fetch(
                    str(request.get("set") or "default"), int(request.get("offset") or 0),
                    syntax=str(request.get("syntax") or USMARC), element=str(request.get("element") or ""),
                )
            if op == "scan":
                return self.scan(
                    [tuple(a) for a in request.get("attributes") or []], str(request.get("term") or ""),
                    number=int(request.get("number") or 0), position=int(request.get("position") or 1),
                    step=int(request.get("step") or 0),
                )
            if op == "sort":
                return self.sort(
                    [str(name) for name in request.get("input") or []], str(request.get("output") or ""),
                    list(request.get("keys") or []),
                )
            if op == "delete":
                self.sets.pop(str(request.get("set") or "default"), None)
                return {}
            return {"error": 2, "info": f"unknown request {op!r}"}
        except QueryError as error:
            return {"error": error.code, "info": error.info}
        except sru_search.Diagnostic as diagnostic:
            return {"error": _FROM_SRU.get(diagnostic.number, 108), "info": diagnostic.details}

    def search(self, name: str, query: str) -> dict:
        root = to_cql(parse_pqf(query))
        found = sru_search.run_tree(root, start=1, count=PAGE)
        self.sets[name] = ResultSet(root, found.total, {0: found.record_ids})
        return {"hits": found.total}

    def scan(self, attributes: list[tuple], term: str, *, number: int, position: int, step: int) -> dict:
        """The terms of the index the attributes name (scan.terms). Every use attribute we
        search by is scanned; the other attributes are checked as a search's are."""
        parsed = Term(tuple(_attribute(*a) for a in attributes), term)
        clause = to_cql(parsed)
        assert isinstance(clause, cql.SearchClause)
        if number < 1:
            return {"terms": [], "partial": False}
        if position < 0 or position > number + 1:
            return {"error": 233, "info": str(position)}  # unsupported position-in-response
        count = min(number, MAX_TERMS)
        found = scan.terms(scan.clause(clause), position=position, count=count, step=step)
        return {
            "terms": [{"term": t.value, "occurrences": t.records} for t in found],
            "partial": len(found) < number,
        }

    def sort(self, inputs: list[str], output: str, keys: list[dict]) -> dict:
        """Sort one result set into `output` by one key: title (ascending), author or date of
        publication (either way), the orders SRU sorts by."""
        if not inputs:
            return {"error": 208, "info": ""}  # no result set name supplied on sort
        if len(inputs) > 1:
            return {"error": 230, "info": str(len(inputs))}  # too many input result sets
        if (result := self.sets.get(inputs[0])) is None:
            return {"error": 30, "info": inputs[0]}
        if len(keys) != 1:
            return {"error": 211, "info": f"{len(keys)} sort keys; one is supported"}
        key = keys[0]
        relation = int(key.get("relation") or 0)
        if relation not in (0, 1):
            return {"error": 214, "info": str(relation)}  # illegal sort relation (by frequency)
        index = _sort_index(key)
        if index is None:
            return {"error": 207, "info": str(key.get("field") or key.get("use") or "")}
        try:
            order = sru_search.sort_order((cql.SortKey(index, (cql.Modifier("sort.descending"),) if relation else ()),))
        except sru_search.Diagnostic as diagnostic:
            return {"error": 207, "info": diagnostic.details}  # cannot sort according to sequence
        self.sets[output or inputs[0]] = ResultSet(result.root, result.hits, order=order)
        return {}

    def fetch(self, name: str, offset: int, *, syntax: str, element: str) -> dict:
        result = self.sets.get(name)
        if result is None:
            return {"error": 30, "info": name}  # result set does not exist
        if offset < 1 or offset > result.hits:
            return {"error": 13, "info": str(offset)}  # present request out of range
        element = element.upper()
        if element not in ("", "F", "B", "MARCXML"):
            return {"error": 25, "info": element}  # element set name not valid
        if syntax not in XML_SYNTAXES and syntax not in (USMARC, UNIMARC):
            return {"error": 239, "info": syntax}  # record syntax not supported
        record_id = result.record_id(offset)
        record = Record.objects.filter(pk=record_id).only("id", "marc").first() if record_id else None
        if record is None:
            # Deleted since the search.
            return {"error": 14, "info": str(offset)}  # system error in presenting records
        if syntax == UNIMARC:
            # Records catalogued in UNIMARC (or CNMARC) are kept so and given as they are;
            # there is no crosswalk from MARC 21 to UNIMARC.
            data = render_unimarc(record)
            if data is None:
                return {"error": 238, "info": syntax}  # record not available in requested syntax
            return {"record": base64.b64encode(data).decode("ascii"), "syntax": syntax, "last": offset == result.hits}
        data = render(record, xml=syntax in XML_SYNTAXES, brief=element == "B")
        return {"record": base64.b64encode(data).decode("ascii"), "syntax": syntax, "last": offset == result.hits}


def _attribute(set_name: str, kind: object, value: object) -> tuple[str, int, int]:
    """An attribute of a scan term as the query parser gives it. Raises QueryError."""
    if not str(kind).isdigit():
        raise QueryError(113, str(kind))
    if not str(value).lstrip("-").isdigit():
        raise QueryError(UNSUPPORTED.get(int(str(kind)), 113), str(value))
    if set_name and set_name.lower() not in ("bib-1", "bib1", BIB1):
        raise QueryError(121, set_name)
    return (BIB1, int(str(kind)), int(str(value)))


def _sort_index(key: dict) -> str | None:
    """The SRU sort index of a Z39.50 sort key: a Bib-1 use attribute or a field's name."""
    if (use := key.get("use")) is not None:
        return SORT_USES.get(int(use))
    name = str(key.get("field") or "").lower()
    return name if name in sru_search.SORT_INDEXES else SORT_FIELDS.get(name)


def render_unimarc(record: Record) -> bytes | None:
    """A record kept in UNIMARC as UNIMARC wants it written (ISO 2709 in UTF-8, field 100
    saying so), without the holdings fields; None for a MARC 21 record."""
    marc, _repairs = iso2709.decode(bytes(record.marc))
    if not unimarc.is_unimarc(marc):
        return None
    marc = unimarc.for_export(marc)
    return iso2709.encode(marc)


def render(record: Record, *, xml: bool, brief: bool) -> bytes:
    """The record as MARC 21 in UTF-8, ISO 2709 or MARCXML; without the copies' 952 fields
    (their status changes with every loan); a brief record keeps what identifies the book."""
    marc, _repairs = iso2709.decode(bytes(record.marc))
    marc.fields = [f for f in marc.fields if f.tag != ITEM_TAG and (not brief or f.tag in BRIEF_TAGS)]
    if xml:
        # In UTF-8 rather than pymarc's character references, which some clients show as such.
        text = ElementTree.tostring(pymarc.record_to_xml_node(marc, namespace=True), encoding="unicode")
        return clean(text).encode("utf-8")
    return iso2709.encode(marc)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        session = Session()
        try:
            for line in self.rfile:
                try:
                    request = json.loads(line)
                except ValueError:
                    answer: dict = {"error": 2, "info": "bad request"}
                else:
                    close_old_connections()
                    try:
                        answer = session.answer(request)
                    except Exception:  # a bug must cost one request, not the connection
                        log.exception("Z39.50 request failed: %s", request.get("op"))
                        answer = {"error": 2, "info": "temporary system error"}
                self.wfile.write(json.dumps(answer).encode("utf-8") + b"\n")
                self.wfile.flush()
        finally:
            connection.close()


class Worker(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, _Handler)
