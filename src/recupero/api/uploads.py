"""Files sent to the API: the names they are kept under."""

import re

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
