"""Pago Mis Cuentas files (argentina.md §2.1, §2.2 and TV-PMC-*)."""

import datetime
import re
from decimal import Decimal

import pytest

from recupero.payments.networks.layouts import RecordError
from recupero.payments.networks.pmc import (
    COB_TRAILER,
    FAC_DETAIL,
    FAC_HEADER,
    CollectionsFile,
    Due,
    NetworkPayment,
    PublicationFile,
    PublishedDebt,
    fac_file_name,
    read_cob,
    read_fac,
    write_fac,
)

D = datetime.date
ISSUED_ON = D(2025, 3, 1)

# TV-PMC-2: ref 12345, bill F0001, three due dates.
DEBT = PublishedDebt(
    reference="12345",
    bill="F0001",
    dues=(
        Due(D(2025, 3, 10), Decimal("1500.50")),
        Due(D(2025, 3, 20), Decimal("1575.75")),
        Due(D(2025, 3, 31), Decimal("1651.00")),
    ),
)


def test_fac_header_of_tv_pmc_1():
    header = FAC_HEADER.write({"company": 470, "date": ISSUED_ON})

    assert header == "04000470" + "20250301" + "0" * 264
    assert len(header) == 280


def test_fac_detail_of_tv_pmc_2():
    detail = FAC_DETAIL.write(
        {
            "reference": "12345",
            "bill": "F0001",
            "first_due": D(2025, 3, 10),
            "first_amount": Decimal("1500.50"),
            "second_due": D(2025, 3, 20),
            "second_amount": Decimal("1575.75"),
            "third_due": D(2025, 3, 31),
            "third_amount": Decimal("1651.00"),
            "previous_reference": "12345",
            "ticket_message": "",
            "screen_message": "",
            "barcode": "",
        }
    )

    assert detail.startswith(
        "512345              F0001               "
        "020250310000001500502025032000000157575202503310000016510000"
    )
    assert detail[98:117] == "0" * 19  # zero pad to 117
    assert detail[117:136] == "12345              "  # ref repeat at 118
    assert len(detail) == 280


def test_cob_trailer_of_tv_pmc_3():
    trailer = COB_TRAILER.write(
        {
            "company": 470,
            "date": D(2025, 3, 11),
            "count": 1,
            "total": Decimal("1500.50"),
        }
    )

    assert trailer[16:23] == "0000001"  # positions 17-23
    assert trailer[30:41] == "00000150050"  # positions 31-41
    assert len(trailer) == 100


def test_fac_file_name_is_company_and_ddmmaa():
    assert fac_file_name(470, ISSUED_ON) == "FAC0470.010325"


def test_write_fac_counts_and_adds_the_details_in_the_trailer():
    second = PublishedDebt("999", "F0002", (Due(D(2025, 4, 1), Decimal("99.99")),))

    lines = write_fac(470, ISSUED_ON, [DEBT, second]).split("\r\n")

    assert lines[-1] == ""  # every record ends its line, the last one too
    assert [len(line) for line in lines[:-1]] == [280, 280, 280, 280]
    assert lines[2][:49] == "5999                F0002               020250401"
    assert lines[2][60:98] == "0" * 38  # no 2nd and 3rd due dates
    assert lines[3][:41] == "9400047020250301" + "0000002" + "0000000" + "00000160049"


def test_write_fac_then_read_fac_gives_the_same_debts():
    debts = [
        DEBT,
        PublishedDebt(
            "20-12345678-9",
            "A-2",
            (Due(D(2025, 4, 1), Decimal("10.00")),),
            previous_reference="OLD-7",
            ticket_message="Gracias por su pago",
            screen_message="Cuota 2/12",
            barcode="123400150050250690000001234567800075251016",
        ),
    ]

    written = write_fac(470, ISSUED_ON, debts)

    assert read_fac(written, "FAC0470.010325") == PublicationFile(470, ISSUED_ON, debts)


@pytest.mark.parametrize(
    ("debt", "message"),
    [
        (
            PublishedDebt("12345", "F" * 21, DEBT.dues),
            "archivo FAC0470.010325, línea 2, campo «id de factura»: "
            "«FFFFFFFFFFFFFFFFFFFFF» tiene 21 caracteres; el campo admite 20",
        ),
        (
            PublishedDebt("12345", "F1", (Due(D(2025, 3, 10), Decimal(10**9)),)),
            "archivo FAC0470.010325, línea 2, campo «importe al 1er vencimiento»: "
            "$ 1.000.000.000,00 no cabe en 11 dígitos (máximo $ 999.999.999,99)",
        ),
        (
            PublishedDebt("12345", "F1", (*DEBT.dues, Due(D(2025, 4, 1), 1))),
            "archivo FAC0470.010325, línea 2: una deuda lleva de 1 a 3 "
            "vencimientos, no 4",
        ),
        (
            PublishedDebt("12345", "F1", DEBT.dues[::-1]),
            "archivo FAC0470.010325, línea 2: los vencimientos deben ir de menor a "
            "mayor fecha",
        ),
    ],
)
def test_write_fac_refuses_a_debt_that_does_not_fit(debt, message):
    with pytest.raises(RecordError) as refused:
        write_fac(470, ISSUED_ON, [debt])

    assert str(refused.value) == message


# -- COB, written by hand: 100 characters a line ----------------------------

#            type net  company date      filler
COB_HEADER = "0400047020250311" + "0" * 84
#            type reference (19)          bill (20)
COB_LINE_1 = ("5" "12345              " "F0001               "
#             due        ·   paid on    amount        kind credited   ch  ctrl
              "20250310" " " "20250310" "00000150050" "2" "20250311" "PC" "0001"
              + " " * 17)  # fmt: skip
COB_LINE_2 = ("5" "778899             " "                    "
              "00000000" " " "20250311" "00000002500" "1" "20250311" "HB" "0002"
              + " " * 17)  # fmt: skip
#             type net  company date      count     filler    total
COB_TRAILER_LINE = ("9" "400" "0470" "20250311" "0000002" "0000000" "00000152550"
                    + "0" * 59)  # fmt: skip
COB_FILE = "\r\n".join([COB_HEADER, COB_LINE_1, COB_LINE_2, COB_TRAILER_LINE]) + "\r\n"


def test_hand_written_cob_lines_are_100_characters():
    assert {len(COB_HEADER), len(COB_LINE_1), len(COB_LINE_2)} == {100}
    assert len(COB_TRAILER_LINE) == 100


def test_read_cob_returns_its_payments():
    read = read_cob(COB_FILE, "COB0470.110325")

    assert read == CollectionsFile(
        file_name="COB0470.110325",
        company=470,
        generated_on=D(2025, 3, 11),
        payments=[
            NetworkPayment(
                reference="12345",
                bill="F0001",
                due_date=D(2025, 3, 10),
                paid_on=D(2025, 3, 10),
                amount=Decimal("1500.50"),
                payment_kind="2",
                credited_on=D(2025, 3, 11),
                channel="PC",
                control="0001",
                line=2,
            ),
            NetworkPayment(
                reference="778899",
                bill="",
                due_date=None,
                paid_on=D(2025, 3, 11),
                amount=Decimal("25.00"),
                payment_kind="1",
                credited_on=D(2025, 3, 11),
                channel="HB",
                control="0002",
                line=3,
            ),
        ],
    )
    assert read.total == Decimal("1525.50")


def test_read_cob_takes_bytes_and_plain_line_feeds():
    content = COB_FILE.replace("\r\n", "\n").encode("latin-1")

    assert len(read_cob(content, "COB0470.110325").payments) == 2


def test_read_cob_of_a_day_without_payments_is_empty():
    trailer = "94000470202503110000000000000000000000000" + "0" * 59

    read = read_cob(f"{COB_HEADER}\n{trailer}\n", "COB0470.110325")

    assert read.payments == []
    assert read.total == Decimal("0.00")


def cob_with(line_2=COB_LINE_1, trailer=COB_TRAILER_LINE, extra=COB_LINE_2):
    return "\r\n".join([COB_HEADER, line_2, extra, trailer]) + "\r\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            cob_with(line_2=COB_LINE_1[:-1]),
            "archivo COB0470.110325, línea 2: el registro mide 99 caracteres; "
            "detalle COB mide 100",
        ),
        (
            cob_with(line_2=COB_LINE_1[:49] + "20250230" + COB_LINE_1[57:]),
            "archivo COB0470.110325, línea 2, campo «fecha de pago»: «20250230» "
            "no es una fecha válida",
        ),
        (
            cob_with(extra=COB_LINE_2[:57] + "000000025O0" + COB_LINE_2[68:]),
            "archivo COB0470.110325, línea 3, campo «importe»: «000000025O0» "
            "no es un importe",
        ),
        (
            cob_with(extra="6" + COB_LINE_2[1:]),
            "archivo COB0470.110325, línea 3, campo «tipo de registro»: se esperaba "
            "un detalle (tipo 5), dice «6»",
        ),
        (
            cob_with(trailer=COB_TRAILER_LINE[:16] + "0000003" + COB_TRAILER_LINE[23:]),
            "archivo COB0470.110325, línea 4, campo «cantidad de registros»: el pie "
            "dice 3 y los detalles son 2",
        ),
        (
            cob_with(
                trailer=COB_TRAILER_LINE[:30] + "00000153051" + COB_TRAILER_LINE[41:]
            ),
            "archivo COB0470.110325, línea 4, campo «importe total»: el pie dice "
            "$ 1.530,51 y los detalles suman $ 1.525,50",
        ),
        (
            cob_with(trailer=COB_TRAILER_LINE[:4] + "0471" + COB_TRAILER_LINE[8:]),
            "archivo COB0470.110325, línea 4, campo «código de empresa»: el pie "
            "dice 471 y la cabecera dice 470",
        ),
        (
            COB_HEADER + "\r\n",
            "archivo COB0470.110325: el archivo necesita al menos cabecera y pie",
        ),
        (
            "1" + COB_FILE[1:],
            "archivo COB0470.110325, línea 1, campo «tipo de registro»: dice «1», "
            "se esperaba «0»",
        ),
    ],
)
def test_read_cob_refuses_a_bad_file_naming_file_line_and_field(content, message):
    with pytest.raises(RecordError, match=f"^{re.escape(message)}$"):
        read_cob(content, "COB0470.110325")
