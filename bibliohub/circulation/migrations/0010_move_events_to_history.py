"""The circulation events move into the one history (bibliohub.history), then their table
goes. Every row is kept, with its kind (a refusal becomes checkout_refused, renewal_refused
or hold_refused by the action it refused; one without an action keeps "refusal"), time,
branch, staff member, patron (with category, age from the date of birth while the patron is
known, else the age band kept) and the copy, title, loan or hold it named.

The old rows kept a staff member and a desk string, not the channel, which is inferred:

- a member of staff: staff at the desk (the staff screens; the Django admin never wrote
  these events), the desk string as the source;
- desk "portal": the patron, online; desk "auto-renewal": the job "auto_renewals";
- no staff and the login of a self-check terminal: that terminal, at self-check; no staff
  and any other desk string (only terminals gave one): self-check, terminal unknown;
- no staff and no desk:
  - a fine charged, or a copy sent on or put on the hold shelf, at the very moment of a
    return, loss or claim (fines) or of a hold cancelled or expired (copies moved): the
    channel of that row, whose operation it was part of;
  - other fines, expired holds, anonymisation and copies moved: the scheduled jobs;
  - holds placed, cancelled or changed without a branch: the patron, online (the portal
    gave no desk for these, nor did the demo's readers); a hold changed at a branch: a
    self-check (SIP2 gave the branch but not the terminal);
  - anything else: the system.

Loans, holds and other objects are named as `object_type`/`object_id` (a fine charged for a
loan names the loan, the fine's id in `detail`, so that anonymising the loan forgets the
patron there too; a payment names the payment, found by its receipt number). Amounts get
the network's currency. Free text is not copied into the history (it outlives erasure): the
reason staff gave for an override goes to the loan or hold it concerns (the history keeps
that there was an override), a damaged copy's note stays on its fine, a cancellation's reason
on its hold, a waiver's reason on its fine; a rule's note and a term's names are left out of
the values of a policy change."""

from django.db import migrations
from django.db.models import Case, CharField, IntegerField, OuterRef, Q, Subquery, When

from bibliohub.history.legacy import LegacyCopier

REFUSED = {"checkout": "checkout_refused", "renew": "renewal_refused", "hold": "hold_refused"}
# Entries that carry what the figures group loans by: item type, language, format, audience.
LOAN_KINDS = {
    "checkout",
    "renew",
    "checkin",
    "lost",
    "claims_returned",
    "checkout_refused",
    "renewal_refused",
}
# Rows written without staff or desk as part of another operation at the same moment.
PAIRED = {"fine", "hold_ready", "transfer_sent"}
PAIRS = ["checkin", "lost", "claims_returned", "hold_cancelled", "hold_expired"]
JOB_KINDS = {
    "fine": "fines",
    "hold_expired": "holds_expired",
    "anonymised": "anonymised",
    "hold_ready": "holds_expired",
    "transfer_sent": "holds_expired",
}
ONLINE_KINDS = {"hold_placed", "hold_cancelled", "hold_changed"}
POLICY_TEXT = {"note", "name", "names"}
BATCH = 2000


def _actor(kind, staff_id, desk, branch_id, terminals):
    """(channel, actor, terminal_id, source) for a row of `kind` with this staff and desk;
    None when the row has neither and must be paired with another."""
    if staff_id is not None:
        return "desk", "staff", None, desk
    if desk == "portal":
        return "online", "patron", None, ""
    if desk == "auto-renewal":
        return "job", "job", None, "auto_renewals"
    if desk:
        return "selfcheck", "terminal", terminals.get(desk), desk
    if kind in ONLINE_KINDS:
        if kind == "hold_changed" and branch_id is not None:
            return "selfcheck", "terminal", None, ""
        return "online", "patron", None, ""
    if kind in JOB_KINDS:
        return "job", "job", None, JOB_KINDS[kind]
    return "admin", "system", None, "migration"


def copy_to_history(apps, schema_editor):
    Event = apps.get_model("circulation", "CirculationEvent")
    Loan = apps.get_model("circulation", "Loan")
    Hold = apps.get_model("circulation", "Hold")
    Fine = apps.get_model("circulation", "Fine")
    Payment = apps.get_model("circulation", "Payment")
    Refund = apps.get_model("circulation", "Refund")
    Network = apps.get_model("libraries", "Network")
    Terminal = apps.get_model("interop", "SelfCheckTerminal")
    copier = LegacyCopier(apps, domain="circulation")
    terminals = dict(Terminal.objects.values_list("login", "pk"))
    currencies = dict(Network.objects.values_list("pk", "currency"))

    def paired(field):
        return Case(
            When(
                Q(kind__in=PAIRED, staff__isnull=True, desk=""),
                then=Subquery(
                    Event.objects.filter(at=OuterRef("at"), kind__in=PAIRS)
                    .filter(Q(loan_id=OuterRef("loan_id")) | Q(kind__in=PAIRS[3:]))
                    .exclude(pk=OuterRef("pk"))
                    .order_by("pk")
                    .values(field)[:1]
                ),
            ),
            default=None,
            output_field=IntegerField() if field.endswith("_id") else CharField(),
        )

    events = (
        Event.objects.select_related("branch", "patron", "item", "record", "item__record", "loan")
        .annotate(
            paired_kind=paired("kind"),
            paired_desk=paired("desk"),
            paired_staff=paired("staff_id"),
            paired_branch=paired("branch_id"),
        )
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(events.filter(pk__gt=last)[:BATCH])
        if not chunk:
            break
        last = chunk[-1].pk
        fine_ids = {e.detail.get("fine") for e in chunk if isinstance(e.detail, dict)} - {None}
        refund_ids = {e.detail.get("refund") for e in chunk if isinstance(e.detail, dict)} - {None}
        receipts = {
            e.detail.get("receipt")
            for e in chunk
            if e.kind == "payment" and isinstance(e.detail, dict)
        } - {None}
        fine_loans = dict(Fine.objects.filter(pk__in=fine_ids).values_list("pk", "loan_id"))
        refund_fines = dict(
            Refund.objects.filter(pk__in=refund_ids).values_list("pk", "fine__loan_id")
        )
        payments = dict(
            Payment.objects.filter(receipt_number__in=receipts).values_list("receipt_number", "pk")
        )
        for event in chunk:
            _copy(event, copier, terminals, currencies, fine_loans, refund_fines, payments)
            _keep_override(event, Loan, Hold)
    copier.flush()


def _copy(event, copier, terminals, currencies, fine_loans, refund_fines, payments):
    kind = event.kind
    if kind == "refusal":
        kind = REFUSED.get(event.action, "refusal")
    who = _actor(kind, event.staff_id, event.desk, event.branch_id, terminals)
    if event.staff_id is None and not event.desk and event.paired_kind:
        who = _actor(
            event.paired_kind, event.paired_staff, event.paired_desk or "", event.paired_branch,
            terminals,
        )  # fmt: skip
    channel, actor, terminal_id, source = who
    patron = event.patron
    network_id = (
        event.branch.network_id
        if event.branch is not None
        else patron.network_id
        if patron is not None
        else None
    )
    detail = dict(event.detail) if isinstance(event.detail, dict) else {}
    if network_id is None and kind == "anonymised":
        network_id = detail.get("network")
    item, title = event.item, event.record or (event.item.record if event.item else None)
    object_type, object_id = "", None
    if event.loan_id is not None:
        object_type, object_id = "circulation.loan", event.loan_id
    elif event.hold_id is not None:
        object_type, object_id = "circulation.hold", event.hold_id
    fine_id = detail.get("fine")
    if kind in {"fine", "waive", "lost_cancelled", "refund"} and fine_id is not None:
        loan_id = event.loan_id or fine_loans.get(fine_id)
        object_type, object_id = (
            ("circulation.loan", loan_id) if loan_id else ("circulation.fine", fine_id)
        )
    if kind == "refund_paid" and detail.get("refund") is not None:
        loan_id = refund_fines.get(detail["refund"])
        if loan_id:
            object_type, object_id = "circulation.loan", loan_id
        else:
            object_type, object_id = "circulation.refund", detail["refund"]
    if kind == "payment" and detail.get("receipt") in payments:
        object_type, object_id = "circulation.payment", payments[detail["receipt"]]
    if kind in {"transfer_sent", "transfer_received"} and event.hold_id is not None:
        detail["hold"] = event.hold_id
    # Free text stays out of the history.
    if kind == "damaged":
        detail.pop("note", None)
    if kind == "hold_cancelled":
        detail.pop("reason", None)
    if kind == "policy_changed" and isinstance(detail.get("values"), dict):
        detail["values"] = {k: v for k, v in detail["values"].items() if k not in POLICY_TEXT}
    if event.override_reason:
        if kind in REFUSED.values() or kind == "refusal":
            detail["override_asked"] = True
        elif kind in {"checkout", "renew", "hold_placed"} and event.reasons:
            detail["override"] = True
    material = {}
    if kind in LOAN_KINDS and (item is not None or title is not None):
        languages = (title.languages if title is not None else None) or []
        material = {
            "item_type_id": event.loan.item_type_id
            if event.loan is not None
            else (item.item_type_id if item is not None else None),
            "language": str(languages[0])[:8] if languages else "",
            "format": title.format if title is not None else "",
            "audience": (title.audience or "") if title is not None else "",
        }
    elif item is not None:
        material = {"item_type_id": item.item_type_id}
    birth = patron.date_of_birth if patron is not None else None
    copier.add(
        kind=kind,
        at=event.at,
        channel=channel,
        actor=actor,
        network_id=network_id,
        branch_id=event.branch_id,
        staff_id=event.staff_id,
        terminal_id=terminal_id,
        source=source,
        patron_id=event.patron_id,
        birth=birth,
        category_id=event.category_id,
        age_band=event.age_band if birth is None else "",
        record_id=title.pk if title is not None else event.record_id,
        item_id=event.item_id,
        object_type=object_type,
        object_id=object_id,
        amount=event.amount,
        currency=currencies.get(network_id, "") if event.amount is not None else "",
        reasons=list(event.reasons or []),
        detail=detail,
        **material,
    )


def _keep_override(event, Loan, Hold):
    """The reason staff gave for an override, on the loan or hold it concerned (rows in
    order, so a loan keeps its latest); not for loans already anonymised."""
    if not event.override_reason or not event.reasons:
        return
    text = event.override_reason[:255]
    if event.kind in {"checkout", "renew"} and event.loan_id is not None:
        Loan.objects.filter(pk=event.loan_id, patron__isnull=False).update(override_reason=text)
    elif event.kind == "hold_placed" and event.hold_id is not None:
        Hold.objects.filter(pk=event.hold_id).update(override_reason=text)


class Migration(migrations.Migration):
    dependencies = [
        ("circulation", "0009_override_reason"),
        ("history", "0001_initial"),
        ("interop", "0002_selfcheckterminal_requires_pin"),
        ("libraries", "0004_network_currency"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="CirculationEvent"),
    ]
