"""Who may use each staff URL: the permission table the matrix test holds every URL to.

An entry says which roles may use the URL and whether it is *branch-scoped*: a role may then
use it only on objects of a branch it acts for (world.ACTS_FOR). `args` builds the URL's
arguments from one branch's objects (world.Side), `data` what a POST sends when the view
needs it to find what it acts on. A staff URL without an entry fails the
matrix test: add its line here when you add the URL.

Not branch-scoped, on purpose:
- the desk serves every patron of the network (patrons borrow at every branch): lending,
  renewals, holds, fines, receipts, a loss declared by the patron, blocks, the patron's page
  and data; moving a patron to another home branch is refused by the service unless the user
  acts for the current home branch (tests/patrons/test_home_branch_walls.py);
- records are the network's: cataloguers and managers edit them, anyone adds a copy of
  their own branch to one;
- the history pages show anyone who may read the history only the entries of their
  branches (accounts.access.history_scope): filtered, not refused;
- lists show what belongs to the user's branches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.walls.world import Side

STAFF = frozenset({"administrator", "network_manager", "librarian_a", "librarian_b", "cataloguer"})
NETWORK = frozenset({"administrator", "network_manager"})
CATALOGUE = frozenset({"administrator", "network_manager", "cataloguer"})
# Who plans: the network's planners every programme, a branch librarian her branch's (a
# cataloguer reads the programmes of the branches she works with and changes none).
PLANNERS = frozenset({"administrator", "network_manager", "librarian_a", "librarian_b"})
# Who reads programmes and SWOT analyses: staff and the monitoring group.
PLAN_READERS = STAFF | {"monitor"}


@dataclass(frozen=True)
class Wall:
    roles: frozenset[str]
    scoped: bool = False
    args: Callable[[Side], dict[str, Any]] | None = None
    # What a POST sends, for a view that needs more than nothing to find what it acts on.
    data: Callable[[Side], dict[str, Any]] | None = None


def _staff(args: Callable[[Side], dict[str, Any]] | None = None) -> Wall:
    return Wall(STAFF, args=args)


def _branch(args: Callable[[Side], dict[str, Any]]) -> Wall:
    """Staff who act for the branch of the object."""
    return Wall(STAFF, scoped=True, args=args)


def _plan(args: Callable[[Side], dict[str, Any]], data: Callable[[Side], dict[str, Any]] | None = None) -> Wall:
    """Planners who plan for the branch of the programme."""
    return Wall(PLANNERS, scoped=True, args=args, data=data)


def _read(args: Callable[[Side], dict[str, Any]] | None = None) -> Wall:
    """Staff of the branch and the monitoring group (without a draft or personal data)."""
    return Wall(PLAN_READERS, scoped=args is not None, args=args)


def _pk(name: str, key: str = "pk") -> Callable[[Side], dict[str, Any]]:
    return lambda s: {key: getattr(s, name).pk}


TABLE: dict[str, Wall] = {
    # The monitoring group is sent on to the programmes, the only pages of its role.
    "staff:home": Wall(STAFF | {"monitor"}),
    # --- the catalogue
    "staff:catalog:search": _staff(),
    "staff:catalog:record_create": Wall(CATALOGUE),
    "staff:catalog:record": _staff(_pk("record", "record_id")),
    "staff:catalog:record_edit": Wall(CATALOGUE, args=_pk("record", "record_id")),
    "staff:catalog:item_add": _staff(_pk("record", "record_id")),
    "staff:catalog:item_lookup": _staff(),
    "staff:catalog:item_edit": _branch(_pk("item", "item_id")),
    "staff:catalog:item_withdraw": _branch(_pk("item", "item_id")),
    "staff:catalog:marc_upload": Wall(CATALOGUE),
    # --- copy cataloguing: the catalogues searched are the network's, as records are
    "staff:copycat:search": Wall(CATALOGUE),
    "staff:copycat:import": Wall(CATALOGUE),
    "staff:copycat:targets": Wall(CATALOGUE),
    "staff:copycat:target_add": Wall(CATALOGUE),
    "staff:copycat:target_edit": Wall(CATALOGUE, args=_pk("copy_target")),
    "staff:copycat:target_delete": Wall(CATALOGUE, args=_pk("copy_target")),
    # --- branches and their hours
    "staff:libraries:branches": _staff(),
    "staff:libraries:branch": _branch(lambda s: {"code": s.branch.code}),
    "staff:libraries:hours": _branch(lambda s: {"code": s.branch.code}),
    "staff:libraries:exception_add": _branch(lambda s: {"code": s.branch.code}),
    "staff:libraries:exception_remove": _branch(
        lambda s: {"code": s.branch.code, "exception_id": s.exception.pk}
    ),
    # --- rooms and equipment
    "staff:spaces:bookings": _staff(),
    "staff:spaces:day": _staff(),
    "staff:spaces:book": _branch(_pk("room")),
    "staff:spaces:act": _branch(lambda s: {"pk": s.booking.pk, "action": "approve"}),
    "staff:spaces:resources": _staff(),
    "staff:spaces:resource_add": _staff(),
    "staff:spaces:resource_edit": _branch(_pk("room")),
    # --- events
    "staff:programs:list": _staff(),
    "staff:programs:new": _staff(),
    "staff:programs:policy": Wall(NETWORK),
    "staff:programs:occurrence": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:register": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:check_in": _branch(
        lambda s: {"occurrence_id": s.occurrence.pk, "registration_id": s.registration.pk}
    ),
    "staff:programs:cancel_registration": _branch(
        lambda s: {"occurrence_id": s.occurrence.pk, "registration_id": s.registration.pk}
    ),
    "staff:programs:walk_ins": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:close": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:capacity": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:change": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:cancel": _branch(_pk("occurrence", "occurrence_id")),
    "staff:programs:export": _branch(lambda s: {"occurrence_id": s.occurrence.pk, "fmt": "csv"}),
    "staff:programs:edit": _branch(_pk("event", "event_id")),
    "staff:programs:entries": _branch(_pk("event", "event_id")),
    "staff:programs:entry_result": _branch(
        lambda s: {"event_id": s.event.pk, "submission_id": s.submission.pk}
    ),
    "staff:programs:entry_file": _branch(
        lambda s: {"event_id": s.event.pk, "submission_id": s.submission.pk}
    ),
    # --- the community: partners, volunteers and mentors are the user's when they share a
    # branch with her; shifts, hours, referrals, links and requests belong to one branch.
    "staff:community:home": _staff(),
    "staff:community:partners": _staff(),
    "staff:community:partner_new": _staff(),
    "staff:community:partner": _branch(_pk("partner")),
    "staff:community:partner_edit": _branch(_pk("partner")),
    "staff:community:contact_new": _branch(_pk("partner")),
    "staff:community:agreement_new": _branch(_pk("partner")),
    "staff:community:activity_new": _branch(_pk("partner")),
    "staff:community:agreement_document": _branch(_pk("agreement")),
    "staff:community:activities": _staff(),
    "staff:community:referrals": _staff(),
    "staff:community:referral_new": _staff(),
    "staff:community:referral_outcome": _branch(_pk("referral")),
    "staff:community:volunteers": _staff(),
    "staff:community:volunteer_new": _staff(),
    "staff:community:volunteer": _branch(_pk("volunteer")),
    "staff:community:volunteer_edit": _branch(_pk("volunteer")),
    "staff:community:volunteer_consent": _branch(_pk("volunteer")),
    "staff:community:volunteer_sign_up": _branch(
        lambda s: {"pk": s.volunteer.pk, "shift_pk": s.shift.pk}
    ),
    "staff:community:shifts": _staff(),
    "staff:community:shift_new": _staff(),
    "staff:community:shift": _branch(_pk("shift")),
    "staff:community:shift_sign_up": _branch(_pk("shift")),
    "staff:community:shift_cancel": _branch(_pk("shift")),
    "staff:community:signup_cancel": _branch(_pk("signup")),
    "staff:community:hours": _staff(),
    "staff:community:hours_new": _staff(),
    "staff:community:hours_totals": _staff(),
    "staff:community:hours_decide": _branch(lambda s: {"pk": s.hours.pk, "decision": "confirm"}),
    "staff:community:resources": _staff(),
    "staff:community:resource_new": _staff(),
    "staff:community:resource_edit": _branch(_pk("career_link")),
    "staff:community:mentors": _staff(),
    "staff:community:mentor_new": _staff(),
    "staff:community:mentor_edit": _branch(_pk("mentor")),
    "staff:community:requests": _staff(),
    "staff:community:request": _branch(_pk("mentoring")),
    "staff:community:dynamics": _staff(),
    # --- complaints, suggestions and thanks: each item belongs to one branch
    "staff:listening:list": _staff(),
    "staff:listening:new": _staff(),
    "staff:listening:detail": _branch(_pk("feedback")),
    "staff:listening:attachment": _branch(_pk("feedback")),
    "staff:listening:act": _branch(lambda s: {"pk": s.feedback.pk, "action": "acknowledge"}),
    "staff:demand:list": _staff(),
    "staff:demand:new": _staff(),
    "staff:demand:request": _staff(),
    "staff:demand:report": _staff(),
    "staff:demand:detail": _branch(_pk("suggestion")),
    "staff:demand:act": _branch(lambda s: {"pk": s.suggestion.pk, "action": "accept"}),
    # --- surveys: a branch's survey is built and read by staff of the branch
    "staff:surveys:list": _staff(),
    "staff:surveys:new": _staff(),
    "staff:surveys:detail": _branch(_pk("survey")),
    "staff:surveys:edit": _branch(_pk("survey")),
    "staff:surveys:state": _branch(_pk("survey")),
    "staff:surveys:question_new": _branch(_pk("survey")),
    "staff:surveys:question": _branch(
        lambda s: {"pk": s.survey.pk, "question_id": s.survey_question.pk}
    ),
    "staff:surveys:question_remove": _branch(
        lambda s: {"pk": s.survey.pk, "question_id": s.survey_question.pk}
    ),
    "staff:surveys:invitations": _branch(_pk("survey")),
    "staff:surveys:poster": _branch(_pk("survey")),
    "staff:surveys:results": _branch(_pk("survey")),
    "staff:surveys:texts": _branch(_pk("survey")),
    # --- the front desk
    "staff:circulation:home": _staff(),
    "staff:circulation:choose_desk": _staff(),
    "staff:circulation:checkout_start": _staff(),
    "staff:circulation:checkout": _staff(_pk("patron", "patron_id")),
    "staff:circulation:loans": _staff(_pk("patron", "patron_id")),
    "staff:circulation:renew": _staff(_pk("patron", "patron_id")),
    "staff:circulation:place_hold": Wall(
        STAFF, args=_pk("patron", "patron_id"), data=lambda s: {"record_id": s.record.pk}
    ),
    "staff:circulation:loan_outcome": _staff(_pk("loan", "loan_id")),
    "staff:circulation:checkin": _staff(),
    "staff:circulation:item_damaged": _branch(_pk("item", "item_id")),
    "staff:circulation:holds_to_pull": _staff(),
    "staff:circulation:hold_shelf": _staff(),
    "staff:circulation:transit": _staff(),
    "staff:circulation:receive": _staff(),
    "staff:circulation:fines": _staff(_pk("patron", "patron_id")),
    "staff:circulation:waive": _staff(_pk("fine", "fine_id")),
    "staff:circulation:receipt": _staff(_pk("payment", "payment_id")),
    "staff:circulation:pay_out_refund": _staff(_pk("refund", "refund_id")),
    "staff:circulation:refund_receipt": _staff(_pk("paid_refund", "refund_id")),
    "staff:circulation:rules": _staff(),
    "staff:circulation:rule_add": Wall(NETWORK),
    "staff:circulation:rule_edit": Wall(NETWORK, args=_pk("rule", "rule_id")),
    "staff:circulation:explain": _staff(),
    "staff:circulation:terms": _staff(),
    "staff:circulation:term_add": Wall(NETWORK),
    "staff:circulation:term_edit": Wall(NETWORK, args=_pk("term", "term_id")),
    "staff:circulation:end_of_term": _staff(),
    # --- patrons
    "staff:patrons:search": _staff(),
    "staff:patrons:register": _staff(),
    "staff:patrons:csv_upload": _staff(),
    "staff:patrons:pending": _staff(),
    "staff:patrons:detail": _staff(_pk("patron", "patron_id")),
    "staff:patrons:card": _staff(_pk("patron", "patron_id")),
    "staff:patrons:edit": _staff(_pk("patron", "patron_id")),
    "staff:patrons:renew_card": _staff(_pk("patron", "patron_id")),
    "staff:patrons:block": _staff(_pk("patron", "patron_id")),
    "staff:patrons:set_pin": _staff(_pk("patron", "patron_id")),
    "staff:patrons:confirm": _branch(_pk("pending", "patron_id")),
    "staff:patrons:erase": _branch(_pk("patron", "patron_id")),
    "staff:patrons:data": _staff(_pk("patron", "patron_id")),
    "staff:patrons:lift_block": _staff(_pk("block", "block_id")),
    # --- the history (filtered to what the user may read)
    "staff:history:all": _staff(),
    "staff:history:patron": _staff(_pk("patron", "patron_id")),
    "staff:history:copy": _staff(_pk("item", "item_id")),
    "staff:history:title": _staff(_pk("record", "record_id")),
    "staff:history:branch": _staff(lambda s: {"code": s.branch.code}),
    "staff:history:staff_member": _staff(_pk("librarian", "user_id")),
    # --- the daily record book (a branch's own)
    "staff:daybook:start": _staff(),
    "staff:daybook:month": _branch(lambda s: {"code": s.branch.code, "year": 2026, "month": 11}),
    # --- the indicators: read by staff (each her branches' figures) and the monitoring group
    # (every branch's, no personal data); targets and closing periods are the network's
    "staff:measures:dashboard": Wall(PLAN_READERS),
    "staff:measures:indicator": Wall(PLAN_READERS, args=lambda s: {"code": "loans"}),
    "staff:measures:targets": Wall(NETWORK),
    "staff:measures:closing": Wall(NETWORK),
    # --- the e-mail outbox (every patron's address and messages: the network's roles only)
    "staff:mail:outbox": Wall(NETWORK),
    "staff:mail:message": Wall(NETWORK, args=_pk("message")),
    "staff:mail:resend": Wall(NETWORK, args=_pk("message")),
    # --- staff accounts (a manager neither makes nor changes an administrator:
    # tests/accounts/test_staff_account_screens.py)
    "staff:accounts:list": Wall(NETWORK),
    "staff:accounts:create": Wall(NETWORK),
    "staff:accounts:edit": Wall(NETWORK, args=_pk("librarian", "account_id")),
    "staff:accounts:password": Wall(NETWORK, args=_pk("librarian", "account_id")),
    "staff:accounts:set_active": Wall(
        NETWORK, args=_pk("librarian", "account_id"), data=lambda s: {"active": "1"}
    ),
    # --- development programmes and SWOT analyses (read by the staff of the branch, changed
    # by its planners; progress on an action is reported by the staff where it is done)
    "staff:planning:list": _read(),
    "staff:planning:programme_new": Wall(PLANNERS),
    "staff:planning:programme": _read(_pk("programme")),
    "staff:planning:programme_edit": _plan(_pk("programme")),
    "staff:planning:programme_status": _plan(_pk("programme"), data=lambda s: {"status": "closed"}),
    "staff:planning:programme_publish": _plan(_pk("programme")),
    "staff:planning:programme_delete": _plan(_pk("programme")),
    "staff:planning:programme_copy": _plan(_pk("programme")),
    "staff:planning:actions_download": _read(lambda s: {"pk": s.programme.pk, "fmt": "csv"}),
    "staff:planning:direction_new": _plan(_pk("programme", "programme_pk")),
    "staff:planning:measure_new": _plan(_pk("programme", "programme_pk")),
    "staff:planning:direction_edit": _plan(_pk("direction")),
    "staff:planning:direction_delete": _plan(_pk("direction")),
    "staff:planning:goal_new": _plan(_pk("direction", "direction_pk")),
    "staff:planning:goal_edit": _plan(_pk("goal")),
    "staff:planning:goal_delete": _plan(_pk("goal")),
    "staff:planning:action_new": _plan(_pk("goal", "goal_pk")),
    "staff:planning:action": _read(_pk("action")),
    "staff:planning:action_edit": _plan(_pk("action")),
    "staff:planning:action_delete": _plan(_pk("action")),
    "staff:planning:progress_new": _plan(_pk("action")),
    "staff:planning:update_public": _plan(_pk("update")),
    # The update is for staff only: the monitoring group gets the files of public ones.
    "staff:planning:evidence": _branch(_pk("evidence")),
    "staff:planning:evidence_remove": _plan(_pk("evidence")),
    "staff:planning:measure_edit": _plan(_pk("measure")),
    "staff:planning:measure_delete": _plan(_pk("measure")),
    "staff:planning:swots": _read(),
    "staff:planning:swot_new": Wall(PLANNERS),
    "staff:planning:swot": _read(_pk("swot")),
    "staff:planning:swot_edit": _plan(_pk("swot")),
    "staff:planning:swot_print": _read(_pk("swot")),
    "staff:planning:point_new": _plan(_pk("swot", "swot_pk")),
    "staff:planning:point_edit": _plan(_pk("point")),
    "staff:planning:point_delete": _plan(_pk("point")),
    # --- annual reports and statutory forms: figures and plan progress without personal
    # data, so the monitoring group downloads them too; a branch librarian her branches'.
    "staff:reports:start": Wall(PLAN_READERS),
    "staff:reports:annual_network": Wall(
        NETWORK | {"monitor"}, args=lambda s: {"year": 2026, "fmt": "csv"}
    ),
    "staff:reports:annual_branch": Wall(
        PLAN_READERS, scoped=True, args=lambda s: {"code": s.branch.code, "year": 2026, "fmt": "csv"}
    ),
    "staff:reports:form_network": Wall(
        NETWORK | {"monitor"}, args=lambda s: {"form": "6nk", "year": 2026, "fmt": "page"}
    ),
    "staff:reports:form_branch": Wall(
        PLAN_READERS,
        scoped=True,
        args=lambda s: {"form": "imls-pls", "code": s.branch.code, "year": 2026, "fmt": "xlsx"},
    ),
}

# The REST API is public and read-only: it has no staff endpoint. A new API URL must be
# listed here as public, or get a staff entry in TABLE (and a wall).
PUBLIC_API = frozenset(
    {
        "api:openapi-json",
        "api:openapi-view",
        "api:api-root",
        "api:branches",
        "api:search",
        "api:record",
        "api:items",
        "api:marc",
        "api:not_found",
    }
)

# API URLs that authenticate who calls them, and refuse everyone else (tests/measures): the
# indicators (staff, by session or API token, each her branches) and the counts of gate
# counters (a counter's own token).
AUTHENTICATED_API = frozenset(
    {"api:indicator_list", "api:definitions", "api:indicator_breakdown", "api:gate_counts"}
)
