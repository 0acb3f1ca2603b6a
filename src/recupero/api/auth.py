"""Who is calling: a bearer token, or the browser's session with CSRF.

Either way the request runs as a user (``request.user``), and everything
it reads goes through ``recupero.access.scoping`` for that user.
"""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from recupero.api.actions import find_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = find_token(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


class SessionAuth(APIKeyCookie):
    """The logged-in user of the web pages; writes need the CSRF token.

    Unlike ninja's own, the CSRF check runs only when there is a logged-in
    session, so that a call with no credentials at all gets a 401.
    """

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(403, "CSRF check failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if key else None
