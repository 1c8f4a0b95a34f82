"""Forms of the copy cataloguing screens."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bibliohub.interop.copycat.client import CopyQuery
from bibliohub.interop.copycat.models import CopyTarget


class CopySearchForm(forms.Form):
    isbn = forms.CharField(label=_("ISBN"), max_length=40, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    targets = forms.ModelMultipleChoiceField(
        label=_("Catalogues to search"), queryset=CopyTarget.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, targets: QuerySet[CopyTarget], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["targets"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = targets

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.query():
            raise forms.ValidationError(_("Give an ISBN, or words of the title or the author."))
        if not data.get("targets"):
            self.add_error("targets", _("Choose at least one catalogue."))
        return data

    def query(self) -> CopyQuery:
        data = getattr(self, "cleaned_data", {})
        return CopyQuery(isbn=data.get("isbn", ""), title=data.get("title", ""), author=data.get("author", ""))


class TargetForm(forms.ModelForm):
    class Meta:
        model = CopyTarget
        fields = ["name", "protocol", "host", "port", "database", "tls", "syntax", "charset", "enabled"]

    def clean_host(self) -> str:
        host = self.cleaned_data["host"].strip()
        if not host or any(c in host for c in "/?#@ "):
            raise forms.ValidationError(_("Give the host name or address only, without a scheme or path."))
        return host

    def clean_port(self) -> int:
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port
