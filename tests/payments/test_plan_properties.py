"""Any life of a plan keeps its accounts' ledgers and amounts in step.

Plans post to the ledger on acceptance (discount, interest, IVA), on every
refresh (penalty interest, up or down) and when they break (what was not
earned goes back); payments and reversals move it in between. Whatever the
order, each account's amounts stay its ledger's sums, no installment is
paid beyond what it asks, and the plan ends in a state it can be in.
"""

import datetime
from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recupero.access.actions import ensure_default_profiles, link_portfolio_to_area
from recupero.access.models import Area, ProfileKind
from recupero.parties.models import Debtor
from recupero.payments.models import MoneySettings, Payment, PaymentStatus, PlanStatus
from recupero.payments.plans import PlanTerms, refresh_plan
from recupero.payments.posting import reverse_payment
from recupero.portfolios.models import Portfolio
from tests.payments.test_plans import (
    TODAY,
    accept,
    add_account,
    assert_ledger_agrees,
    make_user,
    pay,
    propose,
)

pytestmark = pytest.mark.django_db

D = datetime.date
SERIAL = count()
AMOUNTS = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("4000.00"), places=2)
DAYS = st.integers(min_value=0, max_value=240)
STEP = st.one_of(
    st.tuples(st.just("pay"), AMOUNTS, DAYS),
    st.tuples(st.just("refresh"), DAYS),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
)
TERMS = st.one_of(
    st.builds(
        PlanTerms,
        st.sampled_from(["french", "german", "american"]),
        st.integers(min_value=1, max_value=6),
        st.sampled_from([Decimal("0"), Decimal("36"), Decimal("120")]),
        st.just(D(2025, 4, 10)),
    ),
    st.builds(
        PlanTerms,
        st.just("none"),
        st.integers(min_value=1, max_value=6),
        st.just(Decimal("0")),
        st.just(D(2025, 4, 10)),
    ),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    terms=TERMS,
    penalty=st.sampled_from(["0", "36.5"]),
    steps=st.lists(STEP, max_size=8),
)
def test_any_plan_life_keeps_the_ledger_in_step(creditor, terms, penalty, steps):
    ensure_default_profiles()
    serial = next(SERIAL)
    MoneySettings.objects.update_or_create(
        creditor=creditor,
        defaults={"penalty_tna": Decimal(penalty), "broken_after": 2},
    )
    area = Area.objects.create(code=f"area-{serial}", name=f"Área {serial}")
    portfolio = Portfolio.objects.create(
        creditor=creditor, code=f"p-{serial}", name="P", placed_on=TODAY
    )
    link_portfolio_to_area(portfolio, area)
    agent = make_user(f"agente-{serial}", ProfileKind.SUPERVISOR, [area])
    debtor = Debtor.objects.create(identity_key=f"ext:{serial}", name="Deudor")
    account = add_account(portfolio, debtor, f"T-{serial}", "10000.00")
    plan = accept(agent, propose(agent, [account], terms))

    references: list[str] = []
    for step in steps:
        if step[0] == "pay":
            _kind, amount, day = step
            reference = f"{serial}-{len(references)}"
            pay(account, amount, TODAY + datetime.timedelta(days=day), reference)
            references.append(reference)
        elif step[0] == "refresh":
            refresh_plan(plan, TODAY + datetime.timedelta(days=step[1]))
        elif references:
            payment = Payment.objects.get(
                reference=references[step[1] % len(references)]
            )
            if payment.status == PaymentStatus.REVERSED:
                with pytest.raises(ValidationError):
                    reverse_payment(payment, on=D(2025, 12, 31), reason="x")
            else:
                reverse_payment(payment, on=D(2025, 12, 31), reason="x")

    assert_ledger_agrees()
    plan.refresh_from_db()
    assert plan.status in {PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.BROKEN}
    for installment in plan.installments.all():
        asked = installment.total + installment.penalty_interest
        assert Decimal("0.00") <= installment.paid <= asked
