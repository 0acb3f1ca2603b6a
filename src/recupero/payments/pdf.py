"""What the PDFs of money (statements, slips, receipts) share."""

import unicodedata

# Typographic marks that files carry in names and that have a plain Latin-1
# form; the rest of what Latin-1 lacks loses its accents below.
PLAIN_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-"})


def latin1(value: str) -> str:
    """Return ``value`` in the Latin-1 that the PDF's built-in fonts cover.

    Spanish fits in Latin-1; a name outside it keeps its letters without
    their marks ("Łukasz" → "Lukasz") rather than failing the document.
    """
    value = value.translate(PLAIN_MARKS)
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", value)
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        return plain.encode("latin-1", "replace").decode("latin-1")
    return value
