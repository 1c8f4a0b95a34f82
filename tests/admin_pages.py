"""What a browser sends back from an administration page left as it is, so that a test can
change one or two values and post the rest unchanged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """The fields of `form` as posted unchanged (by their prefixed names)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if field.disabled or value is None:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)
    return data


def page_data(page: HttpResponse) -> dict[str, Any]:
    """The change form of an administration page and its inlines, as posted unchanged."""
    data = form_data(page.context["adminform"].form)  # type: ignore[attr-defined]
    for inline in page.context["inline_admin_formsets"]:  # type: ignore[attr-defined]
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(form_data(form))
    return data
