"""The audit log: staff read the history — a patron's, a copy's, a title's, a branch's or a
staff member's timeline, or everything they may see — with filters, and download it as CSV
or XLSX. Each member of staff sees only the entries of their branches and role
(accounts.access.history_scope)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, Record
from bibliohub.history import ActorKind, Channel
from bibliohub.history import kinds as registry
from bibliohub.history.models import Entry
from bibliohub.history.selectors import entries
from bibliohub.interop.models import SelfCheckTerminal
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.web.spreadsheets import Table, download

PAGE_SIZE = 50
DOWNLOAD_LIMIT = 100_000


class HistoryFilter(forms.Form):
    since = forms.DateField(
        label=pgettext_lazy("dates", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("dates", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("What happened"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Branch"), required=False, queryset=Branch.objects.none()
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("Everything"))
        kinds: list[tuple[str, Any]] = [everything]
        for domain in registry.domains():
            if domain.kinds:
                kinds.append(
                    (
                        str(domain.label),
                        [(k.key, str(k.label)) for k in domain.kinds.values()]
                        + [(f"{domain.code}.", _("All of %(domain)s") % {"domain": domain.label})],
                    )
                )
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["channel"].choices = [("", _("Every channel")), *Channel.choices]  # type: ignore[attr-defined]
        branch_field = self.fields["branch"]
        assert isinstance(branch_field, forms.ModelChoiceField)
        branch_field.queryset = branches
        branch_field.empty_label = _("Every branch")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end comes before the start."))
        return data


@dataclass(frozen=True)
class Subject:
    """Whose timeline a page shows: the filter it fixes and the heading."""

    heading: str
    filters: dict[str, Any]
    link: str = ""


@dataclass
class Page:
    number: int
    has_previous: bool
    has_next: bool
    count: None = None


class Names:
    """Everything the rows of a page name, each looked up once for the page (no query per
    row): branches, staff members, terminals, patrons, copies and titles."""

    def __init__(self, rows: Sequence[Entry]) -> None:
        def ids(attribute: str) -> set[int]:
            return {getattr(e, attribute) for e in rows if getattr(e, attribute) is not None}

        self.branches = Branch.objects.in_bulk(ids("branch_id"))
        self.staff = User.objects.in_bulk(ids("staff_id"))
        self.terminals = SelfCheckTerminal.objects.in_bulk(ids("terminal_id"))
        self.patrons = Patron.objects.in_bulk(ids("patron_id"))
        self.items = Item.objects.only("barcode").in_bulk(ids("item_id"))
        self.records = Record.objects.only("title", "subtitle").in_bulk(ids("record_id"))

    def branch(self, entry: Entry) -> str:
        branch = self.branches.get(entry.branch_id) if entry.branch_id else None
        return branch.display_name() if branch else ""

    def actor(self, entry: Entry) -> str:
        if entry.actor == ActorKind.STAFF:
            user = self.staff.get(entry.staff_id) if entry.staff_id else None
            return (
                (user.get_full_name() or user.username) if user else _("a former member of staff")
            )
        if entry.actor == ActorKind.TERMINAL:
            terminal = self.terminals.get(entry.terminal_id) if entry.terminal_id else None
            return terminal.name if terminal else entry.source
        label = (
            str(ActorKind(entry.actor).label) if entry.actor in ActorKind.values else entry.actor
        )
        return f"{label}: {entry.source}" if entry.source else label

    def patron(self, entry: Entry) -> str:
        if entry.patron_id is None:
            return ""
        patron = self.patrons.get(entry.patron_id)
        return str(patron) if patron else ""

    def copy(self, entry: Entry) -> str:
        item = self.items.get(entry.item_id) if entry.item_id else None
        return item.barcode if item else (str(entry.item_id) if entry.item_id else "")

    def title(self, entry: Entry) -> str:
        record = self.records.get(entry.record_id) if entry.record_id else None
        return record.full_title if record else ""


def _detail(entry: Entry) -> str:
    parts = [f"{key}: {value}" for key, value in entry.detail.items()]
    if entry.reasons:
        parts.insert(0, ", ".join(registry.reason_label(entry.domain, r) for r in entry.reasons))
    return "; ".join(parts)


def _amount(entry: Entry) -> str:
    if entry.amount is None:
        return ""
    kind = registry.find(entry.domain, entry.kind)
    unit = kind.unit if kind is not None else registry.Unit.MONEY
    if unit == registry.Unit.MONEY:
        return f"{entry.amount} {entry.currency}".strip()
    return f"{entry.amount} {registry.Unit(unit).label}"


def _row(entry: Entry, names: Names) -> list[Any]:
    return [
        timezone.localtime(entry.at),
        entry.kind_label,
        names.branch(entry),
        names.actor(entry),
        str(Channel(entry.channel).label) if entry.channel in Channel.values else entry.channel,
        names.patron(entry),
        names.copy(entry),
        names.title(entry),
        _amount(entry),
        _detail(entry),
    ]


COLUMNS = [
    pgettext_lazy("moment", "When"),
    gettext_lazy("What happened"),
    gettext_lazy("Branch"),
    pgettext_lazy("who acted", "Who"),
    gettext_lazy("Channel"),
    gettext_lazy("Patron"),
    pgettext_lazy("item", "Copy"),
    gettext_lazy("Title"),
    gettext_lazy("Amount"),
    gettext_lazy("Details"),
]


def _filtered(request: StaffRequest, subject: Subject, form: HistoryFilter) -> QuerySet[Entry]:
    user = request.user
    queryset = entries(**subject.filters).filter(access.history_scope(user))
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    zone = timezone.get_current_timezone()
    if data.get("since"):
        queryset = queryset.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=zone))
    if data.get("until"):
        end = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
        queryset = queryset.filter(at__lt=end)
    if kind := data.get("kind"):
        domain, _dot, code = kind.partition(".")
        queryset = queryset.filter(domain=domain)
        if code:
            queryset = queryset.filter(kind=code)
    if data.get("channel"):
        queryset = queryset.filter(channel=data["channel"])
    if data.get("branch"):
        queryset = queryset.filter(branch_id=data["branch"].pk)
    return queryset


def _show(request: StaffRequest, subject: Subject) -> HttpResponse:
    user = request.user
    if not access.can_read_history(user):
        raise PermissionDenied(_("Your role does not include reading the history."))
    form = HistoryFilter(request.GET or None, branches=access.branches_for(user))
    queryset = _filtered(request, subject, form)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = list(queryset[:DOWNLOAD_LIMIT])
        names = Names(rows)
        table = Table(_("History"), COLUMNS, lambda e: _row(e, names))
        stamp = timezone.localdate().strftime("%Y%m%d")
        return download(table, rows, fmt=fmt, filename=f"history-{stamp}")
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    # One row more than the page tells whether there is a next page, without counting a
    # history of millions.
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    page = Page(number, number > 1, len(rows) > PAGE_SIZE)
    rows = rows[:PAGE_SIZE]
    names = Names(rows)
    headers = [str(c) for c in COLUMNS]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "web/staff/history.html",
        {
            "subject": subject,
            "form": form,
            "headers": headers,
            "rows": [
                (entry, list(zip(headers, _row(entry, names), strict=True))) for entry in rows
            ],
            "page": page,
            "query": query.urlencode(),
            "download_limit": DOWNLOAD_LIMIT,
        },
    )


@staff_required
def everything(request: StaffRequest) -> HttpResponse:
    return _show(request, Subject(_("History"), {}))


@staff_required
def patron(request: StaffRequest, patron_id: int) -> HttpResponse:
    found = get_object_or_404(Patron, pk=patron_id)
    return _show(
        request,
        Subject(
            _("History of %(patron)s") % {"patron": found},
            {"patron_id": found.pk},
            reverse("staff:patrons:detail", args=[found.pk]),
        ),
    )


@staff_required
def copy(request: StaffRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=item_id)
    return _show(
        request,
        Subject(
            _("History of copy %(barcode)s") % {"barcode": item.barcode},
            {"item_id": item.pk},
            reverse("staff:catalog:item_edit", args=[item.pk]),
        ),
    )


@staff_required
def title(request: StaffRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.only("title", "subtitle"), pk=record_id)
    return _show(
        request,
        Subject(
            _("History of “%(title)s”") % {"title": record.full_title},
            {"record_id": record.pk},
            reverse("staff:catalog:record", args=[record.pk]),
        ),
    )


@staff_required
def branch(request: StaffRequest, code: str) -> HttpResponse:
    found = get_object_or_404(Branch, code=code)
    return _show(
        request,
        Subject(
            _("History of %(branch)s") % {"branch": found.display_name()},
            {"branch_ids": [found.pk]},
            reverse("staff:libraries:branch", args=[found.code]),
        ),
    )


@staff_required
def staff_member(request: StaffRequest, user_id: int) -> HttpResponse:
    member = get_object_or_404(User, pk=user_id)
    return _show(
        request,
        Subject(
            _("What %(name)s did") % {"name": member.get_full_name() or member.username},
            {"staff_id": member.pk},
        ),
    )
