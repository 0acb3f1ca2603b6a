"""What a caller may change, beyond what they may see."""

from django.http import HttpRequest

from recupero.api.errors import permission_denied


def require(request: HttpRequest, permission: str) -> None:
    """Raise a 403 unless the caller holds ``permission`` (``app.codename``)."""
    if not request.user.has_perm(permission):
        raise permission_denied()
