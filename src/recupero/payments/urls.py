from django.urls import path

from recupero.payments import views

app_name = "payments"

urlpatterns = [
    path("<int:account_id>/", views.ledger, name="ledger"),
    path("<int:account_id>/pdf/", views.ledger_pdf, name="ledger_pdf"),
]
