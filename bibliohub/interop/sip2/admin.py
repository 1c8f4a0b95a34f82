"""Staff manage self-check terminal accounts in the admin: the password is typed once and
stored hashed, never shown again. Saving and deleting go through the terminal services, so
each change is in the history (channel "administration")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bibliohub.history import Actor
from bibliohub.interop.sip2 import services
from bibliohub.interop.sip2.models import PersonalField, SelfCheckTerminal
from bibliohub.web.admin import ServiceAdmin


class TerminalForm(forms.ModelForm):
    personal_fields = forms.MultipleChoiceField(
        label=_("Personal details it may receive"),
        choices=PersonalField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "What patron information answers may tell this machine about a reader besides "
            "the name. Leave all unticked unless the machine needs them."
        ),
    )
    new_password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Type a password to set it; leave empty to keep the current one."),
    )

    class Meta:
        model = SelfCheckTerminal
        fields = [
            "login",
            "name",
            "branch",
            "language",
            "requires_pin",
            "personal_fields",
            "is_active",
        ]

    def clean_personal_fields(self) -> list[str]:
        # In the order of the choices, whatever order they were ticked in.
        chosen = set(self.cleaned_data.get("personal_fields") or ())
        return [value for value in PersonalField.values if value in chosen]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if not self.instance.pk and not (data or {}).get("new_password"):
            self.add_error("new_password", _("A new terminal needs a password."))
        return data

    def save(self, commit: bool = True) -> SelfCheckTerminal:
        # The terminal is saved by the service (with its history entry), never by the form.
        if commit:
            raise TypeError("save a terminal with interop.sip2.services.save_terminal")
        terminal = super().save(commit=False)
        if password := self.cleaned_data.get("new_password"):
            terminal.set_password(password)
        return terminal


@admin.register(SelfCheckTerminal)
class SelfCheckTerminalAdmin(ServiceAdmin):
    form = TerminalForm
    list_display = ["login", "name", "branch", "language", "requires_pin", "is_active"]
    list_filter = ["branch", "is_active", "language"]
    search_fields = ["login", "name"]
    list_select_related = ["branch"]

    fields = [
        "login",
        "new_password",
        "name",
        "branch",
        "language",
        "requires_pin",
        "personal_fields",
        "is_active",
    ]

    def save(self, obj: SelfCheckTerminal, *, actor: Actor, at: datetime) -> None:
        services.save_terminal(obj, actor=actor, at=at)

    def delete(self, obj: SelfCheckTerminal, *, actor: Actor, at: datetime) -> None:
        services.delete_terminal(obj, actor=actor, at=at)
