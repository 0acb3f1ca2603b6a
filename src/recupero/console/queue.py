"""Work queues: which accounts are due for a call, and in what order.

An area's queue holds the accounts handed to the area and those of the
portfolios the area works, less the accounts handed to another area. An
agent's queue is the queue of their areas plus the accounts handed to
them, less those handed to another agent. Of these, an account is due when

- it is still open: a balance owed and not deceased or settled;
- its next attempt is today or earlier in its creditor's calendar, or it
  has none (never worked, or its last result set no date);
- no other agent has it open in their console.

Until strategies set a priority of their own, the most advanced stage
comes first, then the most days past due, then the largest balance; the
account number breaks ties so that the order is the same on every page
load. Everything here is one SQL statement over the whole book.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from recupero.access import scoping
from recupero.access.models import AccountAssignment, Area, Membership, PortfolioArea
from recupero.collections.states import FINAL_STATES
from recupero.console.models import AccountLock
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account, Creditor

# Account.stage_position is the stage's position, -1 without a stage (so
# last, as positions are not negative), copied onto the account so that the
# index account_queue_order gives the head in this very order: sorting by
# the joined stage's position meant sorting every due account of the book.
QUEUE_ORDER = [
    "-stage_position",
    "-days_past_due",
    "-owed",
    "number",
    "pk",
]


def area_accounts(area_ids: Iterable[int] | QuerySet) -> QuerySet[Account]:
    """Return every account worked by the areas of ``area_ids``, due or not."""
    handed_elsewhere = AccountAssignment.objects.filter(
        account_id=OuterRef("pk")
    ).exclude(area_id__in=area_ids)
    in_portfolios = Q(
        portfolio_id__in=PortfolioArea.objects.filter(area_id__in=area_ids).values(
            "portfolio_id"
        )
    ) & ~Exists(handed_elsewhere)
    handed_here = Q(
        pk__in=AccountAssignment.objects.filter(area_id__in=area_ids).values(
            "account_id"
        )
    )
    return Account.objects.filter(in_portfolios | handed_here)


def agent_accounts(user: AbstractBaseUser) -> QuerySet[Account]:
    """Return every account in ``user``'s queue, due or not."""
    area_ids = Membership.areas.through.objects.filter(
        membership__user_id=user.pk
    ).values("area_id")
    handed_to_another = AccountAssignment.objects.filter(
        account_id=OuterRef("pk"), agent__isnull=False
    ).exclude(agent_id=user.pk)
    handed_to_user = Account.objects.filter(
        pk__in=AccountAssignment.objects.filter(agent_id=user.pk).values("account_id")
    )
    of_areas = area_accounts(area_ids).filter(~Exists(handed_to_another))
    # One WHERE with OR over the account table, not "pk IN (the areas'
    # accounts)": PostgreSQL plans the nested form as a hash of the whole
    # book before it can return the head of the queue.
    return of_areas | handed_to_user


def due_accounts(
    accounts: QuerySet[Account],
    *,
    user: AbstractBaseUser | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Account]:
    """Return the accounts of ``accounts`` due now, in the queue's order.

    With ``user``, the accounts that user has open stay in; without, every
    account open in a console is left out.
    """
    now = now or timezone.now()
    locked = AccountLock.objects.filter(account_id=OuterRef("pk"), expires_at__gt=now)
    if user is not None:
        locked = locked.exclude(user_id=user.pk)

    return (
        accounts.annotate(owed=F("capital") + F("interest") + F("fees"))
        .filter(owed__gt=0)
        .exclude(management__state__in=FINAL_STATES)
        .filter(_attempt_due(now))
        .filter(~Exists(locked))
        .order_by(*QUEUE_ORDER)
    )


def _attempt_due(now: datetime.datetime) -> Q:
    """Next attempt empty, or on or before today in each creditor's zone.

    Creditors are grouped by time zone, so the condition has one term per
    zone in use (a handful), not one per creditor.
    """
    zones: dict[str, list[int]] = defaultdict(list)
    for creditor_id, zone in Creditor.objects.values_list("pk", "time_zone"):
        zones[zone].append(creditor_id)
    due = Q(management__next_attempt_on__isnull=True)
    for zone, creditor_ids in zones.items():
        today = business_date(Creditor(time_zone=zone), now)
        due |= Q(creditor_id__in=creditor_ids, management__next_attempt_on__lte=today)
    return due


def agent_queue(
    user: AbstractBaseUser, *, now: datetime.datetime | None = None
) -> QuerySet[Account]:
    """Return ``user``'s due accounts, first the one to call next.

    The queue is also cut to what the user may see, so a change of
    profile or a creditor user never gets accounts through a queue.
    """
    accounts = agent_accounts(user) & scoping.visible_accounts(user)
    if connection.vendor == "sqlite":
        # Asked of each account as one correlated EXISTS (by primary key),
        # not as the ORs of IN (…) themselves: against those, SQLite reads
        # the area's accounts through the portfolio index and sorts them
        # all, where this way it walks account_queue_order and stops at the
        # head. PostgreSQL walks the index either way, faster with the ORs
        # (hashed subplans instead of a lookup by primary key per account).
        accounts = Account.objects.filter(Exists(accounts.filter(pk=OuterRef("pk"))))
    return due_accounts(accounts, user=user, now=now)


def area_queue(
    area: Area, *, now: datetime.datetime | None = None
) -> QuerySet[Account]:
    """Return the area's due accounts, in the queue's order."""
    return due_accounts(area_accounts([area.pk]), now=now)
