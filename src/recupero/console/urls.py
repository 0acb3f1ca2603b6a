from django.urls import path

from recupero.console import views

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("siguiente/", views.next_account, name="next"),
    path("masivo/", views.mass_result, name="mass_result"),
    path("masivo/<int:job_id>/", views.mass_job, name="mass_job"),
    path("adjuntos/<int:attachment_id>/", views.attachment, name="attachment"),
    path("cuentas/<int:account_id>/", views.account, name="account"),
    path("cuentas/<int:account_id>/resultado/", views.result, name="result"),
    path("cuentas/<int:account_id>/liberar/", views.release, name="release"),
    path("cuentas/<int:account_id>/contactos/", views.add_contact, name="add_contact"),
    path(
        "cuentas/<int:account_id>/relacionados/", views.add_related, name="add_related"
    ),
    path(
        "cuentas/<int:account_id>/contactos/<int:contact_point_id>/",
        views.mark_contact,
        name="mark_contact",
    ),
]
