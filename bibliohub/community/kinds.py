"""What the community app records in the history: partners and what the library does with
them, referrals, volunteers and their hours, and the business and career service.

Entries about a partner (saved, a contact, an agreement, a joint activity, a referral either
way) name the partner as their object, so that the partners active in a period (those with
at least one joint activity or referral then) can be counted; a joint activity's estimated
value is its `amount`, in its currency. Entries about a volunteer name the volunteer (and
carry the patron when the volunteer has a card); volunteer time is `amount` in hours, and
the hours the plan counts are the confirmed ones (HOURS_CONFIRMED). Nothing that names a
person or that someone typed (a contact's name, an agreement's title, a referral's reason,
a mentoring message) is kept in an entry: it stays on its row.

`use=True` marks a patron using the business and career service: asking for a mentor
(MENTORING_REQUESTED) and meeting one through the library (MENTORING_LOGGED). Volunteering
is not marked: a volunteer gives the library time rather than using a service of it, and
volunteers are counted by their own figures (volunteer hours); counting them as users too
would mix the two. Referrals describe a person without naming them, so they count no one.

Joint activities and referrals are marked `distinct_object`: the partners they name are
counted once a year each (the partners active in a period)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain
from bibliohub.history.kinds import Unit

community = Domain("community", _("Partners, volunteers and career help"))

# Partners and referrals.
PARTNER_SAVED = community.kind("partner_saved", pgettext_lazy("history", "Partner saved"))
CONTACT_SAVED = community.kind("contact_saved", pgettext_lazy("history", "Partner's contact saved"))
AGREEMENT_SAVED = community.kind(
    "agreement_saved", pgettext_lazy("history", "Agreement with a partner saved")
)
ACTIVITY_RECORDED = community.kind(
    "activity_recorded",
    pgettext_lazy("history", "Joint activity with a partner recorded"),
    distinct_object=True,
)
REFERRAL_LOGGED = community.kind(
    "referral_logged", pgettext_lazy("history", "Referral logged"), distinct_object=True
)
REFERRAL_OUTCOME = community.kind(
    "referral_outcome", pgettext_lazy("history", "Outcome of a referral recorded")
)

# Volunteers.
VOLUNTEER_SAVED = community.kind("volunteer_saved", pgettext_lazy("history", "Volunteer saved"))
CONSENT_GIVEN = community.kind(
    "consent_given", pgettext_lazy("history", "Agreed to the library keeping their details")
)
CONSENT_WITHDRAWN = community.kind(
    "consent_withdrawn", pgettext_lazy("history", "Withdrew agreement to keep their details")
)
SHIFT_SAVED = community.kind("shift_saved", pgettext_lazy("history", "Volunteer shift saved"))
SIGNED_UP = community.kind("signed_up", pgettext_lazy("history", "Signed up for a shift"))
SIGNUP_CANCELLED = community.kind(
    "signup_cancelled", pgettext_lazy("history", "Shift sign-up cancelled")
)
HOURS_LOGGED = community.kind(
    "hours_logged", pgettext_lazy("history", "Volunteer hours logged"), unit=Unit.HOURS
)
HOURS_CONFIRMED = community.kind(
    "hours_confirmed", pgettext_lazy("history", "Volunteer hours confirmed"), unit=Unit.HOURS
)
HOURS_REJECTED = community.kind(
    "hours_rejected", pgettext_lazy("history", "Volunteer hours not confirmed"), unit=Unit.HOURS
)
SKILL_SAVED = community.kind("skill_saved", pgettext_lazy("history", "Volunteer skill saved"))

# Business and career.
RESOURCE_SAVED = community.kind(
    "resource_saved", pgettext_lazy("history", "Business and career link saved")
)
MENTOR_SAVED = community.kind("mentor_saved", pgettext_lazy("history", "Business or mentor saved"))
MENTORING_REQUESTED = community.kind(
    "mentoring_requested", pgettext_lazy("history", "Mentoring requested"), use=True
)
MENTORING_MATCHED = community.kind(
    "mentoring_matched", pgettext_lazy("history", "Mentoring appointment arranged")
)
MENTORING_LOGGED = community.kind(
    "mentoring_logged", pgettext_lazy("history", "Met a mentor"), use=True
)
MENTORING_CLOSED = community.kind(
    "mentoring_closed", pgettext_lazy("history", "Mentoring request closed")
)

# A partner is active in a period with one of these.
PARTNER_ACTIVITY = (ACTIVITY_RECORDED, REFERRAL_LOGGED)
