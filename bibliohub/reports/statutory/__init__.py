"""Statutory forms as data: which of our figures fills which line of a form.

Each form and version is one JSON file in this folder (`imls-pls-fy2023.json`,
`6nk-2022.json`, `cn-school-2018.json`), so a changed form is a changed file. A file names
the form (`form`: the code commands and pages use), its `version`, `title`, `authority`,
the `language` its wording is in (a form's lines keep the authority's own wording), what a
missing value is filed as when the form says (`missing_as`: IMLS files -1), and its
`sections`, each with `lines`:

    {"line": "553", "element": "PHYSCIR", "label": "Physical item circulation",
     "source": {"indicator": "loans"}, "norm": "", "note": ""}

`line` is the form's own number for the line (the IMLS data element number, the 6-НК row
number), `column` the column of the form's table it goes in, where the form has columns
(6-НК's «графа»), and `element` the form's variable name (IMLS: PHYSCIR). They are shown
beside each figure in the form's outputs and in the annual report (`references`). A file may
also give its `short_title` ("IMLS PLS"), used in those references.

A line's `source` says how its value is worked out, from the indicators of the year for
the scope (history.indicators; never from current state):

- `{"indicator": "loans"}`: the indicator's value;
- `{"indicator": "programmes", "by": "imls_audience", "values": ["0-5"]}`: the parts of
  its breakdown by a dimension with those values, added up;
- `{"census": "patrons.students"}`: what a daily count of that history kind found at the
  end of the year;
- `{"sum": [source, …]}`: the sources added up (missing if one is);
- `{"ratio": [numerator, denominator], "scale": 1}`;
- `{"term": 1, "indicator": "loans_per_student_term"}`: the indicator for the year's
  first (second …) school term;
- `{"none": "why"}`: a line Bibliohub does not compute.

A value that cannot be worked out is missing, with its reason, never zero."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from bibliohub.history import indicators
from bibliohub.history import kinds as history_kinds
from bibliohub.history.indicators import Figure, Inputs, Period, Scope
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures.selectors import terms_of

FOLDER = Path(__file__).parent


class FormUnknown(KeyError):
    """No form with that code."""


class FormInvalid(ValueError):
    """A form file whose source names something that does not exist."""


@dataclass(frozen=True)
class FormLine:
    section: str
    line: str
    column: str
    element: str
    label: str
    norm: str
    note: str
    source: dict[str, Any] | None

    def reference(self) -> str:
        """Where the figure goes on the form, in the reader's language: "553 PHYSCIR",
        "line 14, column 3"; "" for a line without a number or a name."""
        if self.line and self.column:
            where = _("line %(line)s, column %(column)s") % {
                "line": self.line, "column": self.column,
            }
        elif self.column:
            where = _("column %(column)s") % {"column": self.column}
        else:
            where = self.line
        return " ".join(part for part in (where, self.element) if part)


@dataclass(frozen=True)
class Form:
    code: str
    version: str
    title: str
    short_title: str
    authority: str
    language: str
    missing_as: str | None
    lines: list[FormLine]


@cache
def forms() -> dict[str, Form]:
    """Every form defined in this folder, by code (the newest version of each when a
    folder holds several: the file names sort by version)."""
    found: dict[str, Form] = {}
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = [
            FormLine(
                section=section["title"],
                line=str(line.get("line") or ""),
                column=str(line.get("column") or ""),
                element=line.get("element", ""),
                label=line["label"],
                norm=line.get("norm", ""),
                note=line.get("note", ""),
                source=line.get("source"),
            )
            for section in data["sections"]
            for line in section["lines"]
        ]
        found[data["form"]] = Form(
            code=data["form"],
            version=data["version"],
            title=data["title"],
            short_title=data.get("short_title", data["form"]),
            authority=data.get("authority", ""),
            language=data.get("language", "en"),
            missing_as=data.get("missing_as"),
            lines=lines,
        )
    return found


def references(code: str) -> list[str]:
    """Where each form puts the figure of indicator `code` as it is (not a part of its
    breakdown, a term's, a sum or a ratio): "IMLS PLS FY2023: 553 PHYSCIR", in the
    reader's language; none for an indicator no form reports directly."""
    found = []
    for form in forms().values():
        for line in form.lines:
            source = line.source or {}
            if set(source) == {"indicator"} and source["indicator"] == code:
                where = line.reference()
                if where:
                    found.append(f"{form.short_title} {form.version}: {where}")
    return found


def get(code: str) -> Form:
    try:
        return forms()[code]
    except KeyError:
        raise FormUnknown(code) from None


@dataclass(frozen=True)
class FilledLine:
    spec: FormLine
    value: Decimal | None
    missing_reason: str = ""

    @property
    def is_missing(self) -> bool:
        return self.value is None

    def filed(self, form: Form) -> Decimal | None:
        """The value as it goes on the form: a missing one as the form says (IMLS: -1), or
        none."""
        if self.value is None:
            return None if form.missing_as is None else Decimal(form.missing_as)
        return self.value


@dataclass
class FilledForm:
    form: Form
    year: int
    network: str
    branch_code: str | None
    place: str
    lines: list[FilledLine] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, list[FilledLine]]]:
        grouped: dict[str, list[FilledLine]] = {}
        for line in self.lines:
            grouped.setdefault(line.spec.section, []).append(line)
        return list(grouped.items())


class _Filler:
    """Works out the sources of one form for one year and scope, reading each period's
    roll-ups once."""

    def __init__(self, network: Network, branch: Branch | None, year: int) -> None:
        self.network = network
        self.branch = branch
        self.year = year
        self.scope = Scope(network.pk, branch.pk if branch is not None else None)
        self.inputs = Inputs(Period.year(year), network.pk)
        self._terms: list[Period] | None = None

    def terms(self) -> list[Period]:
        if self._terms is None:
            self._terms = [
                Period.term(t.starts_on, t.ends_on, t.display_name())
                for t in terms_of(self.network, self.year, self.branch)
            ]
        return self._terms

    def value(self, source: dict[str, Any] | None) -> Figure:
        if not source or "none" in source:
            return Figure.lacking(_("Not computed by Bibliohub."))
        if "sum" in source:
            added = [self.value(s) for s in source["sum"]]
            for part in added:
                if part.is_missing:
                    return part
            return Figure.count(sum((p.value for p in added if p.value is not None), Decimal(0)))
        if "ratio" in source:
            top, bottom = (self.value(s) for s in source["ratio"])
            if top.is_missing:
                return top
            if bottom.is_missing:
                return bottom
            return Figure.ratio(top.value, bottom.value, scale=int(source.get("scale", 1)))
        if "census" in source:
            domain, _dot, code = str(source["census"]).partition(".")
            kind = history_kinds.find(domain, code)
            if kind is None:
                raise FormInvalid(f"no history kind {source['census']}")
            level = self.inputs.level([kind], self.scope)
            return Figure.count(None if level is None else level.quantity)
        wanted_code = source.get("indicator")
        indicator = indicators.get(str(wanted_code)) if wanted_code else None
        if indicator is None:
            return Figure.lacking(_("Not computed by this installation."))
        if "term" in source:
            number = int(source["term"])
            terms = self.terms()
            if len(terms) < number:
                return Figure.lacking(_("No such school term in the year."))
            of_term = indicators.figures(terms[number - 1], [self.scope], codes=[indicator.code])
            return of_term[self.scope][indicator.code]
        if "by" in source:
            if source["by"] not in indicator.dimensions or indicator.breakdown is None:
                raise FormInvalid(f"{indicator.code} is not broken down by {source['by']}")
            parts = indicator.breakdown(self.inputs, self.scope, source["by"])
            total = self.inputs.figure(indicator.code, self.scope)
            if total.is_missing:
                return total
            chosen = [parts[v] for v in source.get("values", []) if v in parts]
            return Figure.count(sum((p.value or Decimal(0) for p in chosen), Decimal(0)))
        return self.inputs.figure(indicator.code, self.scope)


def fill(form: Form, *, network: Network, branch: Branch | None, year: int, language: str) -> FilledForm:
    """`form` filled in for `year` at `branch` (None: the whole network). Reads only. The
    reasons for missing values are in the active language; the lines keep the form's."""
    with translation.override(language):
        return _fill(form, network=network, branch=branch, year=year, language=language)


def _fill(form: Form, *, network: Network, branch: Branch | None, year: int, language: str) -> FilledForm:
    filler = _Filler(network, branch, year)
    filled = FilledForm(
        form=form,
        year=year,
        network=network.display_name(language),
        branch_code=branch.code if branch is not None else None,
        place=(branch or network).display_name(language),
    )
    for spec in form.lines:
        figure = filler.value(spec.source)
        filled.lines.append(
            FilledLine(spec, figure.value, figure.missing_label if figure.is_missing else "")
        )
    return filled
