"""Writes on creditors, portfolios and stages."""

import datetime

from django.db import transaction

from recupero.portfolios.models import Creditor, Portfolio, Stage
from recupero.portfolios.stages import DEFAULT_STAGES


@transaction.atomic
def create_creditor(*, code: str, name: str, **fields: object) -> Creditor:
    """Create a creditor with its own copy of the default stages."""
    creditor = Creditor.objects.create(code=code, name=name, **fields)
    ensure_default_stages(creditor)
    return creditor


def ensure_default_stages(creditor: Creditor) -> int:
    """Give a creditor without stages the default set; return how many."""
    if creditor.stages.exists():
        return 0
    Stage.objects.bulk_create(
        Stage(
            creditor=creditor,
            slug=default.slug,
            name=default.name,
            position=position,
            min_days=default.min_days,
            max_days=default.max_days,
            is_legal=default.is_legal,
        )
        for position, default in enumerate(DEFAULT_STAGES)
    )
    return len(DEFAULT_STAGES)


def get_or_create_portfolio(
    *, creditor: Creditor, code: str, name: str, placed_on: datetime.date
) -> Portfolio:
    portfolio, _created = Portfolio.objects.get_or_create(
        creditor=creditor, code=code, defaults={"name": name, "placed_on": placed_on}
    )
    return portfolio
