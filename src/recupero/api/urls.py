from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from recupero.api.docs import asset
from recupero.api.errors import ErrorCode, error_body
from recupero.api.v1 import api


def unknown(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Answer a path no endpoint has in the API's error shape."""
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, _("Not found.")), status=404)


urlpatterns = [
    path("v1/", api.urls),
    path("v1/docs/assets/<str:name>", asset, name="api-asset"),
    re_path(r"^(?P<rest>.*)$", unknown),
]
