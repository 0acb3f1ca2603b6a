from django.urls import path

from recupero.payments import plan_views

app_name = "plans"

urlpatterns = [
    path("nuevo/<int:account_id>/", plan_views.new_plan, name="new"),
    path("<int:plan_id>/", plan_views.plan_page, name="plan"),
    path("<int:plan_id>/aprobar/", plan_views.approve, name="approve"),
    path("<int:plan_id>/aceptar/", plan_views.accept, name="accept"),
    path("<int:plan_id>/anular/", plan_views.cancel, name="cancel"),
    path("<int:plan_id>/pdf/", plan_views.plan_document, name="pdf"),
]
