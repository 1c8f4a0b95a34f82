"""The Python half of the Z39.50 responder: the search and the records, for the Perl half
(`responder.pl`, Net::Z3950::SimpleServer over YAZ, which speaks the protocol).

Each Z39.50 connection is served by its own responder process (the YAZ front end forks one
per client), which opens one connection to this worker's Unix socket and asks in JSON lines:

    {"op": "search", "set": "default", "query": "@attr 1=4 war"}  -> {"hits": 1}
    {"op": "fetch", "set": "default", "offset": 1, "syntax": "1.2.840.10003.5.10",
     "element": "F"}                                              -> {"record": "<base64>",
                                                                      "syntax": "…", "last": true}

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

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.importer import ITEM_TAG
from bibliohub.catalog.models import Record
from bibliohub.interop.records import clean
from bibliohub.interop.sru import search as sru_search
from bibliohub.interop.z3950.query import QueryError, parse_pqf, to_cql

log = logging.getLogger(__name__)

USMARC = "1.2.840.10003.5.10"
XML_SYNTAXES = frozenset({"1.2.840.10003.5.109.10", "1.2.840.10003.5.109.3"})  # text/xml, application/xml
PAGE = 50  # record ids read from the search at a time, as a client presents them
# The fields of a brief record (element set B): what identifies the book.
BRIEF_TAGS = frozenset({
    "001", "003", "005", "008", "020", "022", "100", "110", "111", "130", "245", "250", "260", "264", "300",
})
# SRU diagnostics of the query mapping, as Bib-1 diagnostics.
_FROM_SRU = {10: 108, 15: 121, 16: 114, 19: 117, 20: 117, 27: 108, 28: 120, 31: 119, 36: 108, 39: 110, 46: 110}


@dataclass
class ResultSet:
    root: object
    hits: int
    pages: dict[int, list[int]] = field(default_factory=dict)

    def record_id(self, offset: int) -> int | None:
        """The id of the record at `offset` (1-based)."""
        page = (offset - 1) // PAGE
        if page not in self.pages:
            found = sru_search.run_tree(self.root, start=page * PAGE + 1, count=PAGE)  # type: ignore[arg-type]
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

    def fetch(self, name: str, offset: int, *, syntax: str, element: str) -> dict:
        result = self.sets.get(name)
        if result is None:
            return {"error": 30, "info": name}  # result set does not exist
        if offset < 1 or offset > result.hits:
            return {"error": 13, "info": str(offset)}  # present request out of range
        element = element.upper()
        if element not in ("", "F", "B", "MARCXML"):
            return {"error": 25, "info": element}  # element set name not valid
        if syntax not in XML_SYNTAXES and syntax != USMARC:
            return {"error": 239, "info": syntax}  # record syntax not supported
        record_id = result.record_id(offset)
        record = Record.objects.filter(pk=record_id).only("id", "marc").first() if record_id else None
        if record is None:
            # Deleted since the search.
            return {"error": 14, "info": str(offset)}  # system error in presenting records
        data = render(record, xml=syntax in XML_SYNTAXES, brief=element == "B")
        return {"record": base64.b64encode(data).decode("ascii"), "syntax": syntax, "last": offset == result.hits}


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
