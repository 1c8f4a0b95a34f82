"""What the answering page shows of each question (`Shown`), and the staff's forms for a
survey and a question. A survey's texts are edited one field per language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch
from bibliohub.surveys import rules
from bibliohub.surveys.blueprints import BLUEPRINTS
from bibliohub.surveys.models import (
    Answer,
    Audience,
    Question,
    QuestionKind,
    Survey,
    SurveyKind,
    text_in,
)

LANGUAGE_CHOICES = [(code, get_language_info(code)["name_local"]) for code, _n in settings.LANGUAGES]


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class Row:
    code: str
    label: str
    name: str
    choices: list[Choice]


@dataclass
class Shown:
    """A question as the answering page draws it, in the respondent's language."""

    question: Question
    name: str
    text: str
    help: str
    errors: list[str]
    value: str = ""
    other: str = ""
    choices: list[Choice] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    hidden: bool = False

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def described_by(self) -> str:
        ids = [f"{self.name}-error"] if self.errors else []
        if self.help:
            ids.append(f"{self.name}-help")
        return " ".join(ids)

    @property
    def input_type(self) -> str:
        return "checkbox" if self.kind == QuestionKind.MULTIPLE else "radio"

    @property
    def has_other(self) -> bool:
        return self.question.allow_other and self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @property
    def other_checked(self) -> bool:
        return any(c.value == rules.OTHER and c.checked for c in self.choices)


def show_questions(
    questions: list[Question],
    *,
    language: str,
    branches: list[Branch],
    saved: dict[int, Answer],
    posted: Any = None,
    errors: dict[str, list[str]] | None = None,
) -> list[Shown]:
    """Every question of a survey as the answering page draws it: with what was posted (a
    page sent back with errors) or saved before, and the errors by question. A question
    whose condition is not met is drawn hidden (the page shows it again when an answer
    saved as the person goes makes it apply)."""
    errors = errors or {}
    values = {qid: a.value for qid, a in saved.items()}
    shown_ids = {q.pk for q in rules.visible(questions, values)}
    main = questions[0].survey.language if questions else language
    out = []
    for question in questions:
        name = f"q-{question.code}"
        answer = saved.get(question.pk)

        def given(key: str, answer: Answer | None = answer, name: str = name) -> list[str]:
            if posted is not None and (f"{name}-shown" in posted):
                return [str(v) for v in posted.getlist(key)]
            if answer is None or answer.value is None:
                return []
            value = answer.value
            if key == name:
                return [str(v) for v in value] if isinstance(value, list) else [str(value)]
            if key == f"{name}-other":
                return [answer.other]
            if isinstance(value, dict):
                return [str(value.get(key[len(name) + 1:], ""))]
            return []

        picked = set(given(name))
        shown = Shown(
            question=question, name=name, text=question.text(language),
            help=question.help(language), errors=errors.get(question.code, []),
            hidden=question.pk not in shown_ids,
        )
        kind = question.kind
        options: list[tuple[str, str]] = []
        if kind == QuestionKind.BRANCH:
            options = [(b.code, b.display_name(language)) for b in branches]
        elif kind == QuestionKind.AGE_BAND:
            options = [(code, str(label)) for code, label in rules.AGE_BANDS]
        elif kind in (QuestionKind.RATING, QuestionKind.RECOMMEND):
            low, high = rules.scale(question)
            options = [(str(n), str(n)) for n in range(low, high + 1)]
        elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = [(str(o["value"]), text_in(o.get("labels"), language, main))
                       for o in question.options]
            if question.allow_other:
                options.append((rules.OTHER, pgettext("survey answer", "Other")))
        shown.choices = [
            Choice(v, label, v in picked, f"{name}-{i}") for i, (v, label) in enumerate(options)
        ]
        if kind == QuestionKind.LIKERT:
            columns = [(str(o["value"]), text_in(o.get("labels"), language, main))
                       for o in question.options] or [(c, str(lb)) for c, lb in rules.AGREEMENT]
            for r in question.rows:
                code = str(r["value"])
                row_name = f"{name}-{code}"
                chosen = set(given(row_name))
                shown.rows.append(Row(
                    code, text_in(r.get("labels"), language, main), row_name,
                    [Choice(c, label, c in chosen, f"{row_name}-{i}")
                     for i, (c, label) in enumerate(columns)],
                ))
        if kind in (QuestionKind.NUMBER, QuestionKind.DATE, QuestionKind.SHORT_TEXT,
                    QuestionKind.LONG_TEXT):
            shown.value = next(iter(given(name)), "")
        shown.other = next(iter(given(f"{name}-other")), "")
        out.append(shown)
    return out


class HoneypotForm(forms.Form):
    # A field people never see: a program filling every field gives itself away.
    website = forms.CharField(required=False)


# --- staff --------------------------------------------------------------------------------


class NewSurveyForm(forms.Form):
    blueprint = forms.ChoiceField(
        label=_("Start from"),
        choices=[("", pgettext_lazy("survey template", "An empty survey"))]
        + [(code, b.label) for code, b in BLUEPRINTS.items()],
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Needed for an empty survey; a template brings its own."))
    slug = forms.SlugField(label=_("Web address"), max_length=80,
                           help_text=_("Letters, digits and hyphens: /surveys/<address>/"))
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(),
                                    required=False, empty_label=_("The whole network"))
    language = forms.ChoiceField(label=_("Main language"), choices=LANGUAGE_CHOICES)
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"), choices=LANGUAGE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch = self.fields["branch"]
        assert isinstance(branch, forms.ModelChoiceField)
        branch.queryset = branches

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("blueprint") and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the survey a title, or start from a template."))
        return data


class SurveyForm(forms.Form):
    """A survey's settings; the texts one field per language of the survey."""

    slug = forms.SlugField(label=_("Web address"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=SurveyKind.choices)
    language = forms.ChoiceField(label=_("Main language"), choices=LANGUAGE_CHOICES)
    languages = forms.MultipleChoiceField(label=_("Languages offered"), choices=LANGUAGE_CHOICES,
                                          required=False, widget=forms.CheckboxSelectMultiple)
    audience = forms.ChoiceField(label=_("Who may answer"), choices=Audience.choices)
    anonymous = forms.BooleanField(
        label=_("Anonymous: keep no identity and no address with the answers"), required=False
    )
    opens_at = forms.DateTimeField(label=pgettext_lazy("survey", "Opens"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=pgettext_lazy("survey", "Closes"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reminder_days = forms.IntegerField(
        label=_("Remind those who have not answered, days before closing"), required=False,
        min_value=0, max_value=60,
        help_text=_("Invited patrons who have not answered get one reminder by e-mail this "
                    "many days before the survey closes; 0 sends none."),
    )
    quotas = forms.CharField(
        label=_("Quotas"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: branch code or age group, then the number of answers wanted, "
                    "for example “central 200” or “teen 50”."),
    )
    previous = forms.ModelChoiceField(label=_("Previous wave"), queryset=Survey.objects.none(),
                                      required=False)

    def __init__(self, *args: Any, survey: Survey, others: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        previous = self.fields["previous"]
        assert isinstance(previous, forms.ModelChoiceField)
        previous.queryset = others
        for code in survey.languages:
            name = get_language_info(code)["name_local"]
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name}, required=False,
                max_length=200,
            )
            self.fields[f"intro_{code}"] = forms.CharField(
                label=_("Introduction (%(language)s)") % {"language": name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"thanks_{code}"] = forms.CharField(
                label=_("Thanks after sending (%(language)s)") % {"language": name},
                required=False, widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_quotas(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        bands = {code for code, _l in rules.AGE_BANDS}
        for line in (self.cleaned_data.get("quotas") or "").splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(_("Write each quota as a code and a number: “central 200”."))
            dimension = "age_band" if parts[0] in bands else "branch"
            found.setdefault(dimension, {})[parts[0]] = int(parts[1])
        return found


def quotas_text(quotas: dict[str, dict[str, int]]) -> str:
    return "\n".join(f"{k} {v}" for values in quotas.values() for k, v in values.items())


class QuestionForm(forms.Form):
    """A question; texts, options and rows one field per language (options one a line, in
    the same order in every language)."""

    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("A short name for exports and comparisons between waves."))
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    allow_other = forms.BooleanField(label=_("Offer “other” with a text"), required=False)
    scale_min = forms.IntegerField(label=_("Scale from"), initial=1, min_value=0, max_value=10)
    scale_max = forms.IntegerField(label=_("Scale to"), initial=5, min_value=1, max_value=10)
    condition_question = forms.ModelChoiceField(
        label=_("Show only when the answer to"), queryset=Question.objects.none(), required=False
    )
    condition_values = forms.CharField(
        label=_("is one of"), required=False,
        help_text=_("Option numbers or scale values, separated by commas: “1, 2”."),
    )
    is_satisfaction = forms.BooleanField(
        label=_("This is the survey's satisfaction measure"), required=False,
        help_text=_("A rating or recommendation question; its mean is the indicator "
                    "“satisfaction”."),
    )

    def __init__(self, *args: Any, survey: Survey, question: Question | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        earlier = survey.questions.exclude(kind=QuestionKind.SECTION)
        if question is not None:
            earlier = earlier.filter(position__lt=question.position)
        condition = self.fields["condition_question"]
        assert isinstance(condition, forms.ModelChoiceField)
        condition.queryset = earlier
        for code in survey.languages:
            name = get_language_info(code)["name_local"]
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"options_{code}"] = forms.CharField(
                label=_("Options, one a line (%(language)s)") % {"language": name},
                required=False, widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"rows_{code}"] = forms.CharField(
                label=_("Grid lines, one a line (%(language)s)") % {"language": name},
                required=False, widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.languages = list(survey.languages)

    def texts(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{prefix}_{code}", "") for code in self.languages}

    def choices(self, prefix: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Options (or rows) from the per-language lines; a line keeps the code it had."""
        lines = {code: [x.strip() for x in self.cleaned_data.get(f"{prefix}_{code}", "").splitlines()
                        if x.strip()] for code in self.languages}
        count = max((len(v) for v in lines.values()), default=0)
        out = []
        for n in range(count):
            value = str(existing[n]["value"]) if n < len(existing) else str(n + 1)
            labels = {code: found[n] for code, found in lines.items() if n < len(found)}
            out.append({"value": value, "labels": labels})
        return out

    def condition(self) -> list[str]:
        raw = self.cleaned_data.get("condition_values") or ""
        return [v.strip() for v in raw.split(",") if v.strip()]


def question_initial(question: Question, languages: list[str]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "code": question.code, "kind": question.kind, "required": question.required,
        "allow_other": question.allow_other, "scale_min": question.scale_min,
        "scale_max": question.scale_max, "condition_question": question.condition_question_id,
        "condition_values": ", ".join(question.condition_values),
        "is_satisfaction": question.is_satisfaction,
    }
    for code in languages:
        initial[f"text_{code}"] = question.texts.get(code, "")
        initial[f"options_{code}"] = "\n".join(
            o.get("labels", {}).get(code, "") for o in question.options
        )
        initial[f"rows_{code}"] = "\n".join(r.get("labels", {}).get(code, "") for r in question.rows)
    return initial


class InvitationsForm(forms.Form):
    count = forms.IntegerField(label=_("How many links"), min_value=1, max_value=1000, initial=20)


class InvitePatronsForm(forms.Form):
    cards = forms.CharField(
        label=_("Card numbers"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line, or separated by spaces or commas. Each patron gets the link "
                    "by e-mail in their language, and one reminder before the survey closes "
                    "if they have not answered."),
    )

    def card_numbers(self) -> list[str]:
        text = self.cleaned_data.get("cards") or ""
        return list(dict.fromkeys(c for c in text.replace(",", " ").split() if c))


class ResultsFilterForm(forms.Form):
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age group"), required=False,
        choices=[("", pgettext_lazy("filter", "All"))] + [(c, lb) for c, lb in rules.AGE_BANDS],
    )
    language = forms.ChoiceField(
        label=_("Answered in"), required=False,
        choices=[("", pgettext_lazy("filter", "All")), *LANGUAGE_CHOICES],
    )

    def __init__(self, *args: Any, branches: list[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch = self.fields["branch"]
        assert isinstance(branch, forms.ChoiceField)
        branch.choices = [("", pgettext_lazy("filter", "All"))] + [
            (b.code, b.display_name()) for b in branches
        ]


class TextSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the answers"), required=False, max_length=100)
