"""The API's 405 in the API's error shape.

ninja answers a method an endpoint does not take before any exception
handler runs, in plain text; a client that reads every error as JSON would
choke on it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from recupero.api.errors import ErrorCode, error_body

API_PREFIX = "/api/"


class MethodNotAllowedAsJson:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith(API_PREFIX):
            return response

        body = error_body(
            ErrorCode.METHOD_NOT_ALLOWED,
            _("This endpoint does not take %(method)s.") % {"method": request.method},
        )
        answer = JsonResponse(body, status=405)
        if "Allow" in response:
            answer["Allow"] = response["Allow"]
        return answer
