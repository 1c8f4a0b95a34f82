"""The /oai endpoint: parses an OAI-PMH 2.0 request (GET or POST), answers it from
`repository`, and turns every bad request into an OAI-PMH error in a 200 response, as the
protocol asks: harvesters read the error codes, not HTTP statuses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from bibliohub.interop import records
from bibliohub.interop.oaipmh import repository
from bibliohub.interop.oaipmh.repository import BadToken, Entry, Window
from bibliohub.libraries.models import Branch, Network

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
MARC = "http://www.loc.gov/MARC21/slim"

# metadataPrefix: (schema, namespace)
FORMATS: dict[str, tuple[str, str]] = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "marc21": ("http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC),
}

# For each verb, its required and optional arguments; "resumptionToken" is exclusive.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (
        frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})
    ),
    "ListRecords": (
        frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})
    ),
}

_DAY = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
_SECOND = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")


class OAIError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    """Answer one OAI-PMH request."""
    now = timezone.now()
    args = request.POST if request.method == "POST" else request.GET
    base_url = request.build_absolute_uri(request.path)
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _text(root, "responseDate", _stamp(now))
    request_element = _text(root, "request", base_url)
    try:
        verb, params = _parse(args)
    except OAIError as error:
        # The request is echoed without attributes after badVerb or badArgument (4.2).
        _error(root, error)
        return _response(root)
    for name, value in [("verb", verb), *sorted(params.items())]:
        request_element.set(name, value)
    spliced: list[str] = []
    try:
        body = _answer(verb, params, now=now, base_url=base_url, spliced=spliced)
    except OAIError as error:
        _error(root, error)
        spliced.clear()
    else:
        root.append(body)
    return _response(root, spliced)


# Where a record's MARCXML goes in the response: the records are written as text (see
# records.marcxml_text) and put in place of these comments when the rest of the response is,
# rather than parsed into the tree and written out again. Only a comment node serialises as
# this; text and attribute values never do, since their "<" is escaped.
_PLACE = "marcxml"
_PLACE_BYTES = b"<!--" + _PLACE.encode() + b"-->"


def _response(root: etree._Element, spliced: list[str] | None = None) -> HttpResponse:
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if spliced:
        around = data.split(_PLACE_BYTES)
        if len(around) != len(spliced) + 1:
            raise AssertionError("a record's place in the response was lost")
        pieces = [around[0]]
        for text, after in zip(spliced, around[1:], strict=True):
            pieces += (text.encode(), after)
        data = b"".join(pieces)
    return HttpResponse(data, content_type="text/xml; charset=utf-8")


def _error(root: etree._Element, error: OAIError) -> None:
    _text(root, "error", error.message).set("code", error.code)


# --- Arguments ------------------------------------------------------------------------------


def _parse(args: QueryDict) -> tuple[str, dict[str, str]]:
    verbs = args.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OAIError("badVerb", _("The verb is missing, repeated or not an OAI-PMH verb."))
    verb = verbs[0]
    required, optional = VERBS[verb]
    params: dict[str, str] = {}
    for name in args:
        if name == "verb":
            continue
        values = args.getlist(name)
        if name not in required | optional:
            raise OAIError("badArgument", _("%(verb)s does not take the argument “%(name)s”.")
                           % {"verb": verb, "name": name})
        if len(values) != 1:
            raise OAIError("badArgument", _("The argument “%(name)s” is repeated.") % {"name": name})
        params[name] = values[0]
    if "resumptionToken" in params:
        if len(params) > 1:
            raise OAIError("badArgument", _("A resumption token cannot come with other arguments."))
    elif missing := sorted(required - params.keys()):
        raise OAIError("badArgument", _("The argument “%(name)s” is required.") % {"name": missing[0]})
    _bounds(params)  # a bad date is a bad argument, and must not be echoed
    return verb, params


def _bounds(params: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """`from` as an inclusive start and `until` as an exclusive end: until a day or a second
    takes in the whole of it, as the datestamps we show are cut to the second."""
    start = end = None
    kinds = set()
    if "from" in params:
        start, kind = _instant(params["from"], "from")
        kinds.add(kind)
    if "until" in params:
        until, kind = _instant(params["until"], "until")
        kinds.add(kind)
        end = until + (timedelta(days=1) if kind == "day" else timedelta(seconds=1))
    if len(kinds) > 1:
        raise OAIError("badArgument", _("“from” and “until” must have the same granularity."))
    if start is not None and end is not None and start >= end:
        raise OAIError("badArgument", _("“from” is later than “until”."))
    return start, end


def _instant(value: str, name: str) -> tuple[datetime, str]:
    try:
        if _DAY.match(value):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC), "day"
        if _SECOND.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), "second"
    except ValueError:
        pass
    raise OAIError(
        "badArgument",
        _("“%(name)s” must be a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ).") % {"name": name},
    )


def _prefix(params: Mapping[str, str]) -> str:
    prefix = params["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            _("Records are offered as %(formats)s.") % {"formats": ", ".join(FORMATS)},
        )
    return prefix


def _record_id(identifier: str) -> int:
    head = f"oai:{repository_identifier()}:"
    if identifier.startswith(head) and identifier[len(head):].isdigit():
        return int(identifier[len(head):])
    raise OAIError("idDoesNotExist", _("There is no record with this identifier."))


# --- Verbs ----------------------------------------------------------------------------------


def _answer(
    verb: str, params: dict[str, str], *, now: datetime, base_url: str, spliced: list[str]
) -> etree._Element:
    """The answer to `verb`; the MARCXML of the records it holds goes to `spliced`, in order."""
    if verb == "Identify":
        return _identify(now=now, base_url=base_url)
    if verb == "ListMetadataFormats":
        return _list_formats(params)
    if verb == "ListSets":
        return _list_sets(params)
    if verb == "GetRecord":
        return _get_record(params, spliced)
    return _list(verb, params, now=now, spliced=spliced)


def _identify(*, now: datetime, base_url: str) -> etree._Element:
    body = etree.Element(f"{{{OAI}}}Identify")
    network = Network.objects.order_by("pk").first()
    _text(body, "repositoryName", network.name if network else "Bibliohub")
    _text(body, "baseURL", base_url)
    _text(body, "protocolVersion", "2.0")
    _text(body, "adminEmail", admin_email())
    _text(body, "earliestDatestamp", _stamp(repository.earliest_datestamp() or now))
    _text(body, "deletedRecord", "persistent")
    _text(body, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    return body


def _list_formats(params: Mapping[str, str]) -> etree._Element:
    if "identifier" in params and repository.entry(_record_id(params["identifier"]), with_record=False) is None:
        raise OAIError("idDoesNotExist", _("There is no record with this identifier."))
    body = etree.Element(f"{{{OAI}}}ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        element = _text(body, "metadataFormat")
        _text(element, "metadataPrefix", prefix)
        _text(element, "schema", schema)
        _text(element, "metadataNamespace", namespace)
    return body


def _list_sets(params: Mapping[str, str]) -> etree._Element:
    if "resumptionToken" in params:
        raise OAIError("badResumptionToken", _("The list of sets comes whole; it has no tokens."))
    sets = repository.all_sets()
    if not sets:
        raise OAIError("noSetHierarchy", _("This repository has no sets."))
    body = etree.Element(f"{{{OAI}}}ListSets")
    for spec, name in sets:
        element = _text(body, "set")
        _text(element, "setSpec", spec)
        _text(element, "setName", name)
    return body


def _get_record(params: Mapping[str, str], spliced: list[str]) -> etree._Element:
    prefix = _prefix(params)
    found = repository.entry(_record_id(params["identifier"]), with_record=True)
    if found is None:
        raise OAIError("idDoesNotExist", _("There is no record with this identifier."))
    body = etree.Element(f"{{{OAI}}}GetRecord")
    _record(body, found, prefix, spliced)
    return body


def _list(verb: str, params: dict[str, str], *, now: datetime, spliced: list[str]) -> etree._Element:
    if "resumptionToken" in params:
        try:
            window = repository.window_of(params["resumptionToken"], verb=verb)
        except BadToken:
            raise OAIError(
                "badResumptionToken", _("This resumption token is not one we issued for %(verb)s.")
                % {"verb": verb},
            ) from None
    else:
        prefix = _prefix(params)
        start, end = _bounds(params)
        selected: dict[str, str] = {}
        if "set" in params:
            if not repository.set_exists(params["set"]):
                raise OAIError("noRecordsMatch", _("There is no such set."))
            selected = repository.window_set(params["set"])
        # Fixing the end on the first page keeps later pages from shifting (repository).
        window = Window(
            prefix=prefix, start=start, end=min(end, now) if end else now,
            branch=selected.get("branch"), format=selected.get("format"),
        )
    with_records = verb == "ListRecords"
    entries, more = repository.page(window, with_records=with_records)
    if not entries:  # also a resumed list whose remaining records all changed meanwhile
        raise OAIError("noRecordsMatch", _("No records match these arguments."))
    body = etree.Element(f"{{{OAI}}}{verb}")
    for found in entries:
        if with_records:
            _record(body, found, window.prefix, spliced)
        else:
            _header(body, found)
    if more or window.after is not None:
        # The last page of a resumed list carries an empty token (3.5).
        token = _text(
            body, "resumptionToken",
            repository.token_after(window, entries[-1], verb=verb, count=len(entries)) if more else "",
        )
        token.set("cursor", str(window.cursor))
    return body


# --- Records --------------------------------------------------------------------------------


def _header(parent: etree._Element, found: Entry) -> None:
    header = _text(parent, "header")
    if found.deleted:
        header.set("status", "deleted")
    _text(header, "identifier", f"oai:{repository_identifier()}:{found.record_id}")
    _text(header, "datestamp", _stamp(found.datestamp))
    for spec in found.sets:
        _text(header, "setSpec", spec)


def _record(parent: etree._Element, found: Entry, prefix: str, spliced: list[str]) -> None:
    element = _text(parent, "record")
    _header(element, found)
    if found.deleted or found.record is None:
        return
    metadata = _text(element, "metadata")
    if prefix == "marc21":
        metadata.append(etree.Comment(_PLACE))
        spliced.append(records.marcxml_text(found.record, xsi_declared=True))
    else:
        metadata.append(
            records.dublin_core(found.record, namespace=OAI_DC, prefix="oai_dc", schema_location=FORMATS["oai_dc"][0])
        )


# --- Small things ---------------------------------------------------------------------------


def repository_identifier() -> str:
    """The middle part of our OAI identifiers: the site's host name unless set otherwise."""
    return settings.OAI_REPOSITORY_IDENTIFIER or urlsplit(settings.SITE_URL).hostname or "localhost"


def admin_email() -> str:
    """Whom harvesters write to: the setting, else the central library's address, else the
    address the site's mail comes from."""
    if settings.OAI_ADMIN_EMAIL:
        return str(settings.OAI_ADMIN_EMAIL)
    central = Branch.objects.filter(is_central=True).exclude(email="").values_list("email", flat=True).first()
    return central or settings.DEFAULT_FROM_EMAIL


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{OAI}}}{name}")
    if text is not None:
        element.text = text
    return element
