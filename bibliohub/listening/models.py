"""Complaints, suggestions and thanks from the community, handled as ISO 10002 describes:
a number given at once, an acknowledgement, an assessment, a person who answers, a
deadline, the answer sent in the person's language, closing and reopening; and the
summaries the library chooses to publish ("you said, we did")."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", pgettext_lazy("feedback kind", "Complaint")
    SUGGESTION = "suggestion", pgettext_lazy("feedback kind", "Suggestion")
    THANKS = "thanks", pgettext_lazy("feedback kind", "Thanks")


class FeedbackTopic(models.TextChoices):
    SERVICE = "service", pgettext_lazy("feedback topic", "Service")
    COLLECTION = "collection", pgettext_lazy("feedback topic", "Collection")
    OPENING_HOURS = "opening_hours", pgettext_lazy("feedback topic", "Opening hours")
    BUILDING = "building", pgettext_lazy("feedback topic", "Building")
    STAFF = "staff", pgettext_lazy("feedback topic", "Staff")
    DIGITAL = "digital", pgettext_lazy("feedback topic", "Digital services")
    OTHER = "other", pgettext_lazy("feedback topic", "Other")


class FeedbackChannel(models.TextChoices):
    FORM = "form", pgettext_lazy("feedback channel", "Public form")
    SPOKEN = "spoken", pgettext_lazy("feedback channel", "Spoken at the desk")
    PAPER = "paper", pgettext_lazy("feedback channel", "On paper")


class FeedbackState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("feedback state", "Received")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("feedback state", "Acknowledged")
    ASSESSED = "assessed", pgettext_lazy("feedback state", "Assessed")
    ASSIGNED = "assigned", pgettext_lazy("feedback state", "Assigned")
    ANSWERED = "answered", pgettext_lazy("feedback state", "Answered")
    CLOSED = "closed", pgettext_lazy("feedback state", "Closed")


# The states in which the library still owes an answer: the deadline runs in these.
OPEN_STATES = (
    FeedbackState.RECEIVED,
    FeedbackState.ACKNOWLEDGED,
    FeedbackState.ASSESSED,
    FeedbackState.ASSIGNED,
)


class ListeningSettings(models.Model):
    """A network's response deadlines. Ukraine's law on citizens' appeals gives one month,
    and 15 days for an appeal that needs no extra study."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="listening_settings"
    )
    response_days = models.PositiveSmallIntegerField(
        _("days to answer"),
        default=30,
        help_text=_("Calendar days from receipt within which an answer is due."),
    )
    quick_response_days = models.PositiveSmallIntegerField(
        _("days to answer when no extra study is needed"), default=15
    )

    class Meta:
        verbose_name = _("complaint handling settings")
        verbose_name_plural = _("complaint handling settings")

    def __str__(self) -> str:
        return str(self.network)


class BranchManager(models.Model):
    """The member of staff warned about a branch's overdue complaints and suggestions."""

    branch = models.OneToOneField(
        Branch, on_delete=models.CASCADE, related_name="feedback_manager"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("branch manager"),
    )

    def __str__(self) -> str:
        return f"{self.branch}: {self.user}"


class NumberSequence(models.Model):
    """The last number given in a network's year: numbers are given in order, at once."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="listening_one_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class SubmissionCount(models.Model):
    """Submissions from one place (a digest of the web address, never the address itself)
    in the current window, to hold floods back."""

    key = models.CharField(max_length=64, unique=True)
    since = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} since {self.since}"


def attachment_path(instance: Feedback, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"listening/{instance.network_id}/{instance.number}.{extension}"


class Feedback(models.Model):
    """One complaint, suggestion or thanks, from the moment it is received to its closing."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=FeedbackTopic.choices)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("branch")
    )
    text = models.TextField(_("text"))
    channel = models.CharField(
        _("how it was received"), max_length=10, choices=FeedbackChannel.choices
    )
    # Contact: all empty for an anonymous item.
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("preferred language"), max_length=10)
    # The patron who sent it signed in and gave their contact (never for an anonymous item),
    # so that their data export holds it.
    patron = models.ForeignKey(
        Patron, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("patron"),
    )
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=FeedbackState.choices, default=FeedbackState.RECEIVED
    )
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    no_extra_study = models.BooleanField(_("no extra study needed"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="feedback_assigned", verbose_name=_("assigned to"),
    )
    deadline = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_sent_at = models.DateTimeField(_("answer sent"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("ended", "closed"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    publish = models.BooleanField(_("published in “You said, we did”"), default=False)
    public_summary = models.TextField(_("public summary"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_warned_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint, suggestion or thanks")
        verbose_name_plural = _("complaints, suggestions and thanks")
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="listening_one_number")
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return self.number

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)

    @property
    def language_name(self) -> str:
        """The preferred language in its own name (Українська, polski)."""
        try:
            return str(get_language_info(self.language)["name_local"])
        except KeyError:
            return self.language

    def is_overdue(self, at: datetime) -> bool:
        return self.state in OPEN_STATES and self.deadline < at
