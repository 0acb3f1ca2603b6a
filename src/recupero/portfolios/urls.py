from django.urls import path

from recupero.portfolios import views

app_name = "portfolios"

urlpatterns = [
    path("", views.home, name="home"),
    path("cuentas/", views.account_list, name="accounts"),
    path("importaciones/", views.import_list, name="import_list"),
    path("importaciones/nueva/", views.import_new, name="import_new"),
    path("importaciones/<int:job_id>/", views.import_detail, name="import_detail"),
    path(
        "importaciones/<int:job_id>/problemas.csv",
        views.import_issues_csv,
        name="import_issues_csv",
    ),
    path("importaciones/perfiles/", views.profile_list, name="profile_list"),
    path("importaciones/perfiles/nuevo/", views.profile_new, name="profile_new"),
    path(
        "importaciones/perfiles/<int:profile_id>/",
        views.profile_edit,
        name="profile_edit",
    ),
]
