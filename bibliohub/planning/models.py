"""Development programmes and SWOT analyses.

A programme belongs to the network (no branch) or to one branch, runs for one year or
several (or a school term), and is built of strategic directions → goals → actions. Its
measures (the plan's indicators) and each action name indicators by their stable code
(`planning.codes`), never a copy of them. Progress is recorded as dated updates on an action,
with evidence (photos, videos, documents, links).

Texts are written in the programme's language (`language`) and may be translated: each text
field has a JSON field of translations keyed by language code (`title` / `titles`), shown in
the reader's language when there is one and in the programme's language otherwise, as the
product keeps the names of branches and the titles of events. What happened to them is in
the history (`planning.kinds`)."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch, Network


@dataclass(frozen=True)
class Text:
    """A text with the language it is in, so that a page can mark a Ukrainian title on an
    English page as Ukrainian (`lang`), which screen readers need to pronounce it."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def text_in(texts: dict[str, str], default: str, source: str, language: str | None = None) -> Text:
    """The text of `texts` ({language: text}) for `language` (default: the active one), also
    without its region; `default`, which is in the language `source`, when there is none."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    for code in (language, language.split("-")[0]):
        if texts.get(code):
            return Text(texts[code], code)
    return Text(default, source)


class _Texts:
    """What the models with translated texts share: `text("title")` is the title in the
    active language (`titles[language]`, else `title`); `text("summary")` reads
    `summaries`."""

    @property
    def source_language(self) -> str:
        raise NotImplementedError

    def text(self, name: str, language: str | None = None) -> Text:
        plural = f"{name[:-1]}ies" if name.endswith("y") else f"{name}s"  # summary: summaries
        return text_in(
            getattr(self, plural) or {}, getattr(self, name), self.source_language, language
        )


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("programme", "Draft")
    ADOPTED = "adopted", pgettext_lazy("programme", "In force")
    CLOSED = "closed", pgettext_lazy("programme", "Closed")


def _language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


class Programme(_Texts, models.Model):
    """A development programme: the network's (branch empty) or one branch's, for the
    dates it runs. Only staff see a draft; the monitoring group reads a programme once it is
    in force (or closed); the public once it is also published."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="programmes")
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("branch"),
        help_text=_("Empty for a programme of the whole network."),
    )
    language = models.CharField(
        _("written in"), max_length=10, choices=_language_choices,
        help_text=_("The language of its texts; translations are shown where there are some."),
    )
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(_("title in other languages"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summaries = models.JSONField(_("summary in other languages"), default=dict, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    is_published = models.BooleanField(_("shown on the public site"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The built-in template it was started from (planning.blueprints), if any.
    blueprint = models.CharField(_("template"), max_length=40, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programme_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["network", "branch", "starts_on"])]
        verbose_name = _("development programme")
        verbose_name_plural = _("development programmes")

    def __str__(self) -> str:
        return str(self.text("title"))

    @property
    def source_language(self) -> str:
        return self.language

    @property
    def is_draft(self) -> bool:
        return self.status == ProgrammeStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == ProgrammeStatus.CLOSED

    @property
    def years(self) -> str:
        """"2026", or "2024–2028" for a programme of several years."""
        first, last = self.starts_on.year, self.ends_on.year
        return str(first) if first == last else f"{first}–{last}"


class Direction(_Texts, models.Model):
    """A strategic direction (a priority) of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="directions")
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(_("title in other languages"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("description in other languages"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("strategic direction")
        verbose_name_plural = _("strategic directions")

    def __str__(self) -> str:
        return str(self.text("title"))

    @property
    def source_language(self) -> str:
        return self.programme.language


class Goal(_Texts, models.Model):
    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(_("title in other languages"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("description in other languages"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = pgettext_lazy("plan", "goal")
        verbose_name_plural = pgettext_lazy("plan", "goals")

    def __str__(self) -> str:
        return str(self.text("title"))

    @property
    def source_language(self) -> str:
        return self.direction.programme.language


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("action", "Not started")
    ON_TRACK = "on_track", pgettext_lazy("action", "On track")
    AT_RISK = "at_risk", pgettext_lazy("action", "At risk")
    LATE = "late", pgettext_lazy("action", "Late")
    DONE = "done", pgettext_lazy("action", "Done")


class Funding(models.TextChoices):
    BUDGET = "budget", _("Municipal or state budget")
    OWN = "own", _("The library's own income")
    GRANT = "grant", _("Grant")
    SPONSORSHIP = "sponsorship", _("Sponsorship or donations")
    PARTNER = "partner", _("A partner's contribution")
    NONE = "none", _("No extra money needed")


def month_key(day: date) -> str:
    """How a monthly schedule names a month: "2025-09"."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(key: str) -> date:
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def month_end(key: str) -> date:
    first = month_start(key)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


class Action(_Texts, models.Model):
    """What will be done under a goal, where, by whom, with whom and with what money, when
    (from a start to a due date, or in the months of a monthly schedule), and how it is
    going.

    `status` is what staff last said (with a progress update or on the action); an action
    not done whose due date has passed is shown as late whatever was said (`shown_status`),
    so a forgotten action cannot look on track."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    title = models.CharField(_("what will be done"), max_length=500)
    titles = models.JSONField(_("what will be done, in other languages"), default=dict, blank=True)
    description = models.TextField(_("details"), blank=True)
    descriptions = models.JSONField(_("details in other languages"), default=dict, blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    expected_results = models.JSONField(
        _("expected result in other languages"), default=dict, blank=True
    )
    coordinator = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("coordinated by"),
        help_text=_("The library that coordinates the action, e.g. the central library."),
    )
    all_branches = models.BooleanField(_("concerns every branch"), default=False)
    branches = models.ManyToManyField(
        Branch, blank=True, related_name="+", verbose_name=_("carried out at")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("responsible"),
    )
    partners = models.ManyToManyField(
        "community.Partner", blank=True, related_name="+", verbose_name=_("partners")
    )
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices, blank=True)
    funding_note = models.CharField(_("about the funding"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # A monthly schedule instead of dates: the months ("2025-09") the action is done in.
    months = models.JSONField(_("months"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    indicator_codes = models.JSONField(_("indicators it moves"), default=list, blank=True)
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(due_on__gte=models.F("starts_on")),
                name="action_due_after_start",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return str(self.text("title"))

    @property
    def source_language(self) -> str:
        return self.programme.language

    @property
    def start_date(self) -> date | None:
        if self.months:
            return month_start(min(self.months))
        return self.starts_on

    @property
    def due_date(self) -> date | None:
        """The due date, or the last day of the last month of its schedule."""
        if self.months:
            return month_end(max(self.months))
        return self.due_on

    def shown_status(self, today: date) -> ActionStatus:
        """The status to show on `today`: late once the due date has passed and it is not
        done, else what staff said."""
        due = self.due_date
        if self.status != ActionStatus.DONE and due is not None and due < today:
            return ActionStatus.LATE
        return ActionStatus(self.status)

    def month_days(self) -> list[date]:
        return [month_start(key) for key in sorted(self.months)]


class Trend(models.TextChoices):
    INCREASE = "increase", _("Growth on the year before (%)")
    DECREASE = "decrease", _("Decrease on the year before (%)")
    AT_LEAST = "at_least", _("At least")
    AT_MOST = "at_most", _("At most")


class MeasurePeriod(models.TextChoices):
    YEAR = "year", pgettext_lazy("period", "Year")
    TERM = "term", pgettext_lazy("period", "Term")
    QUARTER = "quarter", pgettext_lazy("period", "Quarter")
    MONTH = "month", pgettext_lazy("period", "Month")


class Measure(_Texts, models.Model):
    """One of the plan's indicators as the plan words it ("yearly % decrease of complaints
    and of unmet demand"), the indicators it is measured by (their codes) and what the plan
    expects of them: growth or decrease on the year before, in %, or a level to reach or
    stay under in each period ("at least 2 loans per student per term"). A measure of a
    goal, or of the whole programme (its strategic indicators) when it has no goal."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="measures",
        verbose_name=pgettext_lazy("plan", "goal"),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    label = models.CharField(_("as the plan words it"), max_length=300)
    labels = models.JSONField(_("wording in other languages"), default=dict, blank=True)
    indicator_codes = models.JSONField(pgettext_lazy("plan", "indicators"), default=list)
    trend = models.CharField(_("expected"), max_length=10, choices=Trend.choices)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("A percentage for growth or decrease; the level itself for at least or at most."),
    )
    period = models.CharField(
        _("per"), max_length=10, choices=MeasurePeriod.choices, default=MeasurePeriod.YEAR
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")

    def __str__(self) -> str:
        return str(self.text("label"))

    @property
    def source_language(self) -> str:
        return self.programme.language


class ProgressUpdate(models.Model):
    """What was done on an action by a day, with the status it left the action in, the
    branch it reports for (in a network programme each branch reports its part) and its
    evidence. A public update (its note and evidence) shows on the public page of a
    published programme and to the monitoring group; of the others the monitoring group
    sees the date, branch and status only."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("for the branch"),
    )
    status = models.CharField(_("status"), max_length=15, choices=ActionStatus.choices)
    note = models.TextField(_("what was done"), blank=True)
    language = models.CharField(_("written in"), max_length=10, choices=_language_choices)
    is_public = models.BooleanField(_("public"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["action", "on"])]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.on} {self.get_status_display()}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Link")


def evidence_path(instance: Evidence, filename: str) -> str:
    """Where an uploaded file is kept: a random name (never the uploader's), with the
    extension of its checked type, under the year."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"planning/evidence/{instance.update.on.year}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A photo, a video or a document uploaded with a progress update, or a link. Files are
    kept outside the public web space and served through a view that checks who asks
    (`planning.views.evidence_file`)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("type"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="")) | (~Q(kind="link") & ~Q(file="")),
                name="evidence_has_a_file_or_a_link",
            ),
        ]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.caption or self.original_name or self.url

    @property
    def is_image(self) -> bool:
        return self.kind == EvidenceKind.PHOTO


class Quadrant(models.TextChoices):
    STRENGTH = "strength", _("Strengths")
    WEAKNESS = "weakness", _("Weaknesses")
    OPPORTUNITY = "opportunity", _("Opportunities")
    THREAT = "threat", _("Threats")


class Swot(_Texts, models.Model):
    """The yearly SWOT analysis of the network (branch empty) or of a branch."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="swot_analyses")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="swot_analyses",
        verbose_name=_("branch"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("written in"), max_length=10, choices=_language_choices)
    summary = models.TextField(_("summary"), blank=True)
    summaries = models.JSONField(_("summary in other languages"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["-year", "branch__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year"], condition=Q(branch__isnull=True),
                name="one_network_swot_a_year",
            ),
            models.UniqueConstraint(
                fields=["branch", "year"], condition=Q(branch__isnull=False),
                name="one_branch_swot_a_year",
            ),
        ]
        verbose_name = _("SWOT analysis")
        verbose_name_plural = _("SWOT analyses")

    def __str__(self) -> str:
        return f"SWOT {self.year}"

    @property
    def source_language(self) -> str:
        return self.language


class SwotPoint(_Texts, models.Model):
    """One strength, weakness, opportunity or threat, with its evidence: an indicator (by
    code), a reference to a survey result or another document (a link and what it is), and
    a note."""

    swot = models.ForeignKey(Swot, on_delete=models.CASCADE, related_name="points")
    quadrant = models.CharField(_("part"), max_length=15, choices=Quadrant.choices)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    statement = models.CharField(_("point"), max_length=500)
    statements = models.JSONField(_("point in other languages"), default=dict, blank=True)
    indicator_code = models.CharField(pgettext_lazy("plan", "indicator"), max_length=60, blank=True)
    reference = models.CharField(
        _("survey result or other source"), max_length=300, blank=True,
        help_text=_("e.g. Annual questionnaire 2026, question 4"),
    )
    reference_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    note = models.TextField(pgettext_lazy("remark", "note"), blank=True)

    class Meta:
        ordering = ["quadrant", "position", "pk"]
        verbose_name = _("SWOT point")
        verbose_name_plural = _("SWOT points")

    def __str__(self) -> str:
        return str(self.text("statement"))

    @property
    def source_language(self) -> str:
        return self.swot.language

    @property
    def has_evidence(self) -> bool:
        return bool(self.indicator_code or self.reference or self.reference_url or self.note)
