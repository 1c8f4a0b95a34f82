"""Names of the MARC language codes (MARC Code List for Languages) a network most often holds,
for facet labels. Codes not listed are shown as they are."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LANGUAGE_NAMES = {
    "ara": _("Arabic"),
    "arm": _("Armenian"),
    "aze": _("Azerbaijani"),
    "bel": _("Belarusian"),
    "ben": _("Bengali"),
    "bul": _("Bulgarian"),
    "cat": _("Catalan"),
    "chi": _("Chinese"),
    "cze": _("Czech"),
    "dan": _("Danish"),
    "dut": _("Dutch"),
    "eng": _("English"),
    "epo": _("Esperanto"),
    "est": _("Estonian"),
    "fin": _("Finnish"),
    "fre": _("French"),
    "geo": _("Georgian"),
    "ger": _("German"),
    "gre": _("Greek"),
    "heb": _("Hebrew"),
    "hin": _("Hindi"),
    "hrv": _("Croatian"),
    "hun": _("Hungarian"),
    "ice": _("Icelandic"),
    "ind": _("Indonesian"),
    "ita": _("Italian"),
    "jpn": _("Japanese"),
    "kaz": _("Kazakh"),
    "kor": _("Korean"),
    "lat": _("Latin"),
    "lav": _("Latvian"),
    "lit": _("Lithuanian"),
    "may": _("Malay"),
    "mul": _("Multiple languages"),
    "nor": _("Norwegian"),
    "per": _("Persian"),
    "pol": _("Polish"),
    "por": _("Portuguese"),
    "rum": _("Romanian"),
    "rus": _("Russian"),
    "slo": _("Slovak"),
    "slv": _("Slovenian"),
    "spa": _("Spanish"),
    "srp": _("Serbian"),
    "swe": _("Swedish"),
    "tha": _("Thai"),
    "tur": _("Turkish"),
    "ukr": _("Ukrainian"),
    "und": _("Undetermined"),
    "urd": _("Urdu"),
    "vie": _("Vietnamese"),
    "yid": _("Yiddish"),
    "zxx": _("No linguistic content"),
}


def language_name(code: str) -> str:
    """The name of MARC language `code` in the current UI language, else the code."""
    name = LANGUAGE_NAMES.get(code.lower())
    return str(name) if name else code
