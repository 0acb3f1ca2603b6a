"""Reconciling a Pago Mis Cuentas rendition (COB file) with the bills
published: matched payments posted once, the rest reported."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from recupero.access.models import AuditEvent
from recupero.payments.ledger import disagreements
from recupero.payments.models import Payment, Rendition
from recupero.payments.networks import pmc
from recupero.payments.networks.reconciling import (
    ReconciliationError,
    payment_key,
    reconcile_rendition,
)
from recupero.portfolios.models import Account
from tests.payments.test_publishing import COMPANY, import_book, publish_on_1_march

pytestmark = pytest.mark.django_db

D = datetime.date
BILL = "20250301-01"
MARCH_10 = D(2025, 3, 10)
MARCH_11_DAY = D(2025, 3, 11)


def paid(reference, bill, amount, *, on=MARCH_10, control="0001"):
    """Return the values of one COB detail: a payment through PMC's web."""
    return {
        "reference": reference,
        "bill": bill,
        "due_date": D(2025, 3, 10),
        "paid_on": on,
        "amount": Decimal(amount),
        "payment_kind": "2",
        "credited_on": on + datetime.timedelta(days=1),
        "channel": "PC",
        "control": control,
    }


def cob(payments, *, company=COMPANY, on=MARCH_11_DAY) -> bytes:
    """Return a COB file of ``payments``, with the trailer that adds them up."""
    head = {"company": company, "date": on}
    total = sum((p["amount"] for p in payments), Decimal("0.00"))
    records = [
        pmc.COB_HEADER.write(head),
        *(pmc.COB_DETAIL.write(p) for p in payments),
        pmc.COB_TRAILER.write({**head, "count": len(payments), "total": total}),
    ]
    return "".join(record + "\r\n" for record in records).encode("ascii")


# Line 2 pays 1001 in full; 3 is no debtor of ours; 4 pays part of 1002;
# 5 repeats line 2 (PMC sending the same payment twice); 6 names a bill
# 1002 was never published with.
MARCH_11 = [
    paid("1001", BILL, "1170.50"),
    paid("9999", BILL, "100.00"),
    paid("1002", BILL, "300.00", control="0002"),
    paid("1001", BILL, "1170.50"),
    paid("1002", "20250215-01", "80.00", control="0003"),
]


@pytest.fixture
def published(creditor, make_profile, import_file, tmp_path):
    import_book(make_profile, import_file)
    return publish_on_1_march(
        creditor,
        tmp_path / "pmc",
        second_due=D(2025, 3, 20),
        surcharge=Decimal("50.00"),
    )


@pytest.fixture
def write_cob(tmp_path):
    def write(payments, name="COB0470.110325", **options):
        path = tmp_path / name
        path.write_bytes(cob(payments, **options))
        return path

    return write


def test_a_rendition_posts_its_matched_payments_and_reports_the_rest(
    creditor, published, write_cob
):
    rendition = reconcile_rendition(creditor, write_cob(MARCH_11))

    assert (
        rendition.network,
        rendition.file_name,
        rendition.matched,
        rendition.unmatched,
        rendition.duplicates,
        rendition.matched_amount,
    ) == ("pago_mis_cuentas", "COB0470.110325", 2, 2, 1, Decimal("1470.50"))
    first, partial = Payment.objects.order_by("pk")
    assert [
        (p.account.number, p.source, p.method, p.amount, p.value_date, p.reference)
        for p in (first, partial)
    ] == [
        (
            "1001",
            "pago_mis_cuentas",
            "network",
            Decimal("1170.50"),
            D(2025, 3, 10),
            "1001/20250301-01/20250310/00000117050/PC0001",
        ),
        (
            "1002",
            "pago_mis_cuentas",
            "network",
            Decimal("300.00"),
            D(2025, 3, 10),
            "1002/20250301-01/20250310/00000030000/PC0002",
        ),
    ]
    accounts = dict(Account.objects.values_list("number", "pk"))
    assert [
        (
            line["line"],
            line["status"],
            line["reason"],
            line["account"],
            line["payment"],
            line["duplicate_of_line"],
            line["amount_differs"],
        )
        for line in rendition.report
    ] == [
        (2, "matched", "", accounts["1001"], first.pk, None, False),
        (3, "unmatched", "unknown_reference", None, None, None, False),
        # 300,00 is neither 500,00 nor 550,00: applied, and flagged.
        (4, "matched", "", accounts["1002"], partial.pk, None, True),
        (5, "duplicate", "", accounts["1001"], first.pk, 2, False),
        (6, "unmatched", "unknown_bill", None, None, None, False),
    ]
    assert rendition.report[1] == {
        "line": 3,
        "status": "unmatched",
        "reason": "unknown_reference",
        "reference": "9999",
        "bill": BILL,
        "amount": "100.00",
        "paid_on": "2025-03-10",
        "key": "9999/20250301-01/20250310/00000010000/PC0001",
        "account": None,
        "payment": None,
        "duplicate_of_line": None,
        "amount_differs": False,
    }


def test_the_ledger_still_sums_to_every_balance_after_a_rendition(
    creditor, published, write_cob
):
    reconcile_rendition(creditor, write_cob(MARCH_11))

    assert Account.objects.get(number="1001").balance == Decimal("0.00")
    assert Account.objects.get(number="1002").balance == Decimal("200.00")
    assert not disagreements().exists()


def test_the_same_file_twice_is_refused_and_changes_nothing(
    creditor, published, write_cob
):
    path = write_cob(MARCH_11)
    reconcile_rendition(creditor, path)

    with pytest.raises(ReconciliationError) as refused:
        reconcile_rendition(creditor, path)

    assert refused.value.code == "already_reconciled"
    assert str(refused.value).startswith("archivo COB0470.110325: ya se concilió el ")
    assert (Rendition.objects.count(), Payment.objects.count()) == (1, 2)


def test_the_same_file_under_another_name_is_refused_naming_both(
    creditor, published, write_cob
):
    reconcile_rendition(creditor, write_cob(MARCH_11))

    with pytest.raises(ReconciliationError, match="como COB0470.110325"):
        reconcile_rendition(creditor, write_cob(MARCH_11, name="copia.txt"))

    assert (Rendition.objects.count(), Payment.objects.count()) == (1, 2)


def test_a_payment_sent_again_in_another_file_is_a_duplicate(
    creditor, published, write_cob
):
    reconcile_rendition(creditor, write_cob(MARCH_11))
    first = Payment.objects.get(account__number="1001")

    # The next day's file repeats line 2 and brings a new payment of 1002.
    rendition = reconcile_rendition(
        creditor,
        write_cob(
            [MARCH_11[0], paid("1002", BILL, "200.00", on=D(2025, 3, 11))],
            name="COB0470.120325",
            on=D(2025, 3, 12),
        ),
    )

    assert (rendition.matched, rendition.duplicates, rendition.unmatched) == (1, 1, 0)
    assert rendition.matched_amount == Decimal("200.00")
    assert [(line["status"], line["payment"]) for line in rendition.report][0] == (
        "duplicate",
        first.pk,
    )
    assert Payment.objects.count() == 3
    assert Account.objects.get(number="1002").balance == Decimal("0.00")
    assert not disagreements().exists()


def test_a_file_that_does_not_add_up_is_refused_whole(creditor, published, tmp_path):
    content = cob(MARCH_11[:1]).replace(b"00000117050", b"00000117051", 1)
    path = tmp_path / "COB0470.110325"
    path.write_bytes(content)

    with pytest.raises(pmc.RecordError, match="archivo COB0470.110325, línea 3"):
        reconcile_rendition(creditor, path)

    assert not Rendition.objects.exists()
    assert not Payment.objects.exists()


def test_a_file_of_another_company_is_refused(creditor, published, write_cob):
    with pytest.raises(ReconciliationError) as refused:
        reconcile_rendition(creditor, write_cob(MARCH_11, company=471))

    assert refused.value.code == "unknown_company"
    assert "empresa 0471" in str(refused.value)
    assert not Payment.objects.exists()


def test_another_creditor_cannot_match_our_bills(
    creditor, other_creditor, published, write_cob
):
    # The other creditor published nothing under our company code.
    with pytest.raises(ReconciliationError) as refused:
        reconcile_rendition(other_creditor, write_cob(MARCH_11))

    assert refused.value.code == "unknown_company"
    assert not Payment.objects.exists()
    assert not Rendition.objects.filter(creditor=other_creditor).exists()


def test_the_payment_key_does_not_depend_on_the_file_or_the_line():
    one = pmc.NetworkPayment(
        reference="1001",
        bill=BILL,
        due_date=None,
        paid_on=D(2025, 3, 10),
        amount=Decimal("5.00"),
        payment_kind="",
        credited_on=D(2025, 3, 11),
        channel="S1",
        control="",
        line=2,
    )
    again = pmc.NetworkPayment(**{**one.__dict__, "line": 9})

    assert payment_key(one) == payment_key(again)
    assert payment_key(one) == "1001/20250301-01/20250310/00000000500/S1____"


def test_a_rendition_without_payments_is_recorded_with_nothing_applied(
    creditor, published, write_cob
):
    # PMC leaves a file every business day, payments or not.
    rendition = reconcile_rendition(creditor, write_cob([]))

    assert (rendition.matched, rendition.unmatched, rendition.duplicates) == (0, 0, 0)
    assert (rendition.matched_amount, rendition.report) == (Decimal("0.00"), [])
    assert not Payment.objects.exists()


def test_the_rendition_says_who_loaded_it(creditor, published, write_cob):
    user = get_user_model().objects.create_user("bo", password="x")

    rendition = reconcile_rendition(creditor, write_cob(MARCH_11), user=user)

    assert rendition.received_by == user
    assert set(Payment.objects.values_list("taken_by", flat=True)) == {user.pk}
    event = AuditEvent.objects.get(action="create", object_id=str(rendition.pk))
    assert (event.actor, event.object_type, event.changes) == (
        user,
        "payments.rendition",
        {
            "network": "pago_mis_cuentas",
            "file_name": "COB0470.110325",
            "matched": 2,
            "unmatched": 2,
            "duplicates": 1,
        },
    )


def test_a_bill_of_an_earlier_publication_is_still_matched(
    creditor, published, write_cob, tmp_path
):
    publish_on_1_march(creditor, tmp_path / "again")  # bill 20250301-02

    # 1.220,50 is 1001's amount at the second due date of bill -01.
    rendition = reconcile_rendition(
        creditor, write_cob([paid("1001", BILL, "1220.50", on=D(2025, 3, 15))])
    )

    assert [(line["status"], line["amount_differs"]) for line in rendition.report] == [
        ("matched", False)
    ]
    assert Payment.objects.get().value_date == D(2025, 3, 15)
