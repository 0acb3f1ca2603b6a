from django.urls import path

from recupero.parties import views

app_name = "parties"

urlpatterns = [
    path("<int:debtor_id>/", views.debtor_detail, name="debtor"),
]
