from django.urls import path

from recupero.payments import till_views

app_name = "tills"

urlpatterns = [
    path("", till_views.till_home, name="home"),
    path("abrir/", till_views.open_till, name="open"),
    path("cobrar/", till_views.take_payment, name="take_payment"),
    path("cerrar/", till_views.close_till, name="close"),
    path("arqueo/<int:till_id>/", till_views.till_count, name="count"),
    path("recibos/<int:receipt_id>/", till_views.receipt, name="receipt"),
    path(
        "recibos/<int:receipt_id>/pdf/", till_views.receipt_download, name="receipt_pdf"
    ),
]
