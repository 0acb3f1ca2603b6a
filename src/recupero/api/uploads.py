"""Files sent to the API: one per field, and the names they are kept under."""

import re

from django.http import HttpRequest
from django.utils.translation import gettext as _

from recupero.api.errors import ApiError, ErrorCode

UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")
MAX_NAME = 200


def safe_file_name(name: str | None, default: str) -> str:
    """Return ``name`` fit to store and to send back, or ``default``.

    Control characters and path separators become ``_``: the name is shown
    and sent back in a Content-Disposition header, and PostgreSQL refuses
    NUL in text.
    """
    cleaned = UNSAFE_NAME_CHARACTERS.sub("_", name or "").strip(" .")
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    if len(cleaned) <= MAX_NAME:
        return cleaned or default
    # Shortened from the middle: the extension says what kind of file it is.
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or len(extension) > 8:
        return cleaned[:MAX_NAME]
    return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"


def check_single_file(request: HttpRequest, field: str = "file") -> None:
    """Raise ``ApiError`` (400) if ``field`` came with more than one file.

    Django keeps the last of several parts of one name: the others would
    be dropped without a word.
    """
    count = len(request.FILES.getlist(field))
    if count > 1:
        raise ApiError(
            400,
            ErrorCode.SEVERAL_FILES,
            _("The field «%(field)s» takes one file; %(count)s were sent.")
            % {"field": field, "count": count},
            field=field,
        )
