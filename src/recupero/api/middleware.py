"""Answers Django gives in its own shape, given in ours.

ninja answers a method an endpoint does not take before any exception
handler runs, in plain text; a client that reads every error as JSON would
choke on it. A page that finds SQLite locked would be a 500 ("database is
locked") where it is only a busy moment: a 503 asks to come back.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from recupero.api.errors import (
    RETRY_AFTER_SECONDS,
    ErrorCode,
    database_busy_body,
    error_body,
    is_database_busy,
)

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


class DatabaseBusyAsRetry:
    """Answer 503 with ``Retry-After`` when SQLite stays locked too long.

    The API's own handler answers its endpoints; this one answers the
    pages, and anything under /api/ that ninja did not see, in JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        if request.path.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse(database_busy_body(), status=503)
        else:
            # Without the request: its context processors would read the
            # session and the user from the database that is locked.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
