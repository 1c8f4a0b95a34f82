"""The front desk and the circulation rules, included under /staff/desk/."""

from django.urls import path

from bibliohub.circulation import views

app_name = "circulation"

urlpatterns = [
    path("", views.desk_home, name="home"),
    path("branch/", views.choose_desk, name="choose_desk"),
    path("checkout/", views.checkout_start, name="checkout_start"),
    path("checkout/<int:patron_id>/", views.checkout, name="checkout"),
    path("checkout/<int:patron_id>/loans/", views.loans, name="loans"),
    path("checkout/<int:patron_id>/renew/", views.renew, name="renew"),
    path("checkout/<int:patron_id>/hold/", views.place_hold, name="place_hold"),
    path("loans/<int:loan_id>/end/", views.loan_outcome, name="loan_outcome"),
    path("checkin/", views.checkin, name="checkin"),
    path("copies/<int:item_id>/damaged/", views.item_damaged, name="item_damaged"),
    path("holds/to-pull/", views.holds_to_pull, name="holds_to_pull"),
    path("holds/shelf/", views.hold_shelf, name="hold_shelf"),
    path("transit/", views.transit, name="transit"),
    path("transit/receive/", views.receive, name="receive"),
    path("fines/<int:patron_id>/", views.fines, name="fines"),
    path("fines/waive/<int:fine_id>/", views.waive, name="waive"),
    path("receipts/<int:payment_id>/", views.receipt, name="receipt"),
    path("refunds/<int:refund_id>/pay-out/", views.pay_out_refund, name="pay_out_refund"),
    path("refunds/<int:refund_id>/receipt/", views.refund_receipt, name="refund_receipt"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_add"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/which/", views.explain, name="explain"),
    path("terms/", views.term_list, name="terms"),
    path("terms/new/", views.term_edit, name="term_add"),
    path("terms/<int:term_id>/", views.term_edit, name="term_edit"),
    path("end-of-term/", views.end_of_term, name="end_of_term"),
]
