"""Publishing a portfolio's debts to Pago Mis Cuentas: the FAC file and the
published bills it leaves."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recupero.access.models import AuditEvent
from recupero.parties.models import Debtor
from recupero.payments.models import PublishedDebt
from recupero.payments.networks import pmc, publishing
from recupero.payments.networks.layouts import RecordError
from recupero.payments.networks.publishing import (
    PublicationError,
    publish_debts,
)
from recupero.portfolios.models import Account, Portfolio

pytestmark = pytest.mark.django_db

D = datetime.date
# 1 March 2025, noon in Buenos Aires.
NOON_1_MARCH = datetime.datetime(2025, 3, 1, 15, 0, tzinfo=datetime.UTC)
COMPANY = 470
HEADER = "cuenta;capital;intereses;gastos;fecha;titular\n"
BOOK = HEADER + (
    "1001;1.000,00;150,50;20,00;28/02/2025;ANA PAZ\n"
    "1002;500,00;0,00;0,00;28/02/2025;LUIS SOSA\n"
    # Nothing to pay: not published.
    "1003;0,00;0,00;0,00;28/02/2025;EVA ROJAS\n"
    # 25 characters: no room in the 19 of the reference.
    "1234567890123456789012345;80,00;0,00;0,00;28/02/2025;JUAN PEREZ\n"
)


def import_book(make_profile, import_file):
    """Import the four accounts of ``BOOK``, so that their ledgers open."""
    profile = make_profile(
        account_number="cuenta",
        capital="capital",
        interest="intereses",
        fees="gastos",
        balance_as_of="fecha",
        debtor_name="titular",
    )
    import_file(profile, BOOK)
    return Account.objects.order_by("number")


def publish_on_1_march(creditor, file_dir, accounts=None, **options):
    """Publish ``accounts`` (all by default) as on 1 March, first due 10 March."""
    options = {
        "company_code": COMPANY,
        "first_due": D(2025, 3, 10),
        "file_dir": file_dir,
        **options,
    }
    with time_machine.travel(NOON_1_MARCH, tick=False):
        return publish_debts(
            creditor,
            Account.objects.all() if accounts is None else accounts,
            **options,
        )


@pytest.fixture
def book(make_profile, import_file):
    return import_book(make_profile, import_file)


@pytest.fixture
def stranger(other_creditor):
    """An account of another creditor, which no publication may include."""
    portfolio = Portfolio.objects.create(
        creditor=other_creditor, code="p", name="P", placed_on=D(2025, 1, 1)
    )
    debtor = Debtor.objects.create(identity_key="ext:globex:9", name="OTRO")
    return Account.objects.create(
        creditor=other_creditor,
        portfolio=portfolio,
        debtor=debtor,
        number="9001",
        capital=Decimal("700.00"),
    )


@pytest.fixture
def publish(creditor, tmp_path):
    """Return ``publish(**options)``: ``publish_on_1_march`` into tmp/pmc."""

    def run(accounts=None, **options):
        options.setdefault("file_dir", tmp_path / "pmc")
        return publish_on_1_march(creditor, accounts=accounts, **options)

    return run


def read_back(publication) -> pmc.PublicationFile:
    return pmc.read_fac(publication.path.read_bytes(), publication.file_name)


def test_publish_writes_a_fac_file_of_the_accounts_with_a_balance(
    book, stranger, publish
):
    publication = publish(second_due=D(2025, 3, 20), surcharge=Decimal("50.00"))

    assert publication.file_name == "FAC0470.010325"
    assert publication.path.name == "FAC0470.010325"
    fac = read_back(publication)
    assert (fac.company, fac.generated_on) == (COMPANY, D(2025, 3, 1))
    assert fac.debts == [
        pmc.PublishedDebt(
            "1001",
            "20250301-01",
            (
                pmc.Due(D(2025, 3, 10), Decimal("1170.50")),
                pmc.Due(D(2025, 3, 20), Decimal("1220.50")),
            ),
        ),
        pmc.PublishedDebt(
            "1002",
            "20250301-01",
            (
                pmc.Due(D(2025, 3, 10), Decimal("500.00")),
                pmc.Due(D(2025, 3, 20), Decimal("550.00")),
            ),
        ),
    ]
    assert (publication.published, publication.total) == (2, Decimal("1670.50"))
    assert dict(publication.skipped) == {"long_number": 1}
    assert publication.skipped_examples == {
        "long_number": ["1234567890123456789012345"]
    }


def test_the_streamed_file_is_the_one_pmc_write_fac_would_write(book, publish):
    publication = publish(second_due=D(2025, 3, 20), surcharge=Decimal("50.00"))

    fac = read_back(publication)
    assert publication.path.read_bytes() == pmc.write_fac(
        COMPANY, D(2025, 3, 1), fac.debts
    ).encode("ascii")


def test_publish_records_each_bill_published(book, publish, creditor):
    publish()

    assert list(
        PublishedDebt.objects.order_by("reference").values_list(
            "creditor",
            "account__number",
            "network",
            "reference",
            "bill",
            "first_due",
            "first_amount",
            "second_due",
            "second_amount",
            "file_name",
        )
    ) == [
        (
            creditor.pk,
            "1001",
            "pago_mis_cuentas",
            "1001",
            "20250301-01",
            D(2025, 3, 10),
            Decimal("1170.50"),
            None,
            None,
            "FAC0470.010325",
        ),
        (
            creditor.pk,
            "1002",
            "pago_mis_cuentas",
            "1002",
            "20250301-01",
            D(2025, 3, 10),
            Decimal("500.00"),
            None,
            None,
            "FAC0470.010325",
        ),
    ]
    event = AuditEvent.objects.get(action="export")
    assert event.changes == {
        "network": "pago_mis_cuentas",
        "file_name": "FAC0470.010325",
        "bill": "20250301-01",
        "published": 2,
    }


def test_a_second_publication_the_same_day_is_a_new_bill(book, publish, tmp_path):
    publish()

    again = publish(file_dir=tmp_path / "again")

    assert again.bill == "20250301-02"
    assert PublishedDebt.objects.filter(bill="20250301-02").count() == 2


def test_publish_takes_only_the_accounts_given(book, stranger, publish):
    publication = publish(accounts=Account.objects.filter(number__in=["1002", "9001"]))

    assert [debt.reference for debt in read_back(publication).debts] == ["1002"]
    assert list(PublishedDebt.objects.values_list("reference", flat=True)) == ["1002"]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"first_due": D(2025, 2, 28)}, "due_in_the_past"),
        ({"second_due": D(2025, 3, 10)}, "dues_out_of_order"),
        ({"surcharge": Decimal("10.00")}, "surcharge_without_due"),
    ],
)
def test_publish_refuses_dues_pmc_could_not_offer(
    book, publish, tmp_path, options, code
):
    with pytest.raises(PublicationError) as refused:
        publish(**options)

    assert refused.value.code == code
    assert not PublishedDebt.objects.exists()
    assert not (tmp_path / "pmc").exists()


def test_publish_does_not_replace_a_file_already_there(book, publish, tmp_path):
    (tmp_path / "pmc").mkdir()
    (tmp_path / "pmc" / "FAC0470.010325").write_text("enviado")

    with pytest.raises(PublicationError, match="FAC0470.010325 ya existe"):
        publish()

    assert (tmp_path / "pmc" / "FAC0470.010325").read_text() == "enviado"
    assert not PublishedDebt.objects.exists()


def test_a_value_that_does_not_fit_leaves_no_file_and_no_bill(book, publish, tmp_path):
    # The company code has 4 digits in the header.
    with pytest.raises(RecordError):
        publish(company_code=12345)

    assert list((tmp_path / "pmc").iterdir()) == []
    assert not PublishedDebt.objects.exists()


def test_publishing_in_chunks_writes_the_same_file_and_rows(
    book, publish, tmp_path, monkeypatch
):
    whole = publish(file_dir=tmp_path / "whole")
    rows = list(PublishedDebt.objects.order_by("pk").values_list("reference", "bill"))
    PublishedDebt.objects.all().delete()
    # One account per fetch and per insert: reading the accounts and writing
    # the bills interleave on the same connection.
    monkeypatch.setattr(publishing, "CHUNK", 1)

    chunked = publish(file_dir=tmp_path / "chunked")

    assert chunked.path.read_bytes() == whole.path.read_bytes()
    assert (
        list(PublishedDebt.objects.order_by("pk").values_list("reference", "bill"))
        == rows
    )


def test_publishing_costs_the_same_queries_for_more_accounts(
    book, publish, tmp_path, creditor, django_assert_num_queries
):
    two = CaptureQueriesContext(connection)
    with two:
        publish(file_dir=tmp_path / "two")
    portfolio = Portfolio.objects.get(creditor=creditor)
    debtor = Debtor.objects.create(identity_key="ext:acme:many", name="VARIOS")
    Account.objects.bulk_create(
        Account(
            creditor=creditor,
            portfolio=portfolio,
            debtor=debtor,
            number=f"20{n:02d}",
            capital=Decimal("10.00"),
        )
        for n in range(30)
    )

    with django_assert_num_queries(len(two.captured_queries)):
        publication = publish(file_dir=tmp_path / "thirty-two")

    assert publication.published == 32


def test_a_publication_rolled_back_after_its_file_leaves_no_file(
    book, publish, tmp_path, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(publishing, "record_audit", fail)

    with pytest.raises(RuntimeError):
        publish()

    assert list((tmp_path / "pmc").iterdir()) == []
    assert not PublishedDebt.objects.exists()
