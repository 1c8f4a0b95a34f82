"""Staff screens for staff accounts, included under /staff/accounts/."""

from django.urls import path

from bibliohub.accounts import staff_views

app_name = "accounts"

urlpatterns = [
    path("", staff_views.account_list, name="list"),
    path("new/", staff_views.account_create, name="create"),
    path("<int:account_id>/", staff_views.account_edit, name="edit"),
    path("<int:account_id>/active/", staff_views.account_set_active, name="set_active"),
    path("<int:account_id>/password/", staff_views.account_password, name="password"),
]
