"""The e-mail outbox under /staff/mail/."""

from django.urls import path

from bibliohub.mail import staff_views as views

app_name = "mail"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/resend/", views.resend, name="resend"),
]
