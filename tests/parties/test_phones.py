"""Phones: argentina.md §5.2 vectors TV-PH-* and case C19 of cases.md."""

import pytest

from recupero.parties.phones import (
    PhoneCheck,
    format_phone,
    normalise_phone,
    same_line_candidates,
)

MOBILE_11 = PhoneCheck(
    e164="+5491123456789",
    phone_type="mobile",
    national="011 15-2345-6789",
    status="unverified",
)
FIXED_11 = PhoneCheck(
    e164="+541123456789",
    phone_type="fixed_line",
    national="011 2345-6789",
    status="unverified",
    issue="puede ser un celular sin el 9 (+5491123456789)",
    may_be_mobile_without_9=True,
)
MOBILE_351 = PhoneCheck(
    e164="+5493514123456",
    phone_type="mobile",
    national="0351 15-412-3456",
    status="unverified",
)
FIXED_351 = PhoneCheck(
    e164="+543514123456",
    phone_type="fixed_line",
    national="0351 412-3456",
    status="unverified",
    issue="puede ser un celular sin el 9 (+5493514123456)",
    may_be_mobile_without_9=True,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("+54 9 11 2345-6789", MOBILE_11, id="TV-PH-1"),
        pytest.param("011 15 2345-6789", MOBILE_11, id="TV-PH-2a"),
        pytest.param("11 15 2345 6789", MOBILE_11, id="TV-PH-2b"),
        pytest.param("+54 11 15 2345 6789", MOBILE_11, id="TV-PH-2c"),
        pytest.param("0054 9 11 2345 6789", MOBILE_11, id="TV-PH-2d"),
        pytest.param("1123456789", FIXED_11, id="TV-PH-3a"),
        pytest.param("+54 11 2345-6789", FIXED_11, id="TV-PH-3b"),
        pytest.param("+5401123456789", FIXED_11, id="TV-PH-3c"),
        pytest.param("0351 15 412-3456", MOBILE_351, id="TV-PH-4a"),
        pytest.param("+54 9 351 412 3456", MOBILE_351, id="TV-PH-4b"),
        # +54 9 351 412 3456 is a valid mobile (TV-PH-4), so the flag holds.
        pytest.param("351 4123456", FIXED_351, id="TV-PH-5"),
        pytest.param(
            "0800 333 7373",
            PhoneCheck(
                e164="+548003337373",
                phone_type="toll_free",
                national="0800-333-7373",
                status="unverified",
            ),
            id="TV-PH-8",
        ),
        pytest.param(
            "15 2345 6789",
            PhoneCheck(
                issue="teléfono inválido: celular sin característica (código de área)"
            ),
            id="TV-PH-9",
        ),
        pytest.param(
            "+54 9 2966 12-3456",
            PhoneCheck(
                issue="teléfono inválido: numeración no asignada según el plan nacional"
            ),
            id="TV-PH-10",
        ),
    ],
)
def test_normalise_phone_reference_vectors_give_expected_form(raw, expected):
    assert normalise_phone(raw) == expected


def test_normalise_phone_national_form_drops_9_and_adds_15():
    # TV-PH-12: the national number keeps the 9; the display must not.
    result = normalise_phone("+5491112345678")

    assert result.e164 == "+5491112345678"
    assert result.national == "011 15-1234-5678"


C19_REPAIRED = PhoneCheck(
    e164="+5491123456789",
    phone_type="mobile",
    national="011 15-2345-6789",
    status="to_review",
    issue="reparado: se quitó el 15 sobrante de la forma +54 9",
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("011 15 2345-6789", MOBILE_11, id="mobile"),
        pytest.param("11 15 2345 6789", MOBILE_11, id="mobile-no-trunk"),
        pytest.param("+54 011 15 2345 6789", MOBILE_11, id="mobile-trunk-after-54"),
        pytest.param("+54 9 11 2345-6789", MOBILE_11, id="mobile-international"),
        pytest.param(
            "0351 15 512-3456",
            PhoneCheck(
                e164="+5493515123456",
                phone_type="mobile",
                national="0351 15-512-3456",
                status="unverified",
            ),
            id="mobile-cordoba",
        ),
        pytest.param("(0351) 412-3456", FIXED_351, id="fixed-line"),
        pytest.param("54 9 11 15 2345 6789", C19_REPAIRED, id="9-and-15"),
        pytest.param("+549111523456789", C19_REPAIRED, id="9-and-15-stored"),
        pytest.param("+54 11 2345-6789", FIXED_11, id="without-9"),
        pytest.param("1123456789", FIXED_11, id="without-9-bare"),
    ],
)
def test_normalise_phone_case_c19_gives_expected_form(raw, expected):
    assert normalise_phone(raw) == expected


def test_normalise_phone_local_mobile_uses_default_area():
    result = normalise_phone("15 2345 6789", default_area="011")

    assert result == PhoneCheck(
        e164="+5491123456789",
        phone_type="mobile",
        national="011 15-2345-6789",
        status="unverified",
        issue="sin característica: se usó la 11",
    )


def test_normalise_phone_local_landline_uses_default_area():
    result = normalise_phone("412-3456", default_area="351")

    assert result == PhoneCheck(
        e164="+543514123456",
        phone_type="fixed_line",
        national="0351 412-3456",
        status="unverified",
        issue=(
            "sin característica: se usó la 351; "
            "puede ser un celular sin el 9 (+5493514123456)"
        ),
        may_be_mobile_without_9=True,
    )


def test_normalise_phone_complete_number_ignores_default_area():
    assert normalise_phone("0351 15 412-3456", default_area="11") == MOBILE_351


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        ("", "teléfono vacío"),
        ("   ", "teléfono vacío"),
        ("sin teléfono", "teléfono inválido: no parece un número de teléfono"),
        ("12", "teléfono inválido: demasiado corto"),
        ("4123-4567", "teléfono inválido: falta la característica"),
        ("+54 9 11 2345 67890123", "teléfono inválido: demasiado largo"),
    ],
)
def test_normalise_phone_unusable_is_invalid_without_e164(raw, issue):
    assert normalise_phone(raw) == PhoneCheck(issue=issue)


def test_normalise_phone_foreign_number_shows_country_code():
    result = normalise_phone("+1 650 253 0000")

    assert result.e164 == "+16502530000"
    assert result.national == "+1 650-253-0000"
    assert result.status == "unverified"


@pytest.mark.parametrize(
    ("e164", "candidates"),
    [
        ("+541123456789", {"+5491123456789"}),
        ("+5491123456789", {"+541123456789"}),
        ("+543514123456", {"+5493514123456"}),
        ("+548003337373", set()),
        ("+16502530000", set()),
        ("", set()),
    ],
)
def test_same_line_candidates_pairs_landline_and_mobile_forms(e164, candidates):
    assert same_line_candidates(e164) == candidates


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+5491123456789", "011 15-2345-6789"),
        ("+541143214321", "011 4321-4321"),
        ("+5493514123456", "0351 15-412-3456"),
        ("+14155550100", "+1 415-555-0100"),
        ("juan@example.com", "juan@example.com"),
        ("+54 no es un número", "+54 no es un número"),
        ("", ""),
    ],
)
def test_format_phone_shows_national_form_and_leaves_the_rest(value, shown):
    assert format_phone(value) == shown
