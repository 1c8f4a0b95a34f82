"""The indicators are computed over a small world of loans, patrons and copies: the
circulation tests' fixtures build it."""

from tests.circulation.conftest import (  # noqa: F401
    adult_category,
    default_rule,
    kiosk,
    lend,
    librarian,
    make_item,
    make_record,
)
