from django.urls import path

from recupero.console import supervisor_views

app_name = "supervision"

urlpatterns = [
    path("", supervisor_views.home, name="home"),
    path("cifras/", supervisor_views.figures, name="figures"),
    path("reasignar/", supervisor_views.reassign, name="reassign"),
]
