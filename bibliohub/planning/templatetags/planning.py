"""Template filters of the plan pages: a programme's texts in the reader's language, marked
with their own language when they are in another (`{{ action|tr:"title" }}`), paragraphs
of a longer text (`{{ programme|tr_block:"summary" }}`), and indicator names."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from bibliohub.planning import codes
from bibliohub.planning.models import Text

register = template.Library()


def _other_language(text: Text) -> bool:
    return bool(text.lang) and text.lang.lower() != (get_language() or "en").lower()


@register.filter
def tr(obj: Any, name: str) -> str | SafeString:
    """The text `name` of `obj` in the reader's language (else the programme's), inside a
    span that gives its language when that is not the page's."""
    text: Text = obj.text(name)
    if not text:
        return ""
    if _other_language(text):
        return format_html('<span lang="{}">{}</span>', text.lang, text.text)
    return text.text


@register.filter
def tr_block(obj: Any, name: str) -> SafeString:
    """A longer text as paragraphs, in a block that gives its language."""
    text: Text = obj.text(name)
    if not text:
        return mark_safe("")
    return format_html('<div class="text-block" lang="{}">{}</div>', text.lang,
                       mark_safe(linebreaks(text.text, autoescape=True)))


@register.filter
def indicator(code: str) -> str:
    """An indicator's name in the reader's language."""
    return codes.name(code)


@register.filter
def lang_of(text: Text) -> str:
    return text.lang


@register.filter
def translation_fields(form: Any, name: str) -> list[Any]:
    """The fields of the translations of the text `name` of `form`."""
    return form.translation_fields(name)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def figures_for(live: dict[str, list[Any]] | None, code: str) -> list[Any]:
    """The computed figures of indicator `code` in a programme's `live` figures
    (measures.wording.plan_figures), year by year."""
    return (live or {}).get(code, [])
