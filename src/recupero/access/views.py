"""The page shown instead of the log-in once a user name is locked out."""

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Too Many Requests: the lock is lifted by waiting.
LOCKED_OUT_STATUS = 429


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Say that the log-in is locked and for how long, without saying more."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "access/locked_out.html", context, status=LOCKED_OUT_STATUS)
