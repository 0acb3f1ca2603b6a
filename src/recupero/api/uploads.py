"""Files sent to the API: the names they are kept under."""

import re

UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_file_name(name: str | None, default: str) -> str:
    """Return ``name`` fit to store and to send back, or ``default``.

    Control characters and path separators become ``_``: the name is shown
    and sent back in a Content-Disposition header, and PostgreSQL refuses
    NUL in text.
    """
    cleaned = UNSAFE_NAME_CHARACTERS.sub("_", name or "").strip(" .")
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    return cleaned[:200] or default
