"""The keys staff find a patron by, and what a typed search asks of them. Pure functions over
the one text normaliser (`bibliohub.text`), so that a name is folded exactly as a catalogue
search folds a title: Nguyễn = nguyen, Łukasz = lukasz, Солом’яна = соломяна.

Each patron has a handful of keys (`PatronSearchTerm` rows, kept by the patron services):

- every word of the family and given names;
- the names written together, family name first and given name first (周子涵 and 子涵周,
  nguyenthilan and thilannguyen), so a name typed without a space, in either order, is found;
- for names in scripts written without spaces, every ending of those (涵 finds 周子涵);
- the class or grade, squashed and with Cyrillic and Greek letters that look like Latin ones
  made Latin ("8-А", "8 a" and "8A" are all 8a);
- the card number and the e-mail address as they are (case aside).

A search matches a patron when every word typed starts one of their keys, or when the whole
text, squashed (周 子涵, "8 а") or as typed (a card number, an e-mail address), starts one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bibliohub.text import has_cjk, words

# Letters of other alphabets that look like Latin ones, as a class is written on a door
# ("8-А" in Cyrillic, "8A" on a Latin keyboard). Folded letters only (lower case, no marks).
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "і": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
        "ԁ": "d",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    }
)  # fmt: skip

# A term is at most this long; longer names are cut (a prefix still finds them).
MAX_TERM = 200


def class_key(text: str) -> str:
    """The class or grade as one key: folded, without spaces or punctuation, letters that
    look Latin made Latin. "8-А", "8 a", "8а" and "8A" all give "8a"."""
    return "".join(words(text)).translate(_LOOKALIKES)[:MAX_TERM]


def search_terms(
    *, family_name: str, given_names: str, school_class: str, card: str = "", email: str = ""
) -> set[str]:
    """Every key a patron with these names, class, card number and e-mail address is found
    by (see the module)."""
    family, given = words(family_name), words(given_names)
    terms = set(family) | set(given)
    for parts in (family, given, family + given, given + family):
        if len(parts) > 1:
            terms.add("".join(parts))
    for term in list(terms):
        if has_cjk(term):
            # No spaces to start a word from: any ending of the name may be what is typed.
            terms.update(term[i:] for i in range(1, len(term)))
    if school_class.strip():
        terms.add(class_key(school_class))
    # As typed or scanned, whole: a card number or an e-mail address is not a name.
    terms.update(raw_key(value) for value in (card, email))
    return {term[:MAX_TERM] for term in terms if term}


def raw_key(text: str) -> str:
    """A card number or an e-mail address as a key: only case is folded."""
    return text.strip().casefold()[:MAX_TERM]


@dataclass(frozen=True)
class PatronQuery:
    """What a typed search asks: each of `words` must start a key of the patron (any one of
    its alternatives), or else the whole text (`whole`: squashed, or as typed) must."""

    words: tuple[tuple[str, ...], ...]
    whole: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.whole


def patron_query(text: str) -> PatronQuery:
    """`text` as staff typed it in the patron search, as prefixes of keys."""
    typed = [w[:MAX_TERM] for w in words(text)]
    alternatives = []
    for word in typed:
        # A word with a digit may be a class: try it with look-alike letters made Latin.
        forms = {word, word.translate(_LOOKALIKES)} if any(c.isdigit() for c in word) else {word}
        alternatives.append(tuple(sorted(forms)))
    whole = {raw_key(text)}  # a card number or an e-mail address
    if len(typed) > 1:
        whole.update({"".join(typed)[:MAX_TERM], class_key(text)})
    return PatronQuery(words=tuple(alternatives), whole=tuple(sorted(whole - {""})))
