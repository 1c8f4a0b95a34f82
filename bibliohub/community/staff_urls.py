"""Staff screens, included under /staff/community/."""

from django.urls import path

from bibliohub.community import staff_views as v

app_name = "community"

urlpatterns = [
    path("", v.home, name="home"),
    path("partners/", v.partner_list, name="partners"),
    path("partners/new/", v.partner_edit, name="partner_new"),
    path("partners/<int:pk>/", v.partner_detail, name="partner"),
    path("partners/<int:pk>/edit/", v.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/contacts/new/", v.contact_new, name="contact_new"),
    path("partners/<int:pk>/agreements/new/", v.agreement_new, name="agreement_new"),
    path("partners/<int:pk>/activities/new/", v.activity_new, name="activity_new"),
    path("agreements/<int:pk>/document/", v.agreement_document, name="agreement_document"),
    path("activities/", v.activity_list, name="activities"),
    path("referrals/", v.referral_list, name="referrals"),
    path("referrals/new/", v.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", v.referral_outcome, name="referral_outcome"),
    path("volunteers/", v.volunteer_list, name="volunteers"),
    path("volunteers/new/", v.volunteer_edit, name="volunteer_new"),
    path("volunteers/<int:pk>/", v.volunteer_detail, name="volunteer"),
    path("volunteers/<int:pk>/edit/", v.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/consent/", v.volunteer_consent, name="volunteer_consent"),
    path("volunteers/<int:pk>/shifts/<int:shift_pk>/", v.volunteer_sign_up, name="volunteer_sign_up"),
    path("shifts/", v.shift_list, name="shifts"),
    path("shifts/new/", v.shift_new, name="shift_new"),
    path("shifts/<int:pk>/", v.shift_detail, name="shift"),
    path("shifts/<int:pk>/sign-up/", v.shift_sign_up, name="shift_sign_up"),
    path("shifts/<int:pk>/cancel/", v.shift_cancel, name="shift_cancel"),
    path("sign-ups/<int:pk>/cancel/", v.signup_cancel, name="signup_cancel"),
    path("hours/", v.hours_list, name="hours"),
    path("hours/new/", v.hours_new, name="hours_new"),
    path("hours/totals/", v.hours_totals, name="hours_totals"),
    path("hours/<int:pk>/<slug:decision>/", v.hours_decide, name="hours_decide"),
    path("career/", v.resource_list, name="resources"),
    path("career/new/", v.resource_edit, name="resource_new"),
    path("career/<int:pk>/", v.resource_edit, name="resource_edit"),
    path("mentors/", v.mentor_list, name="mentors"),
    path("mentors/new/", v.mentor_edit, name="mentor_new"),
    path("mentors/<int:pk>/", v.mentor_edit, name="mentor_edit"),
    path("requests/", v.request_list, name="requests"),
    path("requests/<int:pk>/", v.request_detail, name="request"),
    path("dynamics/", v.dynamics, name="dynamics"),
]
