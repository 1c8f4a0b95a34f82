"""Pure rules: checking an ISBN, the key a title is counted under, and the form a search's
text is counted in."""

from __future__ import annotations

import hashlib

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from bibliohub.demand.errors import DemandReason
from bibliohub.text import words

# The longest search text counted (longer ones are cut).
SEARCH_TEXT_LENGTH = 200


def check_isbn(text: str) -> tuple[str, list[DemandReason]]:
    """The ISBN in `text` as 13 digits (an ISBN-10 converted; spaces and hyphens dropped),
    and what is wrong with it: ("", []) for an empty text."""
    if not text.strip():
        return "", []
    try:
        valid = stdnum_isbn.validate(text)
    except InvalidLength:
        return "", [DemandReason.ISBN_LENGTH]
    except InvalidFormat:
        return "", [DemandReason.ISBN_FORMAT]
    except InvalidChecksum:
        return "", [DemandReason.ISBN_CHECKSUM]
    except InvalidComponent:
        return "", [DemandReason.ISBN_PREFIX]
    except ValidationError:
        return "", [DemandReason.ISBN_FORMAT]
    return stdnum_isbn.to_isbn13(valid), []


def normalised(text: str) -> str:
    """A text as it is counted: the search normaliser's folded words, one space apart
    ("Đường  Kách Mệnh!" → "duong kach menh")."""
    return " ".join(words(text))[:SEARCH_TEXT_LENGTH]


def text_digest(text: str) -> str:
    """A short digest of a normalised text, for a history entry that must not hold it."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def title_key(
    *, record_id: int | None = None, isbn: str = "", title: str = "", author: str = ""
) -> str:
    """What a request is counted under: the catalogue's title, else the ISBN, else the
    normalised title and author ("" when nothing was given)."""
    if record_id is not None:
        return f"record:{record_id}"
    if isbn:
        return f"isbn:{isbn}"
    text = normalised(f"{title} / {author}" if author else title)
    return f"title:{text}"[:200] if text else ""
