"""CUIT/CUIL and DNI: argentina.md §5.1 and its test vectors TV-CUIT, TV-DNI."""

import pytest

from recupero.parties.identity import TaxIdCheck, check_tax_id

VALID = "valid"
INVALID = "invalid"
MISSING = "missing"


def person(cuit, dni):
    return TaxIdCheck(cuit=cuit, dni=dni, kind="person", status=VALID)


def company(cuit):
    return TaxIdCheck(cuit=cuit, kind="company", status=VALID)


def invalid(issue):
    return TaxIdCheck(status=INVALID, issue=issue)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("20-05536168-2", person("20055361682", "5536168"), id="TV-CUIT-1"),
        pytest.param("20267565393", person("20267565393", "26756539"), id="TV-CUIT-2"),
        pytest.param(
            "27-10345678-4", person("27103456784", "10345678"), id="TV-CUIT-7a"
        ),
        pytest.param("30-50001091-2", company("30500010912"), id="TV-CUIT-7b"),
        pytest.param("33-69345023-9", company("33693450239"), id="TV-CUIT-7c"),
        pytest.param("30-70308853-4", company("30703088534"), id="TV-CUIT-7d"),
        pytest.param(
            "20-12345678-6", person("20123456786", "12345678"), id="TV-CUIT-7e"
        ),
        # stdnum rejects the dots (InvalidLength); real files write them.
        pytest.param(
            "20.05536168.2", person("20055361682", "5536168"), id="TV-CUIT-10"
        ),
    ],
)
def test_check_tax_id_valid_cuit_gives_cuit_dni_and_kind(raw, expected):
    assert check_tax_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        pytest.param(
            "20267565392",
            "CUIT con dígito verificador inválido (se esperaba 3)",
            id="TV-CUIT-3",
        ),
        pytest.param(
            "2026756539",
            "CUIT/DNI de 10 dígitos (un CUIT tiene 11, un DNI 7 u 8)",
            id="TV-CUIT-4",
        ),
        pytest.param(
            "2026756A393", "CUIT/DNI con caracteres no numéricos", id="TV-CUIT-5"
        ),
        pytest.param(
            "99-05536168-8", "CUIT con prefijo desconocido (99)", id="TV-CUIT-6"
        ),
    ],
)
def test_check_tax_id_broken_cuit_is_invalid_with_reason(raw, issue):
    assert check_tax_id(raw) == invalid(issue)


def test_check_tax_id_check_digit_ten_is_invalid_and_names_afip_number():
    # TV-CUIT-9: 2,0,1,2,3,4,5,6,7,6 weighted 5,4,3,2,7,6,5,4,3,2 sum to 144,
    # 144 mod 11 = 1, so the digit would be 10. stdnum writes it as 9; AFIP
    # issues the number under 23 instead: 144 + 12 = 156, 156 mod 11 = 2,
    # check digit 11 - 2 = 9.
    issue = (
        "CUIT inexistente: con prefijo 20 el verificador sería 10 "
        "(AFIP asigna 23-12345676-9)"
    )

    assert check_tax_id("20-12345676-9") == invalid(issue)
    assert check_tax_id("20-12345676-0") == invalid(issue)
    assert check_tax_id("23-12345676-9") == person("23123456769", "12345676")


@pytest.mark.parametrize(
    ("raw", "dni"),
    [
        pytest.param("20.123.456", "20123456", id="TV-DNI-1-dots"),
        pytest.param("7123456", "7123456", id="TV-DNI-1-seven-digits"),
        pytest.param("DNI 12.345.678", "12345678", id="label"),
        # Same key as the DNI inside CUIT 20-05536168-2.
        pytest.param("05.536.168", "5536168", id="leading-zero"),
    ],
)
def test_check_tax_id_bare_dni_is_valid_person(raw, dni):
    assert check_tax_id(raw) == TaxIdCheck(dni=dni, kind="person", status=VALID)


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        pytest.param(
            "123456",
            "CUIT/DNI de 6 dígitos (un CUIT tiene 11, un DNI 7 u 8)",
            id="TV-DNI-1-short",
        ),
        pytest.param(
            "123456789",
            "CUIT/DNI de 9 dígitos (un CUIT tiene 11, un DNI 7 u 8)",
            id="TV-DNI-1-long",
        ),
        pytest.param("00123456", "DNI demasiado corto (6 dígitos)", id="zero-padded"),
    ],
)
def test_check_tax_id_dni_of_wrong_length_is_invalid(raw, issue):
    assert check_tax_id(raw) == invalid(issue)


@pytest.mark.parametrize(
    "raw",
    ["20-5536168-2", "20-5.536.168-2", "CUIT: 20-05536168-2", "20055361682.0"],
)
def test_check_tax_id_common_writings_give_same_cuit(raw):
    assert check_tax_id(raw) == person("20055361682", "5536168")


def test_check_tax_id_country_cuit_is_invalid_even_with_right_digit():
    # Check digit right: 5*5 = 25, 25 mod 11 = 3, 11 - 3 = 8.
    result = check_tax_id("50-00000000-8")

    assert result == invalid("CUIT país (prefijo 50): no identifica al deudor")


@pytest.mark.parametrize("raw", ["", "   ", "0", "00-00000000-0", "s/d", "-"])
def test_check_tax_id_blank_or_placeholder_is_missing(raw):
    assert check_tax_id(raw) == TaxIdCheck(status=MISSING, issue="sin CUIT/CUIL ni DNI")
