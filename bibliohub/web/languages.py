"""MARC language codes (the three letters in 008/35-37 and 041) as the pages need them: the
name in the interface language (the search facets' table) and the BCP 47 tag that goes into a
`lang` attribute, so that browsers and screen readers pick the right fonts and voices for
catalogue data in any script."""

from __future__ import annotations

from bibliohub.search.languages import LANGUAGE_NAMES
from bibliohub.search.languages import language_name as _name

# MARC keeps some bibliographic codes that differ from ISO 639-2/T (chi, ger, fre, dut, cze, gre,
# per, rum, slo, arm, geo); the tag is what browsers and screen readers understand.
_TAGS = {
    "ara": "ar",
    "arm": "hy",
    "bel": "be",
    "ben": "bn",
    "bul": "bg",
    "cat": "ca",
    "chi": "zh",
    "cze": "cs",
    "dan": "da",
    "dut": "nl",
    "eng": "en",
    "est": "et",
    "fin": "fi",
    "fre": "fr",
    "geo": "ka",
    "ger": "de",
    "gre": "el",
    "heb": "he",
    "hin": "hi",
    "hun": "hu",
    "ind": "id",
    "ita": "it",
    "jpn": "ja",
    "kaz": "kk",
    "khm": "km",
    "kor": "ko",
    "lat": "la",
    "lav": "lv",
    "lit": "lt",
    "nor": "no",
    "per": "fa",
    "pol": "pl",
    "por": "pt",
    "rum": "ro",
    "rus": "ru",
    "slo": "sk",
    "spa": "es",
    "srp": "sr",
    "swe": "sv",
    "tha": "th",
    "tur": "tr",
    "ukr": "uk",
    "vie": "vi",
    "yid": "yi",
    "aze": "az",
    "epo": "eo",
    "hrv": "hr",
    "ice": "is",
    "may": "ms",
    "slv": "sl",
    "urd": "ur",
}
# ISO 639-2/T spellings that records from some sources carry instead of the MARC ones.
_ALIASES = {
    "zho": "chi",
    "deu": "ger",
    "fra": "fre",
    "nld": "dut",
    "ces": "cze",
    "ell": "gre",
    "fas": "per",
    "ron": "rum",
    "slk": "slo",
    "hye": "arm",
    "kat": "geo",
}


def _marc_code(code: str) -> str:
    code = code.strip().lower()
    return _ALIASES.get(code, code)


def language_name(code: str) -> str:
    """The language's name in the interface language; the code itself when we do not know it."""
    return _name(_marc_code(code))


def language_tag(code: str) -> str:
    """A BCP 47 tag for a `lang` attribute, or "" when unknown ("und" would claim we looked)."""
    return _TAGS.get(_marc_code(code), "")


def record_language_tag(codes: list[str]) -> str:
    """The tag of a record's first (main) language, which is how its title is written."""
    return language_tag(codes[0]) if codes else ""


def known_codes() -> list[str]:
    """The languages a reader can pick from: the ones with a name in the interface."""
    return [code for code in LANGUAGE_NAMES if code not in {"mul", "und", "zxx"}]
