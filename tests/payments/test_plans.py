"""Payment plans: proposed within or beyond the limits, approved, accepted,
followed against the payments, completed or broken, and their document.

The book: ACME's debtor Juan owes 10.000,00 of capital on account T-1,
worked by area "tarjetas" (agent ana, supervisor sofia); carla works
another area. The figures of a French plan of 12 at 36 % TNA (3 % a month)
are worked by hand: installment 1.004,62 (10.000 · 0,03 / (1 − 1,03⁻¹²)),
interest 2.055,45 in all (12.055,45 to pay before IVA), IVA 21 % 431,65.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from recupero.access.actions import (
    ensure_default_profiles,
    link_portfolio_to_area,
    set_membership,
)
from recupero.access.models import Area, ProfileKind
from recupero.collections.actions import get_account_state
from recupero.collections.models import AccountState
from recupero.collections.nightly import run_collections_night
from recupero.parties.models import ContactKind, ContactPoint, Debtor
from recupero.payments.ledger import disagreements
from recupero.payments.models import (
    ACCOUNT_COLUMN,
    Component,
    EntryKind,
    LedgerEntry,
    MoneySettings,
    Payment,
    PaymentMethod,
    PaymentPlan,
    PaymentSource,
    PlanStatus,
)
from recupero.payments.plan_pdf import plan_pdf
from recupero.payments.plans import (
    PlanError,
    PlanTerms,
    accept_plan,
    approve_plan,
    cancel_plan,
    propose_plan,
    quote_for_accounts,
    refresh_plan,
)
from recupero.payments.posting import PaymentRow, post_payment
from recupero.portfolios.models import Account, Portfolio, Stage
from tests.payments.pdfs import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
# 10/03/2025 at 11:00 in Buenos Aires, a Monday: the day plans are proposed.
NOW = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)
TODAY = D(2025, 3, 10)
PASSWORD = "clave-de-prueba"
FRENCH_12 = PlanTerms("french", 12, Decimal("36"), D(2025, 4, 10))


@dataclass
class Book:
    ana: object
    sofia: object
    carla: object
    juan: Debtor
    account: Account
    second: Account
    other_area: Account


def make_user(username, profile, areas=()):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    set_membership(user, profile=profile, areas=areas)
    return user


def add_account(portfolio, debtor, number, capital):
    account = Account.objects.create(
        creditor=portfolio.creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        days_past_due=60,
        stage=Stage.objects.get(creditor=portfolio.creditor, slug="mora_temprana"),
        capital=Decimal(capital),
    )
    LedgerEntry.objects.create(
        account=account,
        value_date=D(2025, 3, 1),
        kind=EntryKind.OPENING,
        component=Component.CAPITAL,
        amount=Decimal(capital),
    )
    return account


@pytest.fixture
def book(creditor) -> Book:
    return make_plan_book(creditor)


def make_plan_book(creditor) -> Book:
    ensure_default_profiles()
    cards_area = Area.objects.create(code="tarjetas", name="Tarjetas")
    loans_area = Area.objects.create(code="prestamos", name="Préstamos")
    cards = Portfolio.objects.create(
        creditor=creditor, code="cards", name="Tarjetas", placed_on=TODAY
    )
    loans = Portfolio.objects.create(
        creditor=creditor, code="loans", name="Préstamos", placed_on=TODAY
    )
    link_portfolio_to_area(cards, cards_area)
    link_portfolio_to_area(loans, loans_area)
    juan = Debtor.objects.create(identity_key="ext:juan", name="Pérez, Juan")
    ContactPoint.objects.create(
        debtor=juan, kind=ContactKind.PHONE, raw="11 2345-6789", value="+5491123456789"
    )
    someone = Debtor.objects.create(identity_key="ext:otro", name="Otro, Deudor")
    return Book(
        ana=make_user("ana", ProfileKind.AGENT, [cards_area]),
        sofia=make_user("sofia", ProfileKind.SUPERVISOR, [cards_area]),
        carla=make_user("carla", ProfileKind.AGENT, [loans_area]),
        juan=juan,
        account=add_account(cards, juan, "T-1", "10000.00"),
        second=add_account(cards, juan, "T-2", "2000.00"),
        other_area=add_account(loans, someone, "L-1", "5000.00"),
    )


def propose(user, accounts, terms=FRENCH_12):
    with time_machine.travel(NOW, tick=False):
        return propose_plan(user, accounts, terms)


def accept(user, plan, on=TODAY):
    with time_machine.travel(NOW, tick=False):
        return accept_plan(user, plan, on)


def pay(account, amount, on, reference):
    """Post a payment as a creditor's file would bring it."""
    row = PaymentRow(
        account_id=account.pk,
        reference=reference,
        method=PaymentMethod.TRANSFER,
        amount=Decimal(amount),
        value_date=on,
    )
    post_payment(account.creditor, row, source=PaymentSource.CREDITOR_FILE)
    return Payment.objects.get(reference=reference)


def assert_ledger_agrees():
    """Assert that every account's columns are its ledger's sums.

    Summed in Python as well as by ``disagreements``: on SQLite that one
    compares sums of REAL in SQL, where 0,00 can come out as 4,5e-13.
    """
    sums = {}
    for account_id, component, amount in LedgerEntry.objects.values_list(
        "account_id", "component", "amount"
    ):
        key = (account_id, ACCOUNT_COLUMN[component])
        sums[key] = sums.get(key, Decimal(0)) + amount
    for account in Account.objects.all():
        for column in ("capital", "interest", "fees"):
            expected = sums.get((account.pk, column), Decimal(0))
            assert getattr(account, column) == expected, (account.number, column)
    if connection.vendor == "postgresql":
        assert not disagreements().exists()


def schedule(plan):
    return list(
        plan.installments.order_by("number").values_list(
            "number", "due_on", "capital", "interest", "interest_vat", "total"
        )
    )


def statuses(plan):
    return list(
        plan.installments.order_by("number").values_list(
            "number", "status", "paid", "penalty_interest", "paid_on"
        )
    )


def plan_entries(plan):
    return list(
        LedgerEntry.objects.filter(plan=plan)
        .order_by("id")
        .values_list("account__number", "value_date", "kind", "component", "amount")
    )


# -- quoting and proposing ------------------------------------------------------


def test_quote_for_accounts_sums_the_balances_and_lists_the_limits(book):
    with time_machine.travel(NOW, tick=False):
        offer = quote_for_accounts(
            [book.account, book.second],
            system="french",
            installments=18,
            tna=Decimal("36"),
            first_due=D(2025, 4, 10),
            user=book.ana,
        )

    assert offer.quote.principal == Decimal("12000.00")
    assert offer.quote.start == TODAY
    assert [limit.limit for limit in offer.exceeded] == ["max_installments"]
    assert offer.exceeded[0].reason == "El plan tiene 18 cuotas y el máximo es 12."


def test_a_supervisor_is_not_bound_by_the_limits(book):
    with time_machine.travel(NOW, tick=False):
        offer = quote_for_accounts(
            [book.account],
            system="french",
            installments=18,
            tna=Decimal("36"),
            first_due=D(2025, 4, 10),
            discount=Decimal("20"),
            user=book.sofia,
        )

    assert offer.exceeded == ()


def test_propose_within_the_limits_records_the_schedule(book):
    plan = propose(book.ana, [book.account])

    assert plan.status == PlanStatus.PROPOSED
    assert not plan.needs_approval
    assert plan.principal == Decimal("10000.00")
    assert plan.cft == Decimal("52.90")
    rows = schedule(plan)
    assert len(rows) == 12
    assert rows[0] == (
        1,
        D(2025, 4, 10),
        Decimal("704.62"),
        Decimal("300.00"),
        Decimal("63.00"),
        Decimal("1067.62"),
    )
    # 10/05/2025 is a Saturday: due on Monday the 12th.
    assert rows[1][1] == D(2025, 5, 12)
    assert sum(row[2] for row in rows) == Decimal("10000.00")
    assert sum(row[3] for row in rows) == Decimal("2055.45")
    assert sum(row[4] for row in rows) == Decimal("431.65")


def test_a_down_payment_is_installment_zero_due_on_the_start(book):
    terms = PlanTerms("french", 6, Decimal("36"), D(2025, 4, 10), Decimal("1000.00"))

    plan = propose(book.ana, [book.account], terms)

    assert schedule(plan)[0] == (
        0,
        TODAY,
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("1000.00"),
    )
    assert sum(row[2] for row in schedule(plan)) == Decimal("10000.00")


def test_propose_beyond_the_limits_needs_approval(book):
    terms = PlanTerms(
        "french", 18, Decimal("36"), D(2025, 4, 10), Decimal("0.00"), Decimal("5")
    )

    plan = propose(book.ana, [book.account], terms)

    assert plan.needs_approval
    assert [reason["limit"] for reason in plan.approval_reasons] == [
        "max_discount",
        "max_installments",
    ]
    with pytest.raises(ValidationError) as refused:
        accept(book.ana, plan)
    assert refused.value.code == PlanError.NEEDS_APPROVAL
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert not LedgerEntry.objects.filter(plan=plan).exists()


def test_an_agent_cannot_approve_a_supervisor_can(book):
    terms = PlanTerms("french", 18, Decimal("36"), D(2025, 4, 10))
    plan = propose(book.ana, [book.account], terms)

    with pytest.raises(PermissionDenied):
        approve_plan(book.ana, plan)
    plan.refresh_from_db()
    assert plan.approved_by is None

    approve_plan(book.sofia, plan)
    accept(book.ana, plan)

    plan.refresh_from_db()
    assert plan.approved_by == book.sofia
    assert plan.status == PlanStatus.ACTIVE


def test_an_agent_of_another_area_cannot_propose_over_the_account(book):
    with pytest.raises(ValidationError) as refused:
        propose(book.carla, [book.account])

    assert refused.value.code == PlanError.NOT_VISIBLE
    assert not PaymentPlan.objects.exists()


def test_a_bad_term_is_refused_naming_its_field(book):
    terms = PlanTerms("french", 12, Decimal("36"), D(2025, 3, 1))

    with pytest.raises(ValidationError) as refused:
        propose(book.ana, [book.account], terms)

    assert refused.value.message_dict == {
        "first_due": [
            "El primer vencimiento: debe ser posterior a la fecha del acuerdo."
        ]
    }


def test_an_account_in_a_plan_in_force_cannot_enter_another(book):
    accept(book.ana, propose(book.ana, [book.account]))

    with pytest.raises(ValidationError) as refused:
        propose(book.ana, [book.account, book.second])

    assert refused.value.code == PlanError.IN_ANOTHER_PLAN


def test_cancel_withdraws_a_proposed_plan(book):
    plan = propose(book.ana, [book.account])

    with time_machine.travel(NOW, tick=False):
        cancel_plan(book.ana, plan)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
    assert plan.ended_on == TODAY


# -- accepting ------------------------------------------------------------------


def test_accepting_posts_the_financing_so_the_account_owes_the_plan(book):
    plan = propose(book.ana, [book.account])
    other = propose(book.ana, [book.account, book.second])

    accept(book.ana, plan)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.accepted_on == TODAY
    assert plan_entries(plan) == [
        ("T-1", TODAY, "plan", "interest", Decimal("2055.45")),
        ("T-1", TODAY, "plan", "interest_vat", Decimal("431.65")),
    ]
    book.account.refresh_from_db()
    # 12.055,45 of installments before IVA, 12.487,10 with it.
    assert book.account.balance == Decimal("12487.10")
    assert book.account.balance == sum(row[5] for row in schedule(plan))
    assert_ledger_agrees()
    assert get_account_state(book.account) == "plan_vigente"
    other.refresh_from_db()
    assert other.status == PlanStatus.CANCELLED


def test_accepting_with_a_discount_credits_it_across_the_accounts(book):
    terms = PlanTerms(
        "french", 12, Decimal("36"), D(2025, 4, 10), Decimal("0.00"), Decimal("10")
    )
    plan = propose(book.sofia, [book.account, book.second], terms)

    accept(book.sofia, plan)

    entries = plan_entries(plan)
    # 10 % of 12.000,00, shared 10.000 : 2.000; both owe only capital.
    assert entries[:2] == [
        ("T-1", TODAY, "discount", "capital", Decimal("-1000.00")),
        ("T-2", TODAY, "discount", "capital", Decimal("-200.00")),
    ]
    total = (
        sum(
            Account.objects.filter(
                pk__in=[book.account.pk, book.second.pk]
            ).values_list("capital", flat=True),
            Decimal(0),
        )
        + Account.objects.get(pk=book.account.pk).interest
    )
    installments = sum(row[5] for row in schedule(plan))
    assert total == installments
    assert_ledger_agrees()


def test_accepting_after_the_debt_changed_is_refused(book):
    plan = propose(book.ana, [book.account])
    pay(book.account, "100.00", TODAY, "antes")

    with pytest.raises(ValidationError) as refused:
        accept(book.ana, plan)

    assert refused.value.code == PlanError.DEBT_CHANGED
    assert refused.value.messages == [
        "La deuda cambió desde la propuesta (era $ 10.000,00, es $ 9.900,00): "
        "cotizá el convenio de nuevo."
    ]


def test_an_acceptance_dated_after_today_is_refused(book):
    plan = propose(book.ana, [book.account])

    with pytest.raises(ValidationError) as refused:
        accept(book.ana, plan, D(2025, 3, 11))

    assert refused.value.messages == ["La aceptación no puede fecharse después de hoy."]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


# -- following ------------------------------------------------------------------


def test_payments_on_time_pay_the_installments_and_complete_the_plan(book):
    terms = PlanTerms("french", 3, Decimal("36"), D(2025, 4, 10))
    plan = accept(book.ana, propose(book.ana, [book.account], terms))
    for number, due_on, *_amounts, total in schedule(plan):
        pay(book.account, total, due_on, f"cuota-{number}")

    last_due = schedule(plan)[-1][1]
    refresh_plan(plan, last_due)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert plan.ended_on == last_due
    assert [row[1] for row in statuses(plan)] == ["paid", "paid", "paid"]
    assert [row[4] for row in statuses(plan)] == [row[1] for row in schedule(plan)]
    book.account.refresh_from_db()
    assert book.account.balance == Decimal("0.00")
    assert get_account_state(book.account) == "cancelada"
    assert_ledger_agrees()


def test_a_payment_marks_its_installment_paid_without_waiting_for_the_night(book):
    terms = PlanTerms("french", 3, Decimal("36"), D(2025, 4, 10))
    plan = accept(book.ana, propose(book.ana, [book.account], terms))
    number, due_on, *_amounts, total = schedule(plan)[0]

    pay(book.account, total, due_on, "cuota-1")

    assert [row[1] for row in statuses(plan)] == ["paid", "pending", "pending"]


def test_a_late_payment_accrues_penalty_interest_posted_to_the_ledger(book):
    MoneySettings.objects.create(
        creditor=book.account.creditor, penalty_tna=Decimal("36.5")
    )
    plan = accept(book.ana, propose(book.ana, [book.account]))
    # Installment 1 (capital 704,62) due 10/04, paid 10 days late: the
    # penalty is 704,62 × 36,5 % × 10 / 365 = 7,0462 → 7,05.
    pay(book.account, "1074.67", D(2025, 4, 20), "tarde")

    refresh_plan(plan, D(2025, 4, 20))

    first = statuses(plan)[0]
    assert first == (
        1,
        "paid",
        Decimal("1067.62"),
        Decimal("7.05"),
        D(2025, 4, 20),
    )
    assert plan_entries(plan)[-1] == (
        "T-1",
        D(2025, 4, 20),
        "penalty",
        "penalty_interest",
        Decimal("7.05"),
    )
    assert_ledger_agrees()

    # Refreshing again the same day posts nothing more.
    refresh_plan(plan, D(2025, 4, 20))
    assert LedgerEntry.objects.filter(plan=plan, kind="penalty").count() == 1


def test_unpaid_installments_break_the_plan_and_return_the_debt(book):
    terms = PlanTerms(
        "french", 12, Decimal("36"), D(2025, 4, 10), Decimal("0.00"), Decimal("10")
    )
    plan = accept(book.sofia, propose(book.sofia, [book.account], terms))
    # 9.000,00 financed: installment 904,16 = 634,16 capital + 270,00
    # interest, plus 56,70 of IVA.
    assert schedule(plan)[0][2:] == (
        Decimal("634.16"),
        Decimal("270.00"),
        Decimal("56.70"),
        Decimal("960.86"),
    )
    pay(book.account, "960.86", D(2025, 4, 10), "cuota-1")

    # Installments 2, 3 and 4 (12/05, 10/06, 10/07) unpaid on 11/07.
    refresh_plan(plan, D(2025, 7, 11))

    plan.refresh_from_db()
    assert plan.status == PlanStatus.BROKEN
    assert plan.ended_on == D(2025, 7, 11)
    assert [row[1] for row in statuses(plan)][:5] == [
        "paid",
        "overdue",
        "overdue",
        "overdue",
        "pending",
    ]
    book.account.refresh_from_db()
    # The original debt less the capital paid; the discount is lost.
    assert book.account.balance == Decimal("10000.00") - Decimal("634.16")
    # The payment's credit went to interest first, but the plan's replay
    # says 634,16 of it was capital: the columns follow the replay.
    assert book.account.interest == Decimal("0.00")
    assert_ledger_agrees()
    assert get_account_state(book.account) == "plan_caido"
    state = AccountState.objects.get(account=book.account)
    assert state.next_attempt_on == D(2025, 7, 11)


def test_two_overdue_installments_do_not_break_the_plan(book):
    plan = accept(book.ana, propose(book.ana, [book.account]))

    refresh_plan(plan, D(2025, 6, 10))

    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert [row[1] for row in statuses(plan)][:3] == ["overdue", "overdue", "pending"]


def test_the_nightly_run_refreshes_the_plans_in_force(book):
    plan = accept(book.ana, propose(book.ana, [book.account]))

    with time_machine.travel(NOW, tick=False):
        run_collections_night(D(2025, 6, 11), creditor=book.account.creditor)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.BROKEN
    assert get_account_state(book.account) == "plan_caido"


# -- the document ---------------------------------------------------------------


def test_the_plan_pdf_shows_rates_and_schedule(book):
    terms = PlanTerms("french", 12, Decimal("36"), D(2025, 4, 10), Decimal("500.00"))
    plan = propose(book.ana, [book.account], terms)
    Debtor.objects.filter(pk=book.juan.pk).update(cuit="20123456786")
    plan.debtor.refresh_from_db()

    text = pdf_text(plan_pdf(plan))

    for shown in (
        "Convenio de pago",
        "Pérez, Juan 20-12345678-6",
        "T-1",
        "$ 10.000,00",
        "$ 500,00",
        "francés",
        "TNA",
        "36 %",
        "TEM",
        "3 %",
        "TEA",
        "42,58 %",
        "CFT con IVA",
        "CFT sin IVA",
        "10/04/2025",
        "12/05/2025",
    ):
        assert shown in text, shown
    # 9.500,00 financed: 954,39 a month, 285,00 of it interest in the
    # first, with 59,85 of IVA.
    for figure in ("$ 669,39", "$ 285,00", "$ 59,85", "$ 1.014,24"):
        assert figure in text, figure


def test_a_payment_loaded_late_but_dated_early_lowers_the_penalty(book):
    MoneySettings.objects.create(
        creditor=book.account.creditor, penalty_tna=Decimal("36.5")
    )
    plan = accept(book.ana, propose(book.ana, [book.account]))
    refresh_plan(plan, D(2025, 4, 20))
    # Ten days on 704,62 of capital: 7,05 posted.
    assert statuses(plan)[0][3] == Decimal("7.05")

    # A bank file brings a payment of 15/04: five days late, 3,52.
    pay(book.account, "1071.14", D(2025, 4, 15), "banco")
    refresh_plan(plan, D(2025, 4, 20))

    assert statuses(plan)[0] == (
        1,
        "paid",
        Decimal("1067.62"),
        Decimal("3.52"),
        D(2025, 4, 15),
    )
    penalties = LedgerEntry.objects.filter(plan=plan, kind="penalty")
    assert list(penalties.order_by("id").values_list("amount", flat=True)) == [
        Decimal("7.05"),
        Decimal("-3.53"),
    ]
    assert_ledger_agrees()


def test_a_broken_plan_over_two_accounts_returns_both_debts(book):
    terms = PlanTerms(
        "french", 12, Decimal("36"), D(2025, 4, 10), Decimal("0.00"), Decimal("10")
    )
    plan = accept(book.sofia, propose(book.sofia, [book.account, book.second], terms))

    refresh_plan(plan, D(2025, 6, 11))

    plan.refresh_from_db()
    assert plan.status == PlanStatus.BROKEN
    book.account.refresh_from_db()
    book.second.refresh_from_db()
    assert (book.account.balance, book.second.balance) == (
        Decimal("10000.00"),
        Decimal("2000.00"),
    )
    assert_ledger_agrees()
    assert get_account_state(book.second) == "plan_caido"


def test_interest_only_installments_at_no_interest_are_paid_by_their_date(book):
    # American at 0 %: the first installments ask nothing, the last all.
    terms = PlanTerms("american", 3, Decimal("0"), D(2025, 4, 10))
    plan = accept(book.sofia, propose(book.sofia, [book.account], terms))
    assert [row[5] for row in schedule(plan)] == [
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("10000.00"),
    ]
    last_due = schedule(plan)[-1][1]

    pay(book.account, "10000.00", last_due, "todo")

    plan.refresh_from_db()
    assert [row[1] for row in statuses(plan)] == ["paid", "paid", "paid"]
    assert plan.status == PlanStatus.COMPLETED
    assert_ledger_agrees()
