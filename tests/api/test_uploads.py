"""The names uploaded files are kept under."""

import pytest

from recupero.api.uploads import MAX_NAME, safe_file_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("llamada.mp3", "llamada.mp3"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a\x00b\r\n.wav", "a_b__.wav"),
        ("  .oculto. ", "oculto"),
        ("", "archivo"),
        ("a" * 300 + ".mp3", "a" * (MAX_NAME - 4) + ".mp3"),
        ("a" * 300 + ".extension-larga", ("a" * 300 + ".extension-larga")[:MAX_NAME]),
    ],
)
def test_names_are_cleaned_and_shortened_keeping_the_extension(sent, kept):
    assert safe_file_name(sent, "archivo") == kept
    assert len(safe_file_name(sent, "archivo")) <= MAX_NAME
