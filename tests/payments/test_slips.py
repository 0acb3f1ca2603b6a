"""The Pago Fácil / Rapipago code and its PDF (argentina.md TV-PF-*)."""

import datetime
import re
from decimal import Decimal

import pytest

from recupero.payments.networks.layouts import RecordError
from recupero.payments.networks.slips import (
    Slip,
    add_check_digits,
    build_slip_code,
    check_code_shape,
    check_digit,
    read_slip_code,
    slip_pdf,
)
from tests.payments.pdfs import pdf_text

# TV-PF-1: company 1234, $ 1.500,50 due 10/03/2025 (AADDD 25069), client
# 12345678, surcharge $ 75,25 due ten days later.
TV_PF_1 = Slip(
    company=1234,
    amount=Decimal("1500.50"),
    due_date=datetime.date(2025, 3, 10),
    client=12345678,
    surcharge=Decimal("75.25"),
    days_to_second_due=10,
)
TV_PF_1_BASE = "1234001500502506900000012345678000752510"
TV_PF_1_CODE = "123400150050250690000001234567800075251016"


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("1234", 5),  # TV-PF-0: 1·1 + 2·3 + 3·5 + 4·7 = 50, 25, 5
        ("123456789", 2),  # TV-PF-0b
        ("1111111111", 6),
        ("00000", 0),
    ],
)
def test_check_digit_follows_1_3_5_7_9(digits, expected):
    assert check_digit(digits) == expected


def test_check_digits_of_tv_pf_1_are_1_and_6():
    assert add_check_digits(TV_PF_1_BASE) == TV_PF_1_BASE + "16"


def test_check_digits_are_not_those_of_the_period_9_weights():
    # TV-PF-1-bug: weights restarting at 1 on the tenth digit give 8, 4.
    assert not add_check_digits(TV_PF_1_BASE).endswith("84")


@pytest.mark.parametrize(
    ("digits", "afip"),
    [
        ("01234567890", 5),  # TV-AFIP-1..3: RG 1702 módulo 10
        ("111111111112233334444444444444455555555", 3),
        ("123456789012345678901234567890123456789", 0),
    ],
)
def test_check_digit_is_not_afip_modulo_10(digits, afip):
    assert check_digit(digits) != afip


def test_check_digit_weights_the_tenth_digit_with_3():
    # 0·1 + 1·3 + 2·5 + 3·7 + 4·9 + 5·3 + 6·5 + 7·7 + 8·9 + 9·3 + 0·5 = 263,
    # half is 131, so 1 (AFIP's módulo 10 gives 5 here).
    assert check_digit("01234567890") == 1


def test_build_slip_code_of_tv_pf_1():
    assert build_slip_code(TV_PF_1) == TV_PF_1_CODE


def test_build_slip_code_without_second_due_date_writes_zeros():
    slip = Slip(1234, Decimal("1500.50"), datetime.date(2025, 3, 10), 12345678)

    code = build_slip_code(slip)

    assert code[:40] == "1234001500502506900000012345678000000000"
    assert code == add_check_digits(code[:40])
    assert slip.second_due_date is None


def test_second_due_date_and_amount_come_from_days_and_surcharge():
    assert TV_PF_1.second_due_date == datetime.date(2025, 3, 20)
    assert TV_PF_1.second_amount == Decimal("1575.75")


def test_build_slip_code_refuses_a_surcharge_of_seven_digits():
    # TV-PF-4: $ 12.500,00 needs 7 digits; the field has 6.
    slip = Slip(
        1234, Decimal("1500.50"), datetime.date(2025, 3, 10), 1, Decimal(12500), 10
    )

    with pytest.raises(RecordError) as refused:
        build_slip_code(slip)

    assert refused.value.field == "surcharge"
    assert str(refused.value) == (
        "campo «recargo al 2do vencimiento»: $ 12.500,00 no cabe en 6 dígitos "
        "(máximo $ 9.999,99)"
    )


def test_build_slip_code_refuses_a_million():
    # TV-PF-5: the 42-digit format stops at $ 999.999,99.
    slip = Slip(1234, Decimal("1000000.00"), datetime.date(2025, 3, 10), 1)

    with pytest.raises(RecordError) as refused:
        build_slip_code(slip)

    assert refused.value.field == "amount"
    assert "(máximo $ 999.999,99)" in str(refused.value)


def test_build_slip_code_takes_the_largest_amount():
    slip = Slip(1234, Decimal("999999.99"), datetime.date(2025, 3, 10), 1)

    assert build_slip_code(slip)[4:12] == "99999999"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"company": 12345}, "company", "too_long"),
        ({"client": 10**14}, "client", "too_long"),
        ({"days_to_second_due": 100}, "days_to_second_due", "too_long"),
        ({"amount": Decimal(0)}, "amount", "amount_not_positive"),
        ({"days_to_second_due": 0}, "days_to_second_due", "surcharge_without_days"),
        ({"amount": Decimal("10.001")}, "amount", "too_precise"),
    ],
)
def test_build_slip_code_refuses_values_that_do_not_fit(change, field, code):
    slip = Slip(**{**TV_PF_1.__dict__, **change})

    with pytest.raises(RecordError) as refused:
        build_slip_code(slip)

    assert (refused.value.field, refused.value.code) == (field, code)


def test_read_slip_code_returns_the_fields_of_tv_pf_1():
    assert read_slip_code(TV_PF_1_CODE) == TV_PF_1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        # TV-ITF-2: a 41-digit string is refused, never padded with a zero.
        (TV_PF_1_CODE[1:], "el código tiene 41 dígitos; el cupón lleva 42"),
        (TV_PF_1_CODE[:-1] + "4", "campo «DV2»: dice 4, debería ser 6"),
        (TV_PF_1_CODE[:-2] + "84", "campo «DV1»: dice 8, debería ser 1"),
        (TV_PF_1_CODE[:20] + "-" + TV_PF_1_CODE[21:], "no es un código de solo"),
    ],
)
def test_read_slip_code_refuses_a_wrong_code(code, message):
    with pytest.raises(RecordError, match=re.escape(message)):
        read_slip_code(code)


def test_read_slip_code_refuses_a_changed_digit():
    changed = TV_PF_1_CODE[:5] + "9" + TV_PF_1_CODE[6:]

    with pytest.raises(RecordError) as refused:
        read_slip_code(changed)

    assert refused.value.code == "wrong_check_digit"


def test_check_code_shape_refuses_43_digits():
    with pytest.raises(RecordError, match="tiene 43 dígitos"):
        check_code_shape(TV_PF_1_CODE + "0")


# -- the PDF -----------------------------------------------------------------


def pdf_streams(path):
    return pdf_text(path.read_bytes())


def read_itf(content):
    """Decode the Interleaved 2 of 5 bars drawn as filled rectangles."""
    bars = [
        (float(x), float(w))
        for x, _, w, _ in re.findall(
            r"([0-9.]+) ([0-9.]+) ([0-9.]+) (-?[0-9.]+) re f", content
        )
    ]
    narrow = min(width for _, width in bars)
    elements = []
    for (x, width), following in zip(bars, [*bars[1:], None], strict=True):
        elements.append("w" if width > 2 * narrow else "n")
        if following is not None:
            gap = following[0] - (x + width)
            elements.append("w" if gap > 2 * narrow else "n")
    patterns = {
        "nnwwn": "0", "wnnnw": "1", "nwnnw": "2", "wwnnn": "3", "nnwnw": "4",
        "wnwnn": "5", "nwwnn": "6", "nnnww": "7", "wnnwn": "8", "nwnwn": "9",
    }  # fmt: skip
    assert elements[:4] == list("nnnn")  # start guard
    assert elements[-3:] == list("wnn")  # stop guard
    body = elements[4:-3]
    digits = []
    for start in range(0, len(body), 10):
        pair = body[start : start + 10]
        digits.append(patterns["".join(pair[0::2])])
        digits.append(patterns["".join(pair[1::2])])
    return "".join(digits)


@pytest.fixture
def written_slip(tmp_path):
    return slip_pdf(
        tmp_path / "cupon.pdf", TV_PF_1, creditor="ACME Tarjetas", debtor="Juan Pérez"
    )


def test_slip_pdf_is_a_pdf(written_slip):
    data = written_slip.read_bytes()

    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")


def test_slip_pdf_prints_the_code_under_the_barcode(written_slip):
    content = pdf_streams(written_slip)

    assert f"({TV_PF_1_CODE}) Tj" in content


def test_slip_pdf_barcode_reads_back_as_the_42_digits(written_slip):
    assert read_itf(pdf_streams(written_slip)) == TV_PF_1_CODE


def test_slip_pdf_shows_parties_amounts_and_dates_as_people_read_them(written_slip):
    content = pdf_streams(written_slip)

    for shown in (
        "ACME Tarjetas",
        "Juan Pérez",
        "12345678",
        "1234",
        "10/03/2025",
        "$ 1.500,50",
        "20/03/2025",
        "$ 1.575,75",
        "Pagadero en Pago Fácil y Rapipago",
    ):
        assert shown in content, shown


def test_slip_pdf_without_second_due_date_shows_one_due(tmp_path):
    slip = Slip(1234, Decimal("1500.50"), datetime.date(2025, 3, 10), 12345678)

    content = pdf_streams(slip_pdf(tmp_path / "c.pdf", slip, creditor="", debtor=""))

    assert "(1er vencimiento) Tj" in content
    assert "2do vencimiento" not in content
    assert "Acreedor" not in content  # an empty name leaves its row out


def test_slip_pdf_refuses_a_slip_it_cannot_code(tmp_path):
    slip = Slip(1234, Decimal("1000000.00"), datetime.date(2025, 3, 10), 1)

    with pytest.raises(RecordError):
        slip_pdf(tmp_path / "x.pdf", slip, creditor="ACME", debtor="Juan")

    assert not (tmp_path / "x.pdf").exists()
