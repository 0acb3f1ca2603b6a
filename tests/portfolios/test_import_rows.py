"""What each row becomes: accounts, debtors, contact points, and warnings."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from recupero.parties.models import ContactPoint, Debtor, RelatedPerson
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.importing import reading
from recupero.portfolios.models import Account, BalanceSnapshot, ImportStatus

pytestmark = pytest.mark.django_db

D = datetime.date
# 12:00 in Buenos Aires on 31/03/2025: the job's business date is 31/03.
NOON_31_MARCH = datetime.datetime(2025, 3, 31, 15, 0, tzinfo=datetime.UTC)

FULL_COLUMNS = {
    "account_number": "cuenta",
    "balance": "saldo",
    "debtor_name": {"column": "titular", "transform": "title"},
    "tax_id": "cuit",
    "phone": "tel",
    "email": "mail",
}
FULL_HEADER = "cuenta;saldo;titular;cuit;tel;mail\n"


def test_import_bad_row_among_good_rows_rejects_only_it(make_profile, import_file):
    profile = make_profile(**FULL_COLUMNS)
    data = FULL_HEADER + (
        "1001;100,00;ANA PAZ;;;\n"
        ";50,00;SIN CUENTA;;;\n"
        "1003;abc;LUIS SOSA;;;\n"
        "1004;400,00;EVA RUIZ;;;\n"
    )

    job = import_file(profile, data)

    assert sorted(Account.objects.values_list("number", flat=True)) == ["1001", "1004"]
    issues = list(job.issues.values_list("line", "column", "field", "code", "message"))
    assert issues == [
        (
            3,
            "cuenta",
            "account_number",
            "account_number_missing",
            "falta el número de cuenta",
        ),
        (
            4,
            "saldo",
            "balance",
            "amount_invalid",
            "«abc» no es un importe válido (se espera 1.234,56)",
        ),
    ]
    assert (job.rows_read, job.rows_created, job.rows_rejected) == (4, 2, 2)
    assert Debtor.objects.count() == 2


def test_import_bad_contact_data_warns_and_loads_account(make_profile, import_file):
    profile = make_profile(**FULL_COLUMNS)
    # 20-12345678-0: the check digit of 20-12345678 is 6, so 0 is wrong.
    data = FULL_HEADER + "1001;100,00;ANA PAZ;20-12345678-0;15;ana.paz@\n"

    job = import_file(profile, data)

    account = Account.objects.get(number="1001")
    assert account.capital == Decimal("100.00")
    debtor = account.debtor
    assert debtor.identity_status == "invalid"
    assert "verificador" in debtor.identity_issue
    # Without a valid CUIT or a DNI, the creditor's own number identifies.
    assert debtor.identity_key == f"ext:{account.creditor_id}:1001"
    assert debtor.tax_id_as_written == "20-12345678-0"
    contacts = dict(debtor.contact_points.values_list("kind", "status"))
    assert contacts == {"phone": "invalid", "email": "invalid"}
    warnings = list(job.issues.values_list("line", "column", "severity", "code"))
    assert warnings == [
        (2, "cuit", "warning", "tax_id_invalid"),
        (2, "tel", "warning", "phone_invalid"),
        (2, "mail", "warning", "email_invalid"),
    ]
    assert (job.rows_created, job.rows_with_warnings, job.rows_rejected) == (1, 1, 0)


def test_import_phone_with_fifteen_digits_is_flagged(make_profile, import_file):
    profile = make_profile(account_number="cuenta", balance="saldo", phone="tel")
    # The "15" of the domestic form and the "9" of the international one
    # written together: 15 digits that no one can dial.
    data = (
        "cuenta;saldo;tel\n1001;1,00;54 9 11 15 2345 6789\n1002;1,00;123456789012345\n"
    )

    job = import_file(profile, data)

    phones = dict(
        ContactPoint.objects.values_list("debtor__accounts__number", "status")
    )
    assert phones == {"1001": "to_review", "1002": "invalid"}
    assert ContactPoint.objects.get(debtor__accounts__number="1001").value == (
        "+5491123456789"
    )
    assert not ContactPoint.objects.filter(value="+549111523456789").exists()
    assert job.rows_created == 2
    assert job.rows_with_warnings == 2


def test_import_identity_key_prefers_cuit_then_dni_then_own_number(
    make_profile, import_file, creditor
):
    profile = make_profile(
        account_number="cuenta",
        balance="saldo",
        tax_id="doc",
        customer_number="cliente",
    )
    data = (
        "cuenta;saldo;doc;cliente\n"
        "1;1,00;20-12345678-6;C1\n"
        "2;1,00;12.345.678;C2\n"
        "3;1,00;;C3\n"
        "4;1,00;20123456786;C4\n"
    )

    import_file(profile, data)

    keys = dict(Account.objects.values_list("number", "debtor__identity_key"))
    assert keys == {
        "1": "cuit:20123456786",
        "2": "dni:12345678",
        "3": f"ext:{creditor.pk}:C3",
        "4": "cuit:20123456786",
    }
    assert Debtor.objects.count() == 3


def test_import_address_guarantor_and_extra_columns(make_profile, import_file):
    profile = make_profile(
        account_number="cuenta",
        balance="saldo",
        debtor_name="titular",
        street="calle",
        city="localidad",
        province="provincia",
        postal_code="cp",
        guarantor_name="garante",
        guarantor_tax_id="cuit_garante",
        guarantor_phone="tel_garante",
        **{"extra.segmento": "segmento"},
    )
    data = (
        "cuenta;saldo;titular;calle;localidad;provincia;cp;garante;cuit_garante;"
        "tel_garante;segmento\n"
        "1001;1,00;ANA PAZ;Av. Corrientes 1234;CABA;Buenos Aires;C1043;"
        "LUIS PAZ;20-12345678-6;011 4321-5678;PREMIUM\n"
    )

    import_file(profile, data)

    account = Account.objects.get()
    assert account.extra == {"segmento": "PREMIUM"}
    address = ContactPoint.objects.get(kind="address")
    assert address.raw == "Av. Corrientes 1234, CABA, Buenos Aires, C1043"
    assert address.details == {
        "street": "Av. Corrientes 1234",
        "city": "CABA",
        "province": "Buenos Aires",
        "postal_code": "C1043",
    }
    guarantor = RelatedPerson.objects.get()
    assert (guarantor.relation, guarantor.name, guarantor.cuit) == (
        "guarantor",
        "LUIS PAZ",
        "20123456786",
    )
    phone = ContactPoint.objects.get(kind="phone")
    assert (phone.related_person, phone.debtor, phone.value) == (
        guarantor,
        account.debtor,
        "+541143215678",
    )


def test_import_balance_only_goes_to_capital_and_credit_is_kept(
    make_profile, import_file
):
    profile = make_profile(account_number="cuenta", balance="saldo")

    import_file(profile, "cuenta;saldo\n1001;-1.234,56\n")

    account = Account.objects.get()
    assert (account.capital, account.interest, account.fees) == (
        Decimal("-1234.56"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert account.balance == Decimal("-1234.56")


def test_import_balance_with_parts_leaves_capital_as_the_rest(
    make_profile, import_file
):
    profile = make_profile(
        account_number="cuenta", balance="saldo", interest="interes", fees="gastos"
    )

    import_file(profile, "cuenta;saldo;interes;gastos\n1001;1.000,00;150,50;49,50\n")

    account = Account.objects.get()
    # 1,000.00 - 150.50 - 49.50 = 800.00
    assert (account.capital, account.interest, account.fees) == (
        Decimal("800.00"),
        Decimal("150.50"),
        Decimal("49.50"),
    )


def test_import_balance_not_sum_of_parts_is_rejected(make_profile, import_file):
    profile = make_profile(
        account_number="cuenta", balance="saldo", capital="capital", interest="interes"
    )

    job = import_file(profile, "cuenta;saldo;capital;interes\n1001;100,00;90,00;5,00\n")

    assert not Account.objects.exists()
    assert job.issues.get().code == "balance_mismatch"


@pytest.mark.parametrize(("grace", "due"), [(0, D(2025, 2, 19)), (5, D(2025, 2, 14))])
def test_import_days_past_due_gives_due_date_the_cycle_agrees_with(
    make_profile, import_file, creditor, grace, due
):
    creditor.grace_days = grace
    creditor.save()
    profile = make_profile(
        account_number="cuenta",
        balance="saldo",
        days_past_due="dias_mora",
        balance_as_of="fecha_saldo",
    )
    data = (
        "cuenta;saldo;dias_mora;fecha_saldo\n"
        "1001;1,00;40;31/03/2025\n"
        "1002;1,00;0;31/03/2025\n"
    )

    import_file(profile, data)

    # 31/03/2025 - 40 days = 19/02/2025, and grace days earlier still.
    assert dict(Account.objects.values_list("number", "due_date")) == {
        "1001": due,
        "1002": None,
    }
    run_cycle(D(2025, 3, 31), creditor=creditor)
    assert dict(Account.objects.values_list("number", "days_past_due")) == {
        "1001": 40,
        "1002": 0,
    }


def test_a_cell_with_a_nul_or_absurd_days_is_reported_and_the_rest_loads(
    make_profile, import_file, monkeypatch
):
    # A NUL in the first block refuses the file as binary; one further on
    # (a 1 MB block in use, 32 bytes here) reaches the rows.
    monkeypatch.setattr(reading, "BLOCK_SIZE", 32)
    profile = make_profile(
        account_number="cuenta",
        balance="saldo",
        days_past_due="dias",
        debtor_name="titular",
    )
    data = (
        "cuenta;saldo;dias;titular\n"
        "1001;1,00;10;ANA\x00PAZ\n"
        "1002;2,00;800000;LUIS SOSA\n"
        "1003;3\x00,00;5;EVA RUIZ\n"
        "1004;4,00;5;JUAN GIL\n"
    )

    job = import_file(profile, data)

    issues = job.issues.order_by("line").values_list("line", "field", "severity")
    assert list(issues) == [
        (2, "debtor_name", "warning"),
        (3, "days_past_due", "error"),
        (4, "balance", "error"),
    ]
    assert sorted(Account.objects.values_list("number", flat=True)) == [
        "1001",
        "1004",
    ]
    # The name is kept without the byte no text holds.
    assert Debtor.objects.get(accounts__number="1001").name == "ANAPAZ"


def test_an_impossible_statement_date_is_reported_once(make_profile, import_file):
    profile = make_profile(
        account_number="cuenta", balance="saldo", balance_as_of="fecha_saldo"
    )

    job = import_file(profile, "cuenta;saldo;fecha_saldo\n1001;1,00;31/13/2025\n")

    assert list(job.issues.values_list("line", "field")) == [(2, "balance_as_of")]
    assert not Account.objects.exists()


@time_machine.travel(NOON_31_MARCH, tick=False)
def test_import_snapshot_at_job_date_without_statement_date(make_profile, import_file):
    profile = make_profile(account_number="cuenta", balance="saldo")

    job = import_file(profile, "cuenta;saldo\n1001;1.234,56\n")

    snapshot = BalanceSnapshot.objects.get()
    assert (snapshot.as_of, snapshot.balance, snapshot.import_job) == (
        D(2025, 3, 31),
        Decimal("1234.56"),
        job,
    )
    assert Account.objects.get().balance_as_of == D(2025, 3, 31)


def test_import_history_columns_add_older_snapshots(make_profile, import_file):
    profile = make_profile(
        options={
            "history": [
                {"column": "saldo_ene", "as_of": "2025-01-31"},
                {"column": "saldo_feb", "as_of": "2025-02-28"},
            ]
        },
        account_number="cuenta",
        balance="saldo",
        balance_as_of={"value": "31/03/2025"},
    )
    data = "cuenta;saldo;saldo_ene;saldo_feb\n1001;300,00;100,00;200,00\n1002;50,00;;\n"

    import_file(profile, data)

    history = list(
        BalanceSnapshot.objects.order_by("account__number", "as_of").values_list(
            "account__number", "as_of", "balance"
        )
    )
    assert history == [
        ("1001", D(2025, 1, 31), Decimal("100.00")),
        ("1001", D(2025, 2, 28), Decimal("200.00")),
        ("1001", D(2025, 3, 31), Decimal("300.00")),
        ("1002", D(2025, 3, 31), Decimal("50.00")),
    ]


def test_import_fixed_values_and_transforms(make_profile, import_file):
    profile = make_profile(
        account_number={
            "column": "cuenta",
            "transform": ["digits", "no_leading_zeros"],
        },
        balance="saldo",
        currency={"value": "U$S"},
        product={"value": "Tarjeta"},
        debtor_name={"column": "titular", "transform": ["squeeze", "upper"]},
        portfolio={"value": "Cartera Marzo"},
    )

    import_file(profile, "cuenta;saldo;titular\nA-000123;1,00;  ana   paz \n")

    account = Account.objects.get()
    assert (account.number, account.currency, account.product) == (
        "123",
        "USD",
        "Tarjeta",
    )
    assert account.debtor.name == "ANA PAZ"
    assert (account.portfolio.code, account.portfolio.name) == (
        "cartera-marzo",
        "Cartera Marzo",
    )


def test_import_profile_with_unknown_field_fails_before_writing(
    make_profile, import_file
):
    profile = make_profile(account_number="cuenta", saldo="saldo")

    job = import_file(profile, "cuenta;saldo\n1001;1,00\n")

    assert job.status == ImportStatus.FAILED
    assert "campo desconocido en el perfil: «saldo»" in job.error
    assert not Account.objects.exists()


def test_import_amount_too_long_rejects_only_its_row(make_profile, import_file):
    profile = make_profile(**FULL_COLUMNS)
    data = FULL_HEADER + (
        "1001;100,00;ANA PAZ;;;\n"
        "1002;123456789012345678901234567890;LUIS SOSA;;;\n"
        "1003;12345678901234567890;EVA RUIZ;;;\n"
    )

    job = import_file(profile, data)

    assert list(Account.objects.values_list("number", "capital")) == [
        ("1001", Decimal("100.00"))
    ]
    assert (job.status, job.rows_created, job.rows_rejected) == ("done", 1, 2)
    assert list(job.issues.values_list("line", "code")) == [
        (3, "amount_too_large"),
        (4, "amount_too_large"),
    ]
