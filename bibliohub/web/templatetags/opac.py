"""Template helpers for the public catalogue pages."""

from __future__ import annotations

import unicodedata

from django import template
from django.http import QueryDict
from django.utils.html import format_html

from bibliohub.catalog.models import Audience, Format
from bibliohub.web import languages

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return languages.language_name(code)


@register.filter
def language_tag(codes: list[str] | str) -> str:
    """`lang` value for catalogue data: a record's list of MARC codes or one code."""
    if isinstance(codes, str):
        return languages.language_tag(codes)
    return languages.record_language_tag(list(codes))


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (None removes one), so that
    paging and sorting links keep every other choice and the URL stays shareable."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None and value != "":
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def lang_attr(codes: list[str] | str) -> str:
    """` lang="vi"` for catalogue data in a known language; nothing when the language is
    unknown, so that the text inherits the page's language rather than a wrong guess."""
    tag = language_tag(codes)
    return format_html(' lang="{}"', tag) if tag else ""


@register.filter
def vernacular(fields: list[dict[str, str]], role: str) -> list[dict[str, str]]:
    """A record's 880 fields linked to fields of `role` (title, author, subject, other); for
    "title", only those linked to the title proper (245), the one shown as the title."""
    if role == "title":
        return [f for f in fields or () if f.get("tag") == "245"]
    return [f for f in fields or () if f.get("role") == role]


@register.filter
def script_attrs(field: dict[str, str], codes: list[str]) -> str:
    """` lang="zh" dir="ltr"` for the text of an 880 field in a record in languages `codes`:
    its own writing direction, and the record's language, since it is the text as written in
    that language (the romanised fields beside it are marked as such by romanised_lang)."""
    tag = languages.record_language_tag(list(codes))
    direction = "rtl" if field.get("dir") == "rtl" else "ltr"
    if tag:
        return format_html(' lang="{}" dir="{}"', tag, direction)
    return format_html(' dir="{}"', direction)


@register.filter
def romanised_lang(codes: list[str], fields: list[dict[str, str]]) -> str:
    """` lang="ru-Latn"` for the romanised title and names of a record that also has them in
    its own script (880 fields), so that a screen reader reads them as Latin letters; the
    usual lang attribute otherwise."""
    tag = languages.record_language_tag(list(codes))
    if not tag:
        return ""
    if fields and tag in _NOT_LATIN:
        return format_html(' lang="{}-Latn"', tag)
    return format_html(' lang="{}"', tag)


# Languages written in another script than Latin, whose catalogue records romanise their main
# fields and keep the original in 880 fields.
_NOT_LATIN = frozenset(
    ["ar", "be", "bg", "bn", "el", "fa", "he", "hi", "hy", "ja", "ka", "kk", "ko", "mk", "ru", "sr", "th", "uk", "ur", "yi", "zh"]
)


@register.filter
def format_label(value: str) -> str:
    try:
        return str(Format(value).label)
    except ValueError:
        return value


@register.filter
def audience_label(value: str) -> str:
    try:
        return str(Audience(value).label)
    except ValueError:
        return value


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.filter
def nfc(text: str) -> str:
    """Composed Unicode for display: MARC records often carry decomposed letters (e + combining
    acute), which many monospace fonts draw as a letter and a detached accent."""
    return unicodedata.normalize("NFC", text)
