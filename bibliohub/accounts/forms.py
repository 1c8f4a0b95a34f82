"""Forms of the staff screens that manage staff accounts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.accounts.models import Role, User
from bibliohub.libraries.models import Branch


class StaffAccountForm(forms.ModelForm):
    """Who the member of staff is, their role and the branches they work at. The roles
    offered are those the manager may give (`access.assignable_roles`)."""

    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"),
        queryset=Branch.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Where a branch librarian works; a cataloguer with none edits copies everywhere. "
            "Administrators and network managers act on every branch."
        ),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", pgettext_lazy("language", "Not set")), *settings.LANGUAGES],
        required=False,
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "language", "role", "branches"]

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r.value, r.label) for r in roles]
        self.fields["email"].required = True


class StaffPasswordForm(forms.Form):
    """A new password for a staff account, typed twice and checked by the password rules."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
