"""MARC language codes (MARC Code List for Languages, the three letters in 008/35-37 and 041)
as the readers see them: a name in the interface language, and the BCP 47 tag that goes into a
`lang` attribute so that browsers and screen readers pick the right fonts and voices for
catalogue data in any script."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# code: (BCP 47 tag, name). MARC keeps some bibliographic codes that differ from ISO 639-2/T
# (chi, ger, fre, dut, cze, gre, per, rum, slo, wel, arm, geo, ice, mac, may, alb, bur, baq).
_LANGUAGES: dict[str, tuple[str, Promise]] = {
    "ara": ("ar", _("Arabic")),
    "arm": ("hy", _("Armenian")),
    "bel": ("be", _("Belarusian")),
    "ben": ("bn", _("Bengali")),
    "bul": ("bg", _("Bulgarian")),
    "cat": ("ca", _("Catalan")),
    "chi": ("zh", _("Chinese")),
    "cze": ("cs", _("Czech")),
    "dan": ("da", _("Danish")),
    "dut": ("nl", _("Dutch")),
    "eng": ("en", _("English")),
    "est": ("et", _("Estonian")),
    "fin": ("fi", _("Finnish")),
    "fre": ("fr", _("French")),
    "geo": ("ka", _("Georgian")),
    "ger": ("de", _("German")),
    "gre": ("el", _("Greek")),
    "heb": ("he", _("Hebrew")),
    "hin": ("hi", _("Hindi")),
    "hun": ("hu", _("Hungarian")),
    "ind": ("id", _("Indonesian")),
    "ita": ("it", _("Italian")),
    "jpn": ("ja", _("Japanese")),
    "kaz": ("kk", _("Kazakh")),
    "khm": ("km", _("Khmer")),
    "kor": ("ko", _("Korean")),
    "lat": ("la", _("Latin")),
    "lav": ("lv", _("Latvian")),
    "lit": ("lt", _("Lithuanian")),
    "nor": ("no", _("Norwegian")),
    "per": ("fa", _("Persian")),
    "pol": ("pl", _("Polish")),
    "por": ("pt", _("Portuguese")),
    "rum": ("ro", _("Romanian")),
    "rus": ("ru", _("Russian")),
    "slo": ("sk", _("Slovak")),
    "spa": ("es", _("Spanish")),
    "srp": ("sr", _("Serbian")),
    "swe": ("sv", _("Swedish")),
    "tha": ("th", _("Thai")),
    "tur": ("tr", _("Turkish")),
    "ukr": ("uk", _("Ukrainian")),
    "vie": ("vi", _("Vietnamese")),
    "yid": ("yi", _("Yiddish")),
}
# ISO 639-2/T spellings that records from some sources carry instead of the MARC ones.
_ALIASES = {
    "zho": "chi", "deu": "ger", "fra": "fre", "nld": "dut", "ces": "cze", "ell": "gre",
    "fas": "per", "ron": "rum", "slk": "slo", "hye": "arm", "kat": "geo",
}


def _entry(code: str) -> tuple[str, Promise] | None:
    code = code.strip().lower()
    return _LANGUAGES.get(_ALIASES.get(code, code))


def language_name(code: str) -> str:
    """The language's name in the interface language; the code itself when we do not know it."""
    entry = _entry(code)
    return str(entry[1]) if entry else code


def language_tag(code: str) -> str:
    """A BCP 47 tag for a `lang` attribute, or "" when unknown ("und" would claim we looked)."""
    entry = _entry(code)
    return entry[0] if entry else ""


def record_language_tag(codes: list[str]) -> str:
    """The tag of a record's first (main) language, which is how its title is written."""
    return language_tag(codes[0]) if codes else ""


def known_codes() -> list[str]:
    return list(_LANGUAGES)
