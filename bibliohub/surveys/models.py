"""Questionnaires and express polls: a survey's questions (every text kept per language,
shown in the respondent's language or the survey's own), who may answer and when, the
responses and their answers.

A response of an anonymous survey keeps no identity: no patron, no address, no invitation.
Whether a patron has already answered a survey "once each" is kept apart from the responses
(`Participation`, a keyed digest of the patron), so that nothing links a person to what
they answered."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron

Texts = dict[str, str]


def text_in(texts: Any, language: str, fallback: str) -> str:
    """The text of `texts` ({language: text}) in `language`, else in `fallback` (the
    survey's main language), else any text there is."""
    if not isinstance(texts, dict):
        return str(texts or "")
    return texts.get(language) or texts.get(fallback) or next(
        (t for t in texts.values() if t), ""
    )


class SurveyKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", pgettext_lazy("survey kind", "Questionnaire")
    EXPRESS = "express", pgettext_lazy("survey kind", "Express poll")
    EVENT = "event", pgettext_lazy("survey kind", "Event feedback")


class Audience(models.TextChoices):
    """Who may answer."""

    ANYONE = "anyone", pgettext_lazy("survey audience", "Anyone")
    PATRONS = "patrons", pgettext_lazy("survey audience", "Signed-in patrons, once each")
    INVITED = "invited", pgettext_lazy("survey audience", "People invited by a link")


class SurveyState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey state", "Draft")
    OPEN = "open", pgettext_lazy("survey state", "Open")
    CLOSED = "closed", pgettext_lazy("survey state", "Closed")


class Survey(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="surveys")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys",
        verbose_name=_("branch"), help_text=_("Empty for a survey of the whole network."),
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices,
                            default=SurveyKind.QUESTIONNAIRE)
    language = models.CharField(_("main language"), max_length=10)
    languages = models.JSONField(_("languages"), default=list)
    titles = models.JSONField(default=dict)
    intros = models.JSONField(default=dict, blank=True)
    thanks = models.JSONField(default=dict, blank=True)
    audience = models.CharField(_("who may answer"), max_length=20, choices=Audience.choices,
                                default=Audience.ANYONE)
    anonymous = models.BooleanField(
        _("anonymous"), default=True,
        help_text=_("No identity and no address is kept with the answers."),
    )
    state = models.CharField(_("status"), max_length=10, choices=SurveyState.choices,
                             default=SurveyState.DRAFT)
    opens_at = models.DateTimeField(pgettext_lazy("survey", "opens"), null=True, blank=True)
    closes_at = models.DateTimeField(pgettext_lazy("survey", "closes"), null=True, blank=True)
    # {"branch": {"central": 200}, "age_band": {"teen": 50}}: completed answers allowed.
    quotas = models.JSONField(_("quotas"), default=dict, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_waves",
        verbose_name=_("previous wave"),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before closing"), default=3,
        help_text=_("Invited people and patrons who have not answered are reminded once, this "
                    "many days before the survey closes."),
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title()

    def title(self, language: str = "") -> str:
        return text_in(self.titles, language or self.language, self.language) or self.slug

    def intro(self, language: str) -> str:
        return text_in(self.intros, language, self.language)

    def thanks_text(self, language: str) -> str:
        return text_in(self.thanks, language, self.language)

    def answer_language(self, wanted: str) -> str:
        """The language to show the survey in to someone who reads `wanted`."""
        return wanted if wanted in self.languages else self.language


class QuestionKind(models.TextChoices):
    SECTION = "section", pgettext_lazy("question kind", "Section heading")
    SINGLE = "single", pgettext_lazy("question kind", "One choice")
    MULTIPLE = "multiple", pgettext_lazy("question kind", "Several choices")
    RATING = "rating", pgettext_lazy("question kind", "Rating scale")
    RECOMMEND = "recommend", pgettext_lazy("question kind", "Recommendation, 0 to 10")
    LIKERT = "likert", pgettext_lazy("question kind", "Agreement grid")
    NUMBER = "number", pgettext_lazy("question kind", "Number")
    DATE = "date", pgettext_lazy("question kind", "Date")
    SHORT_TEXT = "short_text", pgettext_lazy("question kind", "Short text")
    LONG_TEXT = "long_text", pgettext_lazy("question kind", "Long text")
    BRANCH = "branch", pgettext_lazy("question kind", "Branch")
    AGE_BAND = "age_band", pgettext_lazy("question kind", "Age group")


# The kinds whose answers are counted by option (the others are listed or averaged).
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.BRANCH,
                          QuestionKind.AGE_BAND})
SCALE_KINDS = frozenset({QuestionKind.RATING, QuestionKind.RECOMMEND})
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})


class Question(models.Model):
    """One question (or a section heading) of a survey. `options` and `rows` are lists of
    {"value": code, "labels": {language: text}}; a condition shows the question only when
    the answer to an earlier one is among `condition_values`."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    texts = models.JSONField(default=dict)
    helps = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    allow_other = models.BooleanField(_("offer “other”"), default=False)
    required = models.BooleanField(_("required"), default=False)
    scale_min = models.SmallIntegerField(_("lowest"), default=1)
    scale_max = models.SmallIntegerField(_("highest"), default=5)
    condition_question = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("shown only when the answer to"),
    )
    condition_values = models.JSONField(default=list, blank=True)
    is_satisfaction = models.BooleanField(
        _("the satisfaction measure"), default=False,
        help_text=_("Its answers make the indicator “satisfaction”."),
    )

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="surveys_one_code"),
        ]

    def __str__(self) -> str:
        return self.code

    def text(self, language: str) -> str:
        return text_in(self.texts, language, self.survey.language)

    def help(self, language: str) -> str:
        return text_in(self.helps, language, self.survey.language)

    @property
    def answerable(self) -> bool:
        return self.kind != QuestionKind.SECTION


class Channel(models.TextChoices):
    """Where an answer came from."""

    WEB = "web", pgettext_lazy("survey channel", "Website")
    PORTAL = "portal", pgettext_lazy("survey channel", "Patron account")
    KIOSK = "kiosk", pgettext_lazy("survey channel", "Tablet at the desk")
    INVITATION = "invitation", pgettext_lazy("survey channel", "Invitation link")


class Response(models.Model):
    """One person's answers: a draft while they answer (found again by its random token,
    kept in their session), complete once sent. `patron` only where the survey is not
    anonymous."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    token = models.CharField(max_length=64, unique=True)
    complete = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEB)
    branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(max_length=12, blank=True)
    patron = models.ForeignKey(
        Patron, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the answers are about, named as the history names objects ("programs.occurrence"
    # and its id): the date of an event that a feedback survey shared by all events asks
    # about. Never a person.
    about_type = models.CharField(max_length=40, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["survey", "complete"]),
            models.Index(fields=["about_type", "about_id"], name="surveys_response_about"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """The answer to one question: `value` is a list of option codes (choices), a number, a
    date, a text, or {row: option} (a grid); `number` repeats a scale's or a number's value
    for averages; `other` is the text given with "other"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    other = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveys_one_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class Invitation(models.Model):
    """A link that lets one person answer a survey for invited people; or, addressed to a
    patron, the invitation of that patron to a survey (for invited people, or for signed-in
    patrons once each), whom a reminder reaches before the survey closes if they have not
    answered. It never names the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    patron = models.ForeignKey(
        Patron, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.token[:6]}…"


class Participation(models.Model):
    """That a patron has answered a "once each" survey: a digest of the patron under the
    survey's key, never linked to the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "digest"], name="surveys_once_each"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.digest[:8]}"
