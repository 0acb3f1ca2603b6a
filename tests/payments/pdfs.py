"""Reading back the PDFs that the money code writes, without a PDF library."""

import re
import zlib


def pdf_text(data: bytes) -> str:
    """Return the page content of a PDF as text, inflating its streams."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL)
    inflated = []
    for stream in streams:
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            inflated.append(stream)
    return b"\n".join(inflated).decode("latin-1")
