"""Every error of the API as ``{"code", "message", "field"?, "details"?}``.

Codes are stable: clients branch on them. Messages are translated to the
request's language. Actions' ``ValidationError`` keep their own codes.
"""

import logging
import re
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CSRF_FAILED = "csrf_failed"
    MALFORMED_BODY = "malformed_body"
    BODY_TOO_LARGE = "body_too_large"
    SERVER_ERROR = "server_error"
    DATABASE_BUSY = "database_busy"
    SEVERAL_FILES = "several_files"


class ApiError(Exception):
    """An error the API answers with ``status`` and a stable ``code``."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def not_found() -> ApiError:
    # The same answer for "does not exist" and "not yours": existence of
    # another creditor's data is not to be revealed.
    return ApiError(404, ErrorCode.NOT_FOUND, _("Not found."))


def permission_denied() -> ApiError:
    return ApiError(403, ErrorCode.PERMISSION_DENIED, _("You may not do this."))


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    if details:
        body["details"] = details
    return body


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's error answers with ours."""

    def answer(request: HttpRequest, status: int, **body: Any) -> HttpResponse:
        return api.create_response(request, error_body(**body), status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return answer(
            request, exc.status, code=exc.code, message=exc.message, field=exc.field
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = answer(
            request,
            401,
            code=ErrorCode.NOT_AUTHENTICATED,
            message=_("A valid API token or session is needed."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403:
            # Only ninja's session check raises this one.
            code, message = ErrorCode.CSRF_FAILED, _("CSRF check failed.")
        elif exc.status_code == 400:
            code = ErrorCode.MALFORMED_BODY
            message = _("The request body cannot be read.")
        else:
            code, message = ErrorCode.INVALID_INPUT, _("The request is not valid.")
        return answer(request, exc.status_code, code=code, message=message)

    @api.exception_handler(MultiPartParserError)
    def unreadable_form(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A multipart body without its boundary, or cut short.
        return answer(
            request,
            400,
            code=ErrorCode.MALFORMED_BODY,
            message=_("The request body cannot be read."),
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        # DATA_UPLOAD_MAX_MEMORY_SIZE caps a body held in memory; files go
        # as multipart, which this limit does not count.
        return answer(
            request,
            413,
            code=ErrorCode.BODY_TOO_LARGE,
            message=_("The request body is too large."),
        )

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api_error(request, not_found())

    @api.exception_handler(PermissionDenied)
    def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api_error(request, permission_denied())

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [_detail(error) for error in exc.errors]
        return answer(
            request,
            422,
            code=ErrorCode.INVALID_INPUT,
            message=_("Some values of the request are not valid."),
            field=details[0]["field"] if details else None,
            details=details,
        )

    @api.exception_handler(DjangoValidationError)
    def refused_by_action(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        return answer(request, 400, **validation_body(exc))

    @api.exception_handler(OperationalError)
    def database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        if not is_database_busy(exc):
            return crashed(request, exc)
        response = answer(request, 503, **database_busy_body())
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    @api.exception_handler(Exception)
    def crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("api error on %s", request.path, exc_info=exc)
        return answer(
            request,
            500,
            code=ErrorCode.SERVER_ERROR,
            message=_("Something went wrong on our side."),
        )


# SQLite gave up waiting for another writer (its busy timeout): the
# request did nothing and may simply be sent again.
RETRY_AFTER_SECONDS = "5"


def is_database_busy(error: Exception) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def database_busy_body() -> dict[str, Any]:
    return error_body(
        ErrorCode.DATABASE_BUSY,
        _("The database is busy; try again in a few seconds."),
    )


# pydantic's messages are English; the kinds a client meets most often are
# said in the request's language, with the limits pydantic reports.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This value is required."),
    "int_parsing": gettext_lazy("This value must be a whole number."),
    "int_type": gettext_lazy("This value must be a whole number."),
    "decimal_parsing": gettext_lazy("This value must be a decimal number."),
    "decimal_type": gettext_lazy("This value must be a decimal number."),
    "string_type": gettext_lazy("This value must be text."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "greater_than": gettext_lazy("It must be greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("It must be %(ge)s or more."),
    "less_than_equal": gettext_lazy("It must be %(le)s or less."),
    "date_parsing": gettext_lazy("This value must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy(
        "This value must be a date (YYYY-MM-DD)."
    ),
    "datetime_parsing": gettext_lazy(
        "This value must be a date and time with its offset (ISO 8601)."
    ),
    "datetime_from_date_parsing": gettext_lazy(
        "This value must be a date and time with its offset (ISO 8601)."
    ),
    "timezone_aware": gettext_lazy("The time must carry its offset, e.g. -03:00."),
    "bool_parsing": gettext_lazy("This value must be true or false."),
    "enum": gettext_lazy("This value must be one of: %(expected)s."),
    "literal_error": gettext_lazy("This value must be one of: %(expected)s."),
    "finite_number": gettext_lazy("This value must be a finite number."),
    "decimal_max_digits": gettext_lazy("At most %(max_digits)s digits in total."),
    "decimal_max_places": gettext_lazy("At most %(decimal_places)s decimal places."),
    "decimal_whole_digits": gettext_lazy(
        "At most %(whole_digits)s digits before the decimal point."
    ),
}
# pydantic lists the choices as "'a', 'b' or 'c'", with an English "or".
_QUOTED_CHOICE = re.compile(r"'[^']*'")
# Our own validators' messages come as "Value error, <message>".
VALUE_ERROR_PREFIX = "Value error, "


def _detail(error: dict[str, Any]) -> dict[str, Any]:
    location = [str(part) for part in error.get("loc", ())]
    kind = str(error.get("type", "invalid"))
    message = str(error.get("msg", ""))
    if kind in VALIDATION_MESSAGES:
        context = {key: str(value) for key, value in error.get("ctx", {}).items()}
        if choices := _QUOTED_CHOICE.findall(context.get("expected", "")):
            context["expected"] = ", ".join(choices)
        try:
            message = str(VALIDATION_MESSAGES[kind]) % context
        except KeyError:
            # A limit pydantic did not report: its own message says more.
            pass
    elif message.startswith(VALUE_ERROR_PREFIX):
        message = message.removeprefix(VALUE_ERROR_PREFIX)
    return {"field": ".".join(location), "code": kind, "message": message}


def validation_body(exc: DjangoValidationError) -> dict[str, Any]:
    """Return the body for an action's refusal, keeping its code."""
    found: list[tuple[str | None, DjangoValidationError]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            found.extend((field, error) for error in errors)
    else:
        found.extend((None, error) for error in exc.error_list)
    field, first = found[0]
    body: dict[str, Any] = {
        "code": first.code or ErrorCode.INVALID_INPUT,
        "message": _message(first),
        "field": None if field == "__all__" else field,
    }
    if len(found) > 1:
        body["details"] = [
            {"field": name or "", "code": error.code or "", "message": _message(error)}
            for name, error in found
        ]
    return body


def _message(error: DjangoValidationError) -> str:
    message = str(error.message)
    return message % error.params if error.params else message
