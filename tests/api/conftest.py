"""The API tests share the OPAC's catalogue fixtures."""

from tests.web.records import (  # noqa: F401
    _catalogue_clock,
    all_on_loan,
    duong_kach_menh,
    hong_lou_meng,
    indexed,
)
