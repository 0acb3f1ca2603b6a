"""E-mail addresses: syntax without network, provider typos flagged."""

import pytest

from recupero.parties.emails import EmailCheck, normalise_email


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Juan.Perez@Gmail.COM", "Juan.Perez@gmail.com"),
        ("  juan@empresa.com.ar \t", "juan@empresa.com.ar"),
        ("juan @ gmail. com", "juan@gmail.com"),
        ("mailto:juan@hotmail.com.ar", "juan@hotmail.com.ar"),
        ("juan@ymail.com", "juan@ymail.com"),
        ("ñandú@Correo.com.ar", "ñandú@correo.com.ar"),
    ],
)
def test_normalise_email_valid_lowercases_domain_only(raw, value):
    assert normalise_email(raw) == EmailCheck(value=value, status="unverified")


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ("juan@gmial.com", "gmail.com"),
        ("juan@gamil.com", "gmail.com"),
        ("juan@gmail.con", "gmail.com"),
        ("juan@gmail.com.ar", "gmail.com"),
        ("juan@gmail.con.ar", "gmail.com"),
        ("juan@hotmial.com", "hotmail.com"),
        ("juan@hotmail.con", "hotmail.com"),
        ("juan@hotmail.con.ar", "hotmail.com.ar"),
        ("juan@yaho.com.ar", "yahoo.com.ar"),
        ("juan@yahoo.com.ra", "yahoo.com.ar"),
        ("juan@yahoo.comar", "yahoo.com.ar"),
        ("juan@outlok.com", "outlook.com"),
    ],
)
def test_normalise_email_typo_domain_is_kept_and_to_review(raw, suggestion):
    assert normalise_email(raw) == EmailCheck(
        value=raw,
        status="to_review",
        issue=f"dominio dudoso: ¿quiso decir @{suggestion}?",
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "e-mail vacío"),
        ("juan.perez", "e-mail inválido: falta la @"),
        ("juan@@gmail.com", "e-mail inválido: tiene más de una @"),
        ("a@x.com; b@y.com", "e-mail inválido: hay más de una dirección"),
        ("@gmail.com", "e-mail inválido: falta lo que va antes de la @"),
        ("juan@", "e-mail inválido: falta el dominio después de la @"),
        ("juan@gmail", "e-mail inválido: el dominio no tiene punto (¿@gmail.com?)"),
        ("juan@empresa", "e-mail inválido: el dominio no tiene punto"),
        ("juan..perez@gmail.com", "e-mail inválido: punto mal ubicado"),
        ("juan.@gmail.com", "e-mail inválido: punto mal ubicado"),
        ("juan perez@gmail.com", "e-mail inválido: tiene espacios"),
        ("juan@mi_empresa.com", "e-mail inválido: tiene caracteres no permitidos"),
        ("juan@empresa.test", "e-mail inválido: dominio inexistente"),
    ],
)
def test_normalise_email_bad_syntax_is_invalid_with_reason(raw, reason):
    assert normalise_email(raw) == EmailCheck(issue=reason)
