"""Texts kept in several languages on one model (a branch's name, an event's title …)."""

from __future__ import annotations

from django.utils.translation import get_language


def localised(names: dict[str, str], default: str, language: str | None = None) -> str:
    """The text of `names` ({language code: text}) for `language` (default: the active one),
    trying the code without its region ("pt-br" → "pt") too; `default` when neither is there."""
    language = (language or get_language() or "en").lower()
    return names.get(language) or names.get(language.split("-")[0]) or default
