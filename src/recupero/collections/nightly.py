"""The collections part of the nightly cycle.

After the accounts are aged (``portfolios.cycle``), this settles the
accounts whose balance reached zero, reopens the settled ones that owe
again (a safety net: the import and payment reversals reopen them as they
happen), decides the promises whose deadline has passed, and checks who
can still be reached: accounts of debtors with no usable contact point
become unreachable, unreachable ones whose debtor got a new contact point
go back to "no contact". Every step is a handful of set-based statements
whatever the number of accounts.

Running it again for the same date moves no account and records no state
change twice: each step only moves accounts whose state it would change.
Each account moved gets one audit event, by the system, written in bulk.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from recupero.access.audit import object_type_of, record_audit_many
from recupero.access.models import AuditAction
from recupero.collections.actions import USABLE_CONTACT_STATUSES
from recupero.collections.models import StateChange
from recupero.collections.promises import PromiseEvaluation, evaluate_due_promises
from recupero.collections.states import Event, ManagementState
from recupero.collections.transitions import (
    apply_event,
    ensure_account_states,
    refresh_debtor_states,
    reopen_settled,
)
from recupero.parties.models import ContactPoint
from recupero.payments.plans import refresh_active_plans
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account, Creditor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NightSummary:
    settled: int
    reopened: int
    promises: PromiseEvaluation
    unreachable: int
    reachable_again: int


def night_runs(
    as_of: datetime.date | None = None, *, creditor: Creditor | None = None
) -> list[tuple[datetime.date, Creditor | None]]:
    """Return the (date, creditor filter) pairs a night over ``creditor`` needs.

    As ``portfolios.cycle.run_cycle`` does, without ``as_of`` each creditor
    runs for its own business date; when they all share one (the usual
    case, one time zone), one run covers every creditor at once.
    """
    if as_of is not None:
        return [(as_of, creditor)]
    creditors = [creditor] if creditor else list(Creditor.objects.order_by("id"))
    dates = {each.pk: business_date(each) for each in creditors}
    if len(set(dates.values())) == 1:
        return [(dates[creditors[0].pk], creditor)]
    return [(dates[each.pk], each) for each in creditors]


@transaction.atomic
def run_collections_night(
    as_of: datetime.date, *, creditor: Creditor | None = None
) -> NightSummary:
    """Bring every account's management state up to ``as_of``."""
    at = timezone.now()
    accounts = Account.objects.all()
    if creditor is not None:
        accounts = accounts.filter(creditor=creditor)
    ensure_account_states(accounts)

    settled = apply_event(
        accounts.with_balance().filter(balance__lte=0), Event.PAID_IN_FULL, at=at
    )
    reopened = reopen_settled(accounts, at=at, due_on=as_of)
    promises = evaluate_due_promises(as_of, creditor=creditor, at=at)
    refresh_active_plans(as_of, creditor=creditor)
    unreachable, reachable = classify_reachability(accounts, at=at)
    refresh_debtor_states(accounts, at=at)
    _audit_moves(accounts, as_of, at)

    logger.info(
        "collections night %s: %s settled, %s reopened, %s unreachable, "
        "%s reachable again",
        as_of,
        settled,
        reopened,
        unreachable,
        reachable,
    )
    return NightSummary(settled, reopened, promises, unreachable, reachable)


def _audit_moves(
    accounts: QuerySet[Account], as_of: datetime.date, at: datetime.datetime
) -> int:
    """Audit, by the system, each account this night moved; return how many.

    The night's moves are the state changes stamped with its ``at``; one
    bulk write per kind of move (event, from, to), of which there are few.
    """
    moves = StateChange.objects.filter(changed_at=at, account__in=accounts.values("id"))
    kinds = moves.values_list("event", "from_state", "to_state").distinct()
    written = 0
    for event, from_state, to_state in kinds.order_by("event", "from_state"):
        written += record_audit_many(
            None,
            AuditAction.CHANGE,
            object_type=object_type_of(Account()),
            object_ids=moves.filter(
                event=event, from_state=from_state, to_state=to_state
            )
            .order_by("account_id")
            .values_list("account_id", flat=True)
            .iterator(chunk_size=2000),
            changes={
                "event": event,
                "from_state": from_state,
                "to_state": to_state,
                "as_of": as_of.isoformat(),
            },
        )
    return written


def classify_reachability(
    accounts: QuerySet[Account], *, at: datetime.datetime
) -> tuple[int, int]:
    """Move accounts in or out of "unreachable"; return both counts."""
    usable = ContactPoint.objects.filter(
        debtor=OuterRef("debtor"), status__in=USABLE_CONTACT_STATUSES
    )
    exhausted = accounts.exclude(Exists(usable))
    unreachable = apply_event(exhausted, Event.CONTACT_POINTS_EXHAUSTED, at=at)
    found = accounts.filter(
        Exists(usable), management__state=ManagementState.UNREACHABLE
    )
    reachable = apply_event(found, Event.CONTACT_POINT_AVAILABLE, at=at)
    return unreachable, reachable
