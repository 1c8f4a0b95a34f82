"""What the community asks for and the library cannot give yet: purchase suggestions (from
a patron in the portal or the catalogue, or from staff), requests at the desk for a title
the library does not have, the searches that found nothing (their normalised text counted
per month, nobody's), and the unmet demand the acquisitions report reads, one row per
thing asked for by one person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.catalog.models import Format, Record
from bibliohub.history.actors import Channel
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron


class SuggestionState(models.TextChoices):
    NEW = "new", pgettext_lazy("purchase suggestion state", "New")
    ACCEPTED = "accepted", pgettext_lazy("purchase suggestion state", "Accepted")
    DECLINED = "declined", pgettext_lazy("purchase suggestion state", "Declined")
    ORDERED = "ordered", pgettext_lazy("purchase suggestion state", "Ordered")
    RECEIVED = "received", pgettext_lazy("purchase suggestion state", "Received")
    CLOSED = "closed", pgettext_lazy("purchase suggestion state", "Closed")


# Where each state may go next; a declined suggestion is closed, a received one closed
# once the patron was served.
NEXT_STATES: dict[str, tuple[str, ...]] = {
    SuggestionState.NEW: (SuggestionState.ACCEPTED, SuggestionState.DECLINED),
    SuggestionState.ACCEPTED: (SuggestionState.ORDERED, SuggestionState.DECLINED),
    SuggestionState.ORDERED: (SuggestionState.RECEIVED, SuggestionState.DECLINED),
    SuggestionState.RECEIVED: (SuggestionState.CLOSED,),
    SuggestionState.DECLINED: (SuggestionState.CLOSED,),
    SuggestionState.CLOSED: (),
}
# Suggestions still waiting for the library to act: what acquisitions picks up.
OPEN_STATES = (SuggestionState.NEW, SuggestionState.ACCEPTED, SuggestionState.ORDERED)


class DeclineReason(models.TextChoices):
    ALREADY_HELD = "already_held", _("The library already has it")
    NOT_AVAILABLE = "not_available", _("It cannot be bought (out of print, not sold here)")
    OUT_OF_SCOPE = "out_of_scope", _("It is outside what the library collects")
    TOO_EXPENSIVE = "too_expensive", _("It costs more than the budget allows")
    DUPLICATE = "duplicate", _("Someone already suggested it")
    OTHER = "other", pgettext_lazy("reason", "Other")


class Suggestion(models.Model):
    """A title someone would like the library to buy, from the moment it is suggested to the
    moment the patron who asked is served (or told why not)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    # Cleared when the patron is erased; the suggestion stays, for the figures.
    patron = models.ForeignKey(
        Patron, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("patron"),
    )
    title = models.CharField(_("title"), max_length=500)
    author = models.CharField(_("author"), max_length=300, blank=True)
    # ISBN-13 without hyphens (an ISBN-10 is converted), or empty.
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True, db_index=True)
    format = models.CharField(
        pgettext_lazy("of the material", "format"), max_length=20, choices=Format.choices,
        default=Format.BOOK,
    )
    # The material's language, a MARC code ("vie", "ukr").
    language = models.CharField(
        pgettext_lazy("of the material", "language"), max_length=8, blank=True
    )
    reason = models.TextField(_("why"), blank=True)
    wants_hold = models.BooleanField(_("hold a copy for the patron when it arrives"), default=True)
    state = models.CharField(
        _("status"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.NEW
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("note to the patron"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("suggested"))
    changed_at = models.DateTimeField(_("last changed"))
    ordered_at = models.DateTimeField(_("ordered"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    # The catalogue's record: the page it was suggested from, or the copy received.
    record = models.ForeignKey(
        Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("title in the catalogue"),
    )
    # The hold placed for the patron on receipt (circulation's), if any.
    hold_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase suggestion")
        verbose_name_plural = _("purchase suggestions")
        indexes = [models.Index(fields=["state", "branch"])]

    def __str__(self) -> str:
        return self.title


class TitleRequest(models.Model):
    """A request at the desk for a title the library does not have: an ISBN, or what the
    person said (title, author)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    patron = models.ForeignKey(
        Patron, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("patron"),
    )
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for a title not held")
        verbose_name_plural = _("requests for titles not held")

    def __str__(self) -> str:
        return self.title or self.isbn


class DemandSource(models.TextChoices):
    REFUSAL = "refusal", _("Refused (checkout, renewal or hold)")
    TITLE_REQUEST = "title_request", _("Asked for at the desk, not held")
    SUGGESTION = "suggestion", _("Purchase suggestion")
    HOLD_WAIT = "hold_wait", _("Hold waiting too long")
    HOLD_QUEUE = "hold_queue", _("More holds than copies")


class UnmetDemand(models.Model):
    """One thing asked for and not supplied, by one person: what the acquisitions report
    counts, once per person and title. The person is the history's yearly pseudonym (or,
    for someone unknown, the row itself), never the patron."""

    network_id = models.IntegerField()
    branch_id = models.IntegerField()
    day = models.DateField()
    source = models.CharField(max_length=20, choices=DemandSource.choices)
    # What was asked for: "record:12", "isbn:9780306406157" or "title:<normalised title>".
    title_key = models.CharField(max_length=200)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    person = models.CharField(max_length=64)
    # What it came from ("entry:81", "suggestion:4", "hold:17"), so it is counted once.
    origin = models.CharField(max_length=60, unique=True)

    class Meta:
        indexes = [models.Index(fields=["network_id", "day", "branch_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.title_key}"


class ZeroResultSearch(models.Model):
    """How many catalogue searches for one normalised text found nothing in a month: the
    text only, never who searched or when within the month."""

    network_id = models.IntegerField()
    month = models.DateField()
    text = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network_id", "month", "text"], name="demand_zero_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.text}: {self.count}"


class Cursor(models.Model):
    """How far a collecting job has read (the last history entry it looked at)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
