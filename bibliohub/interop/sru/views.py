"""The /sru endpoint: SRU 1.2 and 2.0 over HTTP GET (and POST), answering explain,
searchRetrieve and scan. A bad query or parameter is answered with an SRU diagnostic in a
200 response, never a server error: SRU clients read diagnostics, not HTTP statuses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from bibliohub.catalog.models import Record
from bibliohub.interop import records
from bibliohub.interop.sru import scan, search
from bibliohub.interop.sru.search import Diagnostic
from bibliohub.libraries.models import Network

SRW = "http://www.loc.gov/zing/srw/"
SRW_DIAG = "http://www.loc.gov/zing/srw/diagnostic/"
SRU2 = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
SRU2_DIAG = "http://docs.oasis-open.org/ns/search-ws/diagnostic"
EXPLAIN = "http://explain.z3950.org/dtd/2.0/"
SRW_DC = "info:srw/schema/1/dc-schema"
MARCXML_ID = "info:srw/schema/1/marcxml-v1.1"
DC_ID = "info:srw/schema/1/dc-v1.1"
# recordSchema as a client may name it -> the identifier we answer with
SCHEMAS = {
    "marcxml": MARCXML_ID,
    MARCXML_ID: MARCXML_ID,
    "marc21": MARCXML_ID,
    "dc": DC_ID,
    DC_ID: DC_ID,
}
VERSIONS = ("1.1", "1.2", "2.0")
DEFAULT_RECORDS = 10
MAX_RECORDS = 100
MAX_TERMS = 100

# The parameters each operation takes (others, except extensions x-…, are diagnostic 8).
_COMMON = {"operation", "version", "stylesheet", "extraRequestData"}
PARAMETERS = {
    "explain": _COMMON | {"recordPacking", "recordXMLEscaping", "httpAccept"},
    "searchRetrieve": _COMMON
    | {
        "query",
        "queryType",
        "startRecord",
        "maximumRecords",
        "recordPacking",
        "recordSchema",
        "recordXMLEscaping",
        "resultSetTTL",
        "sortKeys",
        "recordXPath",
        "httpAccept",
        "renderedBy",
        "facetLimit",
    },
    "scan": _COMMON | {"scanClause", "responsePosition", "maximumTerms", "httpAccept"},
}
MESSAGES = {
    1: "General system error",
    4: "Unsupported operation",
    5: "Unsupported version",
    6: "Unsupported parameter value",
    7: "Mandatory parameter not supplied",
    8: "Unsupported parameter",
    10: "Query syntax error",
    11: "Unsupported query type",
    15: "Unsupported context set",
    16: "Unsupported index",
    19: "Unsupported relation",
    20: "Unsupported relation modifier",
    27: "Empty term unsupported",
    28: "Masking character not supported",
    31: "Anchoring character not supported",
    36: "Term in invalid format for index or relation",
    39: "Proximity not supported",
    46: "Unsupported boolean modifier",
    61: "First record position out of range",
    66: "Unknown schema for retrieval",
    71: "Unsupported record packing",
    72: "XPath retrieval unsupported",
    80: "Sort not supported",
    82: "Unsupported sort sequence",
    84: "Too many sort keys to sort",
    87: "Unsupported schema for sort",
    88: "Unsupported path for sort",
    90: "Unsupported direction",
    91: "Unsupported case",
}


class _Request:
    def __init__(self, args: QueryDict) -> None:
        self.args = args
        version = args.get("version") or "1.2"
        self.version = version if version in VERSIONS else "1.2"
        self.bad_version = version not in VERSIONS
        self.modern = self.version == "2.0"
        self.ns = SRU2 if self.modern else SRW
        self.diag_ns = SRU2_DIAG if self.modern else SRW_DIAG
        default = "searchRetrieve" if "query" in args else "explain"
        self.operation = args.get("operation") or default

    def el(
        self, parent: etree._Element | None, name: str, text: str | None = None
    ) -> etree._Element:
        tag = f"{{{self.ns}}}{name}"
        element = (
            etree.Element(tag, nsmap={"zs": self.ns})
            if parent is None
            else etree.SubElement(parent, tag)
        )
        if text is not None:
            element.text = text
        return element

    def number(self, name: str, default: int, *, least: int) -> int:
        value = self.args.get(name)
        if value is None or value == "":
            return default
        if not value.isdigit() or int(value) < least:
            raise Diagnostic(6, name)
        return int(value)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    """Answer one SRU request."""
    args = request.POST if request.method == "POST" else request.GET
    sru = _Request(args)
    operation = sru.operation if sru.operation in PARAMETERS else "explain"
    root = sru.el(
        None,
        {
            "explain": "explainResponse",
            "searchRetrieve": "searchRetrieveResponse",
            "scan": "scanResponse",
        }[operation],
    )
    sru.el(root, "version", sru.version)
    try:
        if sru.bad_version:
            raise Diagnostic(5, args.get("version", ""))
        if sru.operation not in PARAMETERS:
            raise Diagnostic(4, sru.operation)
        for name in args:
            if name not in PARAMETERS[operation] and not name.startswith("x-"):
                raise Diagnostic(8, name)
            if len(args.getlist(name)) > 1:
                raise Diagnostic(6, name)
        if operation == "searchRetrieve":
            _search_retrieve(sru, root)
        elif operation == "scan":
            _scan(sru, root)
        else:
            _explain(sru, root, request)
    except Diagnostic as diagnostic:
        if operation == "searchRetrieve" and root.find(f"{{{sru.ns}}}numberOfRecords") is None:
            sru.el(root, "numberOfRecords", "0")
        _diagnostic(sru, root, diagnostic)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(data, content_type="text/xml; charset=utf-8")


def _diagnostic(sru: _Request, root: etree._Element, diagnostic: Diagnostic) -> None:
    container = sru.el(root, "diagnostics")
    element = etree.SubElement(
        container, f"{{{sru.diag_ns}}}diagnostic", nsmap={"diag": sru.diag_ns}
    )
    etree.SubElement(
        element, f"{{{sru.diag_ns}}}uri"
    ).text = f"info:srw/diagnostic/1/{diagnostic.number}"
    if diagnostic.details:
        etree.SubElement(element, f"{{{sru.diag_ns}}}details").text = records.clean(
            diagnostic.details
        )
    etree.SubElement(element, f"{{{sru.diag_ns}}}message").text = MESSAGES.get(
        diagnostic.number, ""
    )


def _packing(sru: _Request) -> str:
    name = "recordXMLEscaping" if sru.modern else "recordPacking"
    packing = sru.args.get(name) or "xml"
    if packing not in ("xml", "string"):
        raise Diagnostic(71, packing)
    return packing


# --- searchRetrieve -------------------------------------------------------------------------


def _search_retrieve(sru: _Request, root: etree._Element) -> None:
    args = sru.args
    query = args.get("query")
    if not query:
        raise Diagnostic(7, "query")
    if args.get("queryType", "cql") != "cql":
        raise Diagnostic(11, args.get("queryType", ""))
    if args.get("sortKeys") and sru.modern:
        raise Diagnostic(8, "sortKeys (SRU 2.0 sorts with the query's sortBy)")
    if args.get("recordXPath"):
        raise Diagnostic(72, "recordXPath")
    start = sru.number("startRecord", 1, least=1)
    count = min(sru.number("maximumRecords", DEFAULT_RECORDS, least=0), MAX_RECORDS)
    schema = SCHEMAS.get(args.get("recordSchema") or "marcxml")
    if schema is None:
        raise Diagnostic(66, args.get("recordSchema", ""))
    packing = _packing(sru)
    found = search.run(query, start=start, count=count, sort_keys=args.get("sortKeys", ""))
    sru.el(root, "numberOfRecords", str(found.total))
    if found.total and start > found.total:
        raise Diagnostic(61, str(start))
    if found.record_ids:
        by_id = Record.objects.only(*records.COLUMNS).in_bulk(found.record_ids)
        container = sru.el(root, "records")
        for position, record_id in enumerate(found.record_ids, start=start):
            if (record := by_id.get(record_id)) is None:
                continue  # deleted since it was found
            element = sru.el(container, "record")
            sru.el(element, "recordSchema", schema)
            sru.el(element, "recordXMLEscaping" if sru.modern else "recordPacking", packing)
            data = sru.el(element, "recordData")
            payload = (
                records.marcxml(record)
                if schema == MARCXML_ID
                else records.dublin_core(record, namespace=SRW_DC, prefix="srw_dc")
            )
            if packing == "xml":
                data.append(payload)
            else:
                data.text = etree.tostring(payload, encoding="unicode")
            sru.el(element, "recordPosition", str(position))
    next_position = start + len(found.record_ids)
    if found.record_ids and next_position <= found.total:
        sru.el(root, "nextRecordPosition", str(next_position))


# --- scan -----------------------------------------------------------------------------------


def _scan(sru: _Request, root: etree._Element) -> None:
    clause = sru.args.get("scanClause")
    if not clause:
        raise Diagnostic(7, "scanClause")
    position = sru.number("responsePosition", 1, least=0)
    count = min(sru.number("maximumTerms", 10, least=1), MAX_TERMS)
    found = scan.terms(scan.parse_clause(clause), position=position, count=count)
    if found:
        container = sru.el(root, "terms")
        for term in found:
            element = sru.el(container, "term")
            sru.el(element, "value", records.clean(term.value))
            sru.el(element, "numberOfRecords", str(term.records))


# --- explain --------------------------------------------------------------------------------

INDEXES = [  # (title, context set, name, searched, sorted by)
    ("Any field", "cql", "serverChoice", True, False),
    ("Title", "dc", "title", True, True),
    ("Author", "dc", "creator", True, True),
    ("Subject", "dc", "subject", True, False),
    ("ISBN", "bath", "isbn", True, False),
    ("ISSN", "bath", "issn", True, False),
    ("Record number", "rec", "id", True, False),
    ("Date of publication", "dc", "date", False, True),
    ("Date added to the catalogue", "rec", "creationDate", False, True),
]
CONTEXT_SET_IDS = {
    "cql": "info:srw/cql-context-set/1/cql-v1.2",
    "dc": "info:srw/cql-context-set/1/dc-v1.1",
    "bath": "http://zing.z3950.org/cql/bath/2.0/",
    "rec": "info:srw/cql-context-set/2/rec-1.1",
}


def _explain(sru: _Request, root: etree._Element, request: HttpRequest) -> None:
    packing = _packing(sru)
    record = sru.el(root, "record")
    sru.el(record, "recordSchema", "http://explain.z3950.org/dtd/2.0/")
    sru.el(record, "recordXMLEscaping" if sru.modern else "recordPacking", packing)
    data = sru.el(record, "recordData")
    explain = etree.Element(f"{{{EXPLAIN}}}explain", nsmap={None: EXPLAIN})

    def sub(
        parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{EXPLAIN}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    server = sub(
        explain,
        "serverInfo",
        protocol="SRU",
        version=sru.version,
        transport=request.scheme or "http",
    )
    sub(server, "host", request.get_host().rsplit(":", 1)[0])
    sub(server, "port", str(request.get_port()))
    sub(server, "database", request.path.lstrip("/"))
    network = Network.objects.order_by("pk").first()
    database = sub(explain, "databaseInfo")
    sub(database, "title", network.name if network else "Bibliohub", lang="en", primary="true")
    index_info = sub(explain, "indexInfo")
    for name, identifier in CONTEXT_SET_IDS.items():
        sub(index_info, "set", name=name, identifier=identifier)
    for title, context_set, name, searched, sorted_by in INDEXES:
        index = sub(
            index_info,
            "index",
            search=str(searched).lower(),
            scan=str(searched).lower(),
            sort=str(sorted_by).lower(),
        )
        sub(index, "title", title, lang="en")
        sub(sub(index, "map"), "name", name, set=context_set)
    schema_info = sub(explain, "schemaInfo")
    for name, identifier, location, title in [
        (
            "marcxml",
            MARCXML_ID,
            "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
            "MARCXML",
        ),
        (
            "dc",
            DC_ID,
            "http://www.loc.gov/standards/sru/recordSchemas/dc-schema.xsd",
            "Dublin Core",
        ),
    ]:
        schema = sub(
            schema_info,
            "schema",
            identifier=identifier,
            location=location,
            name=name,
            sort="false",
            retrieve="true",
        )
        sub(schema, "title", title, lang="en")
    config = sub(explain, "configInfo")
    sub(config, "default", str(DEFAULT_RECORDS), type="numberOfRecords")
    sub(config, "setting", str(MAX_RECORDS), type="maximumRecords")
    sub(config, "default", "marcxml", type="retrieveSchema")
    for relation in sorted(search.RELATIONS):
        sub(config, "supports", relation, type="relation")
    # Right truncation only ("tolst*"): `?`, a `*` before or inside a word and anchoring
    # (`^`) are diagnostics 28 and 31, a truncated word of one letter 29.
    sub(config, "supports", "*", type="maskingCharacter")
    sub(config, "supports", type="sort")
    if packing == "xml":
        data.append(explain)
    else:
        data.text = etree.tostring(explain, encoding="unicode")
