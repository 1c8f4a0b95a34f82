"""Forms of the programme and SWOT screens. They validate input and hand the services plain
values; they never save.

A programme's texts are written in its language: each text field has its translations into
the other interface languages beside it (`title_en`, `title_pl` …), and the text field
itself carries the programme's language (`lang`), so that spelling checkers and screen
readers treat it as such."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.accounts.models import User
from bibliohub.community.models import Partner
from bibliohub.libraries.models import Branch
from bibliohub.planning import blueprints, codes
from bibliohub.planning.models import (
    ActionStatus,
    Direction,
    Funding,
    Goal,
    MeasurePeriod,
    Programme,
    Quadrant,
    Trend,
    month_key,
)
from bibliohub.planning.services.programmes import ProgrammeDetails
from bibliohub.planning.services.structure import ActionDetails, Heading, MeasureDetails
from bibliohub.planning.services.swot import PointDetails

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NETWORK = "network"


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Branch) -> str:
        return obj.display_name()


class BranchesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Branch) -> str:
        return obj.display_name()


class PartnersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Partner) -> str:
        return obj.display_name()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class Translations:
    """One field per interface language other than the text's own, for a text that may be
    translated (`title_en`, `title_pl`…), read back as a dict by `translations`."""

    source_language: str
    texts: list[str]  # the translated texts' own fields
    translated_names: set[str]  # their translations' fields

    def add_text(
        self, name: str, label: Any, *, initial: str = "", translations: dict[str, str] | None = None,
        long: bool = False, required: bool = True, max_length: int | None = 300, help_text: Any = "",
    ) -> None:
        fields = cast(dict[str, forms.Field], self.fields)  # type: ignore[attr-defined]
        initial_values = cast(dict[str, Any], self.initial)  # type: ignore[attr-defined]
        attrs = {"lang": self.source_language}
        fields[name] = forms.CharField(
            label=label, required=required, max_length=None if long else max_length,
            help_text=help_text,
            widget=forms.Textarea(attrs={"rows": 3, **attrs}) if long else forms.TextInput(attrs=attrs),
        )
        initial_values.setdefault(name, initial)
        self.texts = [*getattr(self, "texts", []), name]
        for code, language in settings.LANGUAGES:
            if code == self.source_language:
                continue
            self.translated_names = {*getattr(self, "translated_names", set()), f"{name}_{code}"}
            fields[f"{name}_{code}"] = forms.CharField(
                label=_("%(text)s in %(language)s") % {"text": label, "language": language},
                required=False, max_length=None if long else max_length,
                widget=forms.Textarea(attrs={"rows": 2, "lang": code})
                if long else forms.TextInput(attrs={"lang": code}),
            )
            initial_values.setdefault(f"{name}_{code}", (translations or {}).get(code, ""))

    def translations(self, name: str) -> dict[str, str]:
        data = cast(dict[str, Any], self.cleaned_data)  # type: ignore[attr-defined]
        return {
            code: data[f"{name}_{code}"].strip()
            for code, _language in settings.LANGUAGES
            if code != self.source_language and (data.get(f"{name}_{code}") or "").strip()
        }

    def translation_fields(self, name: str) -> list[forms.BoundField]:
        return [self[f"{name}_{code}"] for code, _l in settings.LANGUAGES  # type: ignore[index]
                if code != self.source_language]


def _scope_choices(network_allowed: bool, branches: QuerySet[Branch]) -> list[tuple[str, str]]:
    choices = [(NETWORK, str(_("The whole network")))] if network_allowed else []
    return choices + [(b.code, b.display_name()) for b in branches]


class ScopeField(forms.ChoiceField):
    """The network or one branch: the value is "network" or a branch code."""


def scope_branch(value: str, branches: QuerySet[Branch]) -> Branch | None:
    return None if value == NETWORK else branches.get(code=value)


class ProgrammeForm(Translations, forms.Form):
    """A programme's texts and dates; with `scopes`, also whose programme it is (a new
    one)."""

    language = forms.ChoiceField(
        label=_("Written in"), choices=settings.LANGUAGES,
        help_text=_("The language of its texts; add translations below them."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)

    def __init__(
        self, *args: Any, programme: Programme | None = None, language: str | None = None,
        scopes: tuple[bool, QuerySet[Branch]] | None = None, **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if programme is not None:
            initial.update(language=programme.language, starts_on=programme.starts_on,
                           ends_on=programme.ends_on)
        data = args[0] if args else kwargs.get("data")
        chosen = (data or {}).get("language") if data else None
        self.source_language = (
            chosen or (programme.language if programme else None) or language or settings.LANGUAGE_CODE
        )
        initial.setdefault("language", self.source_language)
        super().__init__(*args, **kwargs)
        if scopes is not None:
            network_allowed, branches = scopes
            self.branches = branches
            self.fields["scope"] = ScopeField(
                label=_("Programme of"), choices=_scope_choices(network_allowed, branches)
            )
            self.order_fields(["scope"])
        self.add_text("title", _("Title"), initial=programme.title if programme else "",
                      translations=programme.titles if programme else None)
        self.add_text("summary", _("Summary"), long=True, required=False,
                      initial=programme.summary if programme else "",
                      translations=programme.summaries if programme else None,
                      help_text=_("Why the programme, its mission and vision, who monitors it."))

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The programme must end after it starts."))
        return data

    def details(self) -> ProgrammeDetails:
        d = self.cleaned_data
        return ProgrammeDetails(
            title=d["title"], titles=self.translations("title"), language=d["language"],
            starts_on=d["starts_on"], ends_on=d["ends_on"], summary=d["summary"],
            summaries=self.translations("summary"),
        )

    def branch(self) -> Branch | None:
        return scope_branch(self.cleaned_data["scope"], self.branches)


class TemplateForm(forms.Form):
    """Start a programme from a built-in template."""

    blueprint = forms.ChoiceField(label=_("Template"), widget=forms.RadioSelect)
    starts_on = forms.DateField(
        label=_("Starts"), widget=DATE, required=False,
        help_text=_("Empty: the template's usual start (1 January, or 1 September for a term)."),
    )

    def __init__(self, *args: Any, scopes: tuple[bool, QuerySet[Branch]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network_allowed, branches = scopes
        self.branches = branches
        self.fields["blueprint"].choices = [  # type: ignore[attr-defined]
            (b.code, f"{b.name} — {b.description}") for b in blueprints.every()
        ]
        self.fields["scope"] = ScopeField(
            label=_("Programme of"), choices=_scope_choices(network_allowed, branches)
        )
        self.order_fields(["blueprint", "scope"])

    def branch(self) -> Branch | None:
        return scope_branch(self.cleaned_data["scope"], self.branches)


class CopyForm(Translations, forms.Form):
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)

    def __init__(self, *args: Any, source: Programme, proposed: ProgrammeDetails,
                 scopes: tuple[bool, QuerySet[Branch]], **kwargs: Any) -> None:
        self.source_language = source.language
        kwargs.setdefault("initial", {"starts_on": proposed.starts_on, "ends_on": proposed.ends_on})
        super().__init__(*args, **kwargs)
        network_allowed, branches = scopes
        self.branches = branches
        current = source.branch.code if source.branch else NETWORK
        self.fields["scope"] = ScopeField(
            label=_("Programme of"), choices=_scope_choices(network_allowed, branches),
            initial=current,
        )
        self.add_text("title", _("Title"), initial=proposed.title, translations=proposed.titles)
        self.order_fields(["scope", "title"])
        self.proposed = proposed

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The programme must end after it starts."))
        return data

    def details(self) -> ProgrammeDetails:
        d = self.cleaned_data
        return ProgrammeDetails(
            title=d["title"], titles=self.translations("title"), language=self.source_language,
            starts_on=d["starts_on"], ends_on=d["ends_on"], summary=self.proposed.summary,
            summaries=self.proposed.summaries,
        )

    def branch(self) -> Branch | None:
        return scope_branch(self.cleaned_data["scope"], self.branches)


class HeadingForm(Translations, forms.Form):
    """A strategic direction or a goal (with the direction it belongs to)."""

    position = forms.IntegerField(label=pgettext_lazy("sort order", "Order"), min_value=0, required=False,
                                  help_text=_("Empty: after the others."))

    def __init__(self, *args: Any, programme: Programme, obj: Direction | Goal | None = None,
                 directions: QuerySet[Direction] | None = None, **kwargs: Any) -> None:
        self.source_language = programme.language
        initial = kwargs.setdefault("initial", {})
        if obj is not None:
            initial["position"] = obj.position
        super().__init__(*args, **kwargs)
        if directions is not None:
            self.fields["direction"] = forms.ModelChoiceField(
                label=_("Strategic direction"), queryset=directions,
                initial=getattr(obj, "direction_id", None),
            )
        self.add_text("title", _("Title"), initial=obj.title if obj else "",
                      translations=obj.titles if obj else None)
        self.add_text("description", _("Description"), long=True, required=False,
                      initial=obj.description if obj else "",
                      translations=obj.descriptions if obj else None)
        self.order_fields(["direction", "title"])

    def heading(self) -> Heading:
        d = self.cleaned_data
        return Heading(
            title=d["title"], titles=self.translations("title"), description=d["description"],
            descriptions=self.translations("description"), position=d.get("position"),
        )


def programme_months(programme: Programme) -> list[tuple[str, str]]:
    """The months of the programme as choices ("2025-09", "September 2025"), for a
    programme of two years or less."""
    from django.utils import formats

    months: list[tuple[str, str]] = []
    day = programme.starts_on.replace(day=1)
    while day <= programme.ends_on and len(months) < 24:
        months.append((month_key(day), formats.date_format(day, "YEAR_MONTH_FORMAT")))
        day += relativedelta(months=1)
    return months


class ActionForm(Translations, forms.Form):
    goal = forms.ModelChoiceField(label=pgettext_lazy("plan", "Goal"), queryset=Goal.objects.none())
    coordinator = BranchChoiceField(
        label=_("Coordinated by"), queryset=Branch.objects.none(), required=False,
        help_text=_("The library that coordinates it, e.g. the central library."),
    )
    all_branches = forms.BooleanField(label=_("Concerns every branch"), required=False)
    branches = BranchesField(label=_("Carried out at"), queryset=Branch.objects.none(), required=False)
    owner = StaffChoiceField(label=_("Responsible"), queryset=User.objects.none(), required=False)
    partners = PartnersField(label=_("Partners"), queryset=Partner.objects.none(), required=False)
    funding = forms.ChoiceField(label=_("Funding"), choices=[("", "—"), *Funding.choices], required=False)
    funding_note = forms.CharField(label=_("About the funding"), max_length=300, required=False,
                                   help_text=_("e.g. the grant applied for, the amount"))
    starts_on = forms.DateField(label=_("Starts"), widget=DATE, required=False)
    due_on = forms.DateField(label=_("Due"), widget=DATE, required=False)
    months = forms.MultipleChoiceField(
        label=_("Or in these months"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A monthly schedule, instead of a start and a due date."),
    )
    indicator_codes = forms.MultipleChoiceField(
        label=_("Indicators it moves"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    position = forms.IntegerField(label=pgettext_lazy("sort order", "Order"), min_value=0, required=False,
                                  help_text=_("Empty: after the others."))

    def __init__(self, *args: Any, programme: Programme, goals: QuerySet[Goal],
                 branches: QuerySet[Branch], staff: QuerySet[User], partners: QuerySet[Partner],
                 action: Any = None, goal: Goal | None = None, **kwargs: Any) -> None:
        self.source_language = programme.language
        initial = kwargs.setdefault("initial", {})
        if action is not None:
            initial.update(
                goal=action.goal_id, coordinator=action.coordinator_id,
                all_branches=action.all_branches, branches=list(action.branches.all()),
                owner=action.owner_id, partners=list(action.partners.all()),
                funding=action.funding, funding_note=action.funding_note,
                starts_on=action.starts_on, due_on=action.due_on, months=list(action.months),
                indicator_codes=list(action.indicator_codes), position=action.position,
            )
        elif goal is not None:
            initial["goal"] = goal.pk
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = goals
        cast(BranchChoiceField, self.fields["coordinator"]).queryset = branches
        cast(BranchesField, self.fields["branches"]).queryset = branches
        cast(StaffChoiceField, self.fields["owner"]).queryset = staff
        cast(PartnersField, self.fields["partners"]).queryset = partners
        month_choices = programme_months(programme)
        cast(forms.MultipleChoiceField, self.fields["months"]).choices = month_choices
        if not month_choices or len(month_choices) >= 24:
            del self.fields["months"]
        cast(forms.MultipleChoiceField, self.fields["indicator_codes"]).choices = codes.choices()
        self.add_text("title", _("What will be done"), long=True, max_length=500,
                      initial=action.title if action else "",
                      translations=action.titles if action else None)
        self.add_text("description", _("Details"), long=True, required=False,
                      initial=action.description if action else "",
                      translations=action.descriptions if action else None)
        self.add_text("expected_result", _("Expected result"), long=True, required=False,
                      initial=action.expected_result if action else "",
                      translations=action.expected_results if action else None)
        self.order_fields(["goal", "title", "description", "expected_result"])

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("months") and (data.get("starts_on") or data.get("due_on")):
            self.add_error("months", _("Give either a start and a due date or the months, not both."))
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date comes before the start."))
        return data

    def details(self) -> ActionDetails:
        d = self.cleaned_data
        return ActionDetails(
            title=d["title"], titles=self.translations("title"), description=d["description"],
            descriptions=self.translations("description"), expected_result=d["expected_result"],
            expected_results=self.translations("expected_result"),
            coordinator=d["coordinator"], all_branches=d["all_branches"],
            branches=list(d["branches"]), owner=d["owner"], partners=list(d["partners"]),
            funding=d["funding"], funding_note=d["funding_note"], starts_on=d["starts_on"],
            due_on=d["due_on"],
            months=[date.fromisoformat(f"{m}-01") for m in d.get("months") or []],
            indicator_codes=d["indicator_codes"], position=d["position"],
        )


class MeasureForm(Translations, forms.Form):
    goal = forms.ModelChoiceField(
        label=pgettext_lazy("plan", "Goal"), queryset=Goal.objects.none(), required=False,
        empty_label=_("The whole programme"),
    )
    indicator_codes = forms.MultipleChoiceField(
        label=pgettext_lazy("plan", "Indicators"), widget=forms.CheckboxSelectMultiple,
    )
    trend = forms.ChoiceField(label=_("Expected"), choices=Trend.choices)
    target = forms.DecimalField(
        label=_("Target"), required=False, max_digits=12, decimal_places=2,
        help_text=_("A percentage for growth or decrease; the level itself for at least or at most."),
    )
    period = forms.ChoiceField(label=_("Per"), choices=MeasurePeriod.choices, initial=MeasurePeriod.YEAR)
    position = forms.IntegerField(label=pgettext_lazy("sort order", "Order"), min_value=0, required=False)

    def __init__(self, *args: Any, programme: Programme, goals: QuerySet[Goal], measure: Any = None,
                 **kwargs: Any) -> None:
        self.source_language = programme.language
        initial = kwargs.setdefault("initial", {})
        if measure is not None:
            initial.update(goal=measure.goal_id, indicator_codes=list(measure.indicator_codes),
                           trend=measure.trend, target=measure.target, period=measure.period,
                           position=measure.position)
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = goals
        cast(forms.MultipleChoiceField, self.fields["indicator_codes"]).choices = codes.choices()
        self.add_text("label", _("As the plan words it"), initial=measure.label if measure else "",
                      translations=measure.labels if measure else None)
        self.order_fields(["label"])

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("trend") in (Trend.AT_LEAST, Trend.AT_MOST) and data.get("target") is None:
            self.add_error("target", _("Give the level to reach or to stay under."))
        return data

    def details(self) -> MeasureDetails:
        d = self.cleaned_data
        return MeasureDetails(
            label=d["label"], labels=self.translations("label"),
            indicator_codes=d["indicator_codes"], trend=d["trend"], target=d["target"],
            period=d["period"], goal=d["goal"], position=d["position"],
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (`<input type="file" multiple>`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    status = forms.ChoiceField(label=_("Status now"), choices=ActionStatus.choices)
    branch = BranchChoiceField(
        label=_("For the branch"), queryset=Branch.objects.none(), required=False,
        empty_label=_("The whole action"),
    )
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The monitoring group reads this. Please name no readers."),
    )
    attachments = MultipleFileField(
        label=_("Photos, videos or documents"), required=False,
        help_text=_("Photos up to 10 MB, documents up to 20 MB, videos up to 200 MB."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    links = forms.CharField(
        label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address a line: a publication, a post, a video online."),
    )
    is_public = forms.BooleanField(
        label=_("Public"), required=False,
        help_text=_("Shows this update with its photos and files on the public page of a "
                    "published programme and to the monitoring group."),
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches
        self.fields["attachments"].widget.attrs["accept"] = (
            "image/jpeg,image/png,image/webp,image/gif,video/mp4,video/webm,video/quicktime,"
            ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt"
        )

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]


class StatusForm(forms.Form):
    """The quick change of an action's status from the programme's page."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class SwotForm(Translations, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, swot: Any = None, language: str | None = None,
                 scopes: tuple[bool, QuerySet[Branch]] | None = None, **kwargs: Any) -> None:
        data = args[0] if args else kwargs.get("data")
        self.source_language = (
            ((data or {}).get("language") if data else None)
            or (swot.language if swot else None) or language or settings.LANGUAGE_CODE
        )
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("language", self.source_language)
        if swot is not None:
            initial["year"] = swot.year
        super().__init__(*args, **kwargs)
        if scopes is not None:
            network_allowed, branches = scopes
            self.branches = branches
            self.fields["scope"] = ScopeField(
                label=_("SWOT analysis of"), choices=_scope_choices(network_allowed, branches)
            )
            self.order_fields(["scope"])
        self.add_text("summary", _("Summary"), long=True, required=False,
                      initial=swot.summary if swot else "",
                      translations=swot.summaries if swot else None)

    def branch(self) -> Branch | None:
        return scope_branch(self.cleaned_data["scope"], self.branches)


class PointForm(Translations, forms.Form):
    quadrant = forms.ChoiceField(label=_("Part"), choices=Quadrant.choices)
    indicator_code = forms.ChoiceField(label=pgettext_lazy("plan", "Indicator"), required=False)
    reference = forms.CharField(
        label=_("Survey result or other source"), max_length=300, required=False,
        help_text=_("e.g. Annual questionnaire 2026, question 4"),
    )
    reference_url = forms.URLField(label=_("Link to the source"), required=False, assume_scheme="https")
    note = forms.CharField(label=pgettext_lazy("remark", "Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    position = forms.IntegerField(label=pgettext_lazy("sort order", "Order"), min_value=0, required=False)

    def __init__(self, *args: Any, swot: Any, point: Any = None, quadrant: str | None = None,
                 translate: bool = True, **kwargs: Any) -> None:
        self.source_language = swot.language
        initial = kwargs.setdefault("initial", {})
        if point is not None:
            initial.update(quadrant=point.quadrant, indicator_code=point.indicator_code,
                           reference=point.reference, reference_url=point.reference_url,
                           note=point.note, position=point.position)
        elif quadrant:
            initial["quadrant"] = quadrant
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["indicator_code"]).choices = [("", "—"), *codes.choices()]
        self.add_text("statement", _("Point"), max_length=500,
                      initial=point.statement if point else "",
                      translations=point.statements if point else None)
        if not translate:
            for code, _language in settings.LANGUAGES:
                self.fields.pop(f"statement_{code}", None)
        self.order_fields(["quadrant", "statement"])

    def details(self) -> PointDetails:
        d = self.cleaned_data
        return PointDetails(
            quadrant=d["quadrant"], statement=d["statement"],
            statements=self.translations("statement"), indicator_code=d["indicator_code"],
            reference=d["reference"], reference_url=d["reference_url"], note=d["note"],
            position=d["position"],
        )


def staff_choices() -> QuerySet[User]:
    """Who may be made responsible for an action: active staff, not the monitoring group."""
    from bibliohub.accounts.models import Role

    return (
        User.objects.filter(is_active=True)
        .exclude(role__in=[Role.MONITORING, ""])
        .order_by("first_name", "last_name", "username")
    )
