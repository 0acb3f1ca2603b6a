from django.urls import path

from recupero.portfolios import views

app_name = "portfolios"

urlpatterns = [
    path("", views.home, name="home"),
]
