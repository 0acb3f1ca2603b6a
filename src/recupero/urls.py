from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("recupero.portfolios.urls")),
    path("deudores/", include("recupero.parties.urls")),
    path("consola/", include("recupero.console.urls")),
    path("supervision/", include("recupero.console.supervisor_urls")),
    path("api/", include("recupero.api.urls")),
    path("cuenta-corriente/", include("recupero.payments.urls")),
    path("convenios/", include("recupero.payments.plan_urls")),
    path("caja/", include("recupero.payments.till_urls")),
    path("ingresar/", auth_views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
