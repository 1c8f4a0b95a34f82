"""What the accounts app records in the history: staff accounts created, changed, given
other roles or branches, deactivated, deleted, and passwords set (or removed) by an
administrator. Entries name the account by id (`object_id`) and the changed fields by name,
never their values: names, e-mail addresses and passwords stay out of the history."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

accounts = Domain("accounts", _("Staff accounts"))

ACCOUNT_CREATED = accounts.kind(
    "account_created", pgettext_lazy("history", "Staff account created")
)
DETAILS_CHANGED = accounts.kind(
    "details_changed", pgettext_lazy("history", "Staff account details changed")
)
ACCESS_CHANGED = accounts.kind(
    "access_changed", pgettext_lazy("history", "Staff role, branches or permissions changed")
)
DEACTIVATED = accounts.kind("deactivated", pgettext_lazy("history", "Staff account deactivated"))
REACTIVATED = accounts.kind("reactivated", pgettext_lazy("history", "Staff account reactivated"))
PASSWORD_SET = accounts.kind("password_set", pgettext_lazy("history", "Staff password set"))
ACCOUNT_DELETED = accounts.kind(
    "account_deleted", pgettext_lazy("history", "Staff account deleted")
)
TOKEN_ISSUED = accounts.kind("token_issued", pgettext_lazy("history", "API token issued"))
TOKEN_REVOKED = accounts.kind("token_revoked", pgettext_lazy("history", "API token revoked"))
