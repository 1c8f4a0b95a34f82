from django.urls import path

from bibliohub.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.loans, name="loans"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("register/", views.register, name="register"),
    path("register/child/", views.register_child, name="register-child"),
    path("loans/<int:loan_id>/renew/", views.renew, name="renew"),
    path("loans/renew-all/", views.renew_all, name="renew-all"),
    path("holds/", views.holds, name="holds"),
    path("holds/place/<int:record_id>/", views.place_hold, name="place-hold"),
    path("holds/<int:hold_id>/cancel/", views.cancel_hold, name="cancel-hold"),
    path("holds/<int:hold_id>/pickup/", views.change_pickup, name="change-pickup"),
    path(
        "holds/<int:hold_id>/not-needed-after/",
        views.change_not_needed_after,
        name="change-not-needed-after",
    ),
    path("fines/", views.fines, name="fines"),
    path("history/", views.history, name="history"),
    path("details/", views.details, name="details"),
    path("details/pin/", views.change_pin, name="change-pin"),
    path("my-data.json", views.download_data, name="download-data"),
]
