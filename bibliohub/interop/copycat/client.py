"""Search the copy cataloguing targets: SRU over HTTP (lxml), Z39.50 through Index Data's
ZOOM (the Perl binding of YAZ, `z3950/search_target.pl`, run once a search). Every failure —
a host that does not answer, a timeout, a diagnostic, an answer that is not MARC — comes back
as a message for the cataloguer, never as an exception out of here."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pymarc
from django.utils.translation import gettext as _
from lxml import etree
from stdnum import isbn as stdnum_isbn

from bibliohub.catalog.marc import iso2709, unimarc
from bibliohub.catalog.marc.extract import RecordFields, extract_fields
from bibliohub.catalog.marc.reader import Format, NotMarcError, ReadRecord, read_records
from bibliohub.catalog.marc.unimarc import Schema, looks_unimarc
from bibliohub.interop.copycat.models import CopyTarget
from bibliohub.interop.sru import cql

SEARCH_TARGET = Path(__file__).resolve().parent.parent / "z3950" / "search_target.pl"
TIMEOUT = 10.0  # seconds a target has to answer
MAX_RECORDS = 10
MARC_NS = "http://www.loc.gov/MARC21/slim"


@dataclass(frozen=True)
class CopyQuery:
    """What the cataloguer looks for: an ISBN, or words of the title and the author."""

    isbn: str = ""
    title: str = ""
    author: str = ""

    def __bool__(self) -> bool:
        return bool(self.isbn.strip() or self.title.strip() or self.author.strip())

    @property
    def isbn_digits(self) -> str:
        return re.sub(r"[^0-9Xx]", "", self.isbn).upper()

    def pqf(self) -> str:
        """The query as Z39.50 Type-1 with Bib-1 use attributes."""
        terms = []
        if self.isbn_digits:
            terms.append(f"@attr 1=7 {_pqf_term(self.isbn_digits)}")
        if self.title.strip():
            terms.append(f"@attr 1=4 {_pqf_term(self.title)}")
        if self.author.strip():
            terms.append(f"@attr 1=1003 {_pqf_term(self.author)}")
        return "@and " * (len(terms) - 1) + " ".join(terms)

    def cql(self) -> str:
        """The query as CQL with the indexes every SRU server knows."""
        clauses = []
        if self.isbn_digits:
            clauses.append(f"bath.isbn = {_cql_term(self.isbn_digits)}")
        if self.title.strip():
            clauses.append(f"dc.title all {_cql_term(self.title)}")
        if self.author.strip():
            clauses.append(f"dc.creator all {_cql_term(self.author)}")
        return " and ".join(clauses)


def _pqf_term(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cql_term(text: str) -> str:
    return '"' + cql.unescape(" ".join(text.split())).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Candidate:
    """One record a target holds, read into our MARC and fields."""

    position: int
    marc: pymarc.Record
    fields: RecordFields
    warnings: list[str] = field(default_factory=list)
    schema: Schema = "marc21"  # or "unimarc", "cnmarc": read through the UNIMARC crosswalk

    @property
    def isbns(self) -> list[str]:
        return self.fields.isbns

    @property
    def is_unimarc(self) -> bool:
        return self.schema != "marc21"

    def transport(self) -> bytes:
        """The record as UTF-8 ISO 2709, to carry to the import (a UNIMARC record's field 100
        and leader saying so: it was read into Unicode whatever it came in)."""
        if self.is_unimarc:
            unimarc.for_storage(self.marc)
            leader = str(self.marc.leader)
            self.marc.leader = leader[:9] + "a" + leader[10:]  # type: ignore[assignment]
        return iso2709.encode(self.marc)


@dataclass
class TargetAnswer:
    target: CopyTarget
    total: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    error: str = ""  # for the cataloguer; empty when the target answered


class TargetFailed(Exception):
    """A target that could not be searched, with the message for the cataloguer."""


def search_targets(
    targets: Sequence[CopyTarget], query: CopyQuery, *, limit: int = MAX_RECORDS, timeout: float = TIMEOUT
) -> list[TargetAnswer]:
    """Ask every target at once (a slow one costs its timeout, not the sum) and return their
    answers in the order of `targets`."""
    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        return list(pool.map(lambda t: search_target(t, query, limit=limit, timeout=timeout), targets))


def search_target(target: CopyTarget, query: CopyQuery, *, limit: int = MAX_RECORDS, timeout: float = TIMEOUT) -> TargetAnswer:
    """The first `limit` records of `target` for `query`, or the reason there are none."""
    answer = TargetAnswer(target)
    try:
        if target.protocol == CopyTarget.Protocol.SRU:
            answer.total, raw = _sru(target, query, limit=limit, timeout=timeout)
            answer.candidates = _read(raw, "marcxml", target.charset)
        else:
            answer.total, raw = _z3950(target, query, limit=limit, timeout=timeout)
            syntax: Format = "marcxml" if target.syntax == CopyTarget.Syntax.MARCXML else "iso2709"
            answer.candidates = _read(raw, syntax, target.charset)
    except TargetFailed as failure:
        answer.error = str(failure)
    return answer


def _read(raw: list[bytes | None], syntax: Format, charset: str) -> list[Candidate]:
    """The records a target sent, MARC 21 or UNIMARC, told apart record by record (a target
    asked for one may send the other); a UNIMARC record's character set is read from its
    field 100, and the catalogue's character set setting applies to MARC 21 leaders."""
    found = []
    for position, data in enumerate(raw, start=1):
        if not data:
            continue
        marc21 = syntax != "iso2709" or not looks_unimarc(data)
        if syntax == "iso2709" and marc21 and charset != CopyTarget.Charset.AUTO and len(data) > 9:
            # The target's leaders are known to lie about their character set.
            data = data[:9] + (b"a" if charset == CopyTarget.Charset.UTF8 else b" ") + data[10:]
        try:
            read = [r for r in read_records(io.BytesIO(data), format=syntax) if isinstance(r, ReadRecord)]
        except (NotMarcError, ValueError):
            continue
        for record in read:
            fields = extract_fields(record.record) if record.schema == "marc21" else unimarc.extract(record.record)
            found.append(Candidate(position, record.record, fields, record.warnings, record.schema))
    return found


def _z3950(target: CopyTarget, query: CopyQuery, *, limit: int, timeout: float) -> tuple[int, list[bytes | None]]:
    request = {
        "host": target.host, "port": target.port, "database": target.database,
        "syntax": {CopyTarget.Syntax.MARCXML: "xml", CopyTarget.Syntax.UNIMARC: "unimarc"}.get(
            CopyTarget.Syntax(target.syntax), "usmarc"
        ),
        "query": query.pqf(), "count": limit, "timeout": max(1, int(timeout)),
    }
    try:
        done = subprocess.run(
            ["perl", str(SEARCH_TARGET)], input=json.dumps(request).encode("utf-8"), capture_output=True,
            timeout=timeout + 5,
        )
    except subprocess.TimeoutExpired:
        raise TargetFailed(_no_answer(target, timeout)) from None
    except OSError as error:
        raise TargetFailed(_("The Z39.50 client could not start: %(error)s") % {"error": error}) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise TargetFailed(
            _("The Z39.50 client failed: %(error)s") % {"error": done.stderr.decode("utf-8", "replace")[-300:]}
        ) from None
    if "error" in answer:
        raise TargetFailed(_z3950_message(target, answer, timeout))
    return int(answer["hits"]), [base64.b64decode(r) if r else None for r in answer["records"]]


def _z3950_message(target: CopyTarget, answer: dict, timeout: float) -> str:
    code = int(answer.get("error") or 0)
    if code == 10000:  # ZOOM_ERROR_CONNECT
        return _("%(target)s cannot be reached at %(address)s.") % {"target": target.name, "address": target.address}
    if code == 10007:  # ZOOM_ERROR_TIMEOUT
        return _no_answer(target, timeout)
    detail = " — ".join(p for p in (str(answer.get("message") or ""), str(answer.get("info") or "")) if p)
    return _("%(target)s refused the search: %(detail)s") % {"target": target.name, "detail": detail}


def _no_answer(target: CopyTarget, timeout: float) -> str:
    return _("%(target)s did not answer within %(seconds)d seconds.") % {"target": target.name, "seconds": timeout}


def _sru(target: CopyTarget, query: CopyQuery, *, limit: int, timeout: float) -> tuple[int, list[bytes | None]]:
    parameters = {
        "version": "1.2", "operation": "searchRetrieve", "query": query.cql(), "maximumRecords": str(limit),
        "recordSchema": "marcxml", "recordPacking": "xml",
    }
    url = f"{target.address}?{urllib.parse.urlencode(parameters)}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(20_000_000)
    except TimeoutError:
        raise TargetFailed(_no_answer(target, timeout)) from None
    except urllib.error.HTTPError as error:
        raise TargetFailed(
            _("%(target)s answered with HTTP error %(status)d.") % {"target": target.name, "status": error.code}
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise TargetFailed(_no_answer(target, timeout)) from None
        raise TargetFailed(
            _("%(target)s cannot be reached at %(address)s.") % {"target": target.name, "address": target.address}
        ) from None
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        raise TargetFailed(_("%(target)s did not answer in SRU.") % {"target": target.name}) from None
    for diagnostic in root.iter("{*}diagnostic"):
        message = " — ".join(
            (e.text or "").strip() for e in diagnostic if etree.QName(e).localname in ("message", "details") and e.text
        )
        raise TargetFailed(_("%(target)s refused the search: %(detail)s") % {"target": target.name, "detail": message})
    total = next((int(e.text) for e in root.iter("{*}numberOfRecords") if (e.text or "").strip().isdigit()), 0)
    records: list[bytes | None] = []
    for data in root.iter("{*}recordData"):
        marc = next(data.iter(f"{{{MARC_NS}}}record"), None)
        if marc is None and data.text and data.text.strip().startswith("<"):
            # recordPacking=string: the record escaped as text.
            try:
                marc = etree.fromstring(data.text.strip().encode("utf-8"))
            except etree.XMLSyntaxError:
                marc = None
        records.append(etree.tostring(marc) if marc is not None else None)
    return total, records


def normalised_isbns(values: Sequence[str]) -> list[str]:
    """The ISBNs among `values` as 13 digits (what our identifiers hold), for matching."""
    found = []
    for value in values:
        digits = re.sub(r"[^0-9Xx]", "", value.split(" ")[0]).upper()
        if stdnum_isbn.is_valid(digits):
            found.append(stdnum_isbn.to_isbn13(digits))
    return list(dict.fromkeys(found))
