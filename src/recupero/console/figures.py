"""What the supervisor reads: each agent's day and the size of each queue.

Who a viewer supervises is decided here: administrators and back office
(and superusers) every area and every agent; anyone else the areas of
their membership and the agents and supervisors who work in them. The
agent figures are a fixed number of grouped queries whatever the number
of agents; the queue sizes are a few counts per area, and areas are few.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from recupero.access import scoping
from recupero.access.models import Area, Membership, ProfileKind
from recupero.collections.models import (
    Activity,
    ActivityAccount,
    Promise,
    ResultCategory,
)
from recupero.collections.states import ManagementState
from recupero.console.models import AccountLock
from recupero.console.queue import agent_accounts, area_accounts, area_queue
from recupero.portfolios.models import Account

SUPERVISES_EVERY_AREA = {ProfileKind.ADMINISTRATOR, ProfileKind.BACK_OFFICE}
# The profiles that work accounts, and so may receive them.
WORKS_ACCOUNTS = [ProfileKind.AGENT, ProfileKind.SUPERVISOR]

RIGHT_PARTY_CATEGORIES = [
    ResultCategory.RIGHT_PARTY,
    ResultCategory.COMMITMENT,
    ResultCategory.NEGATIVE,
]
CONTACT_CATEGORIES = [ResultCategory.THIRD_PARTY, *RIGHT_PARTY_CATEGORIES]
ZERO = Decimal("0.00")


@dataclass
class AgentDay:
    """One agent's figures for one business day."""

    agent_id: int | None
    name: str
    accounts_worked: int = 0
    activities: int = 0
    contacts: int = 0
    right_party_contacts: int = 0
    promises: int = 0
    promised_amount: Decimal = ZERO

    def add(self, other: "AgentDay") -> None:
        self.accounts_worked += other.accounts_worked
        self.activities += other.activities
        self.contacts += other.contacts
        self.right_party_contacts += other.right_party_contacts
        self.promises += other.promises
        self.promised_amount += other.promised_amount


@dataclass
class TeamDay:
    day: datetime.date
    agents: list[AgentDay]
    total: AgentDay = field(default_factory=lambda: AgentDay(None, ""))


@dataclass(frozen=True)
class QueueSize:
    area: Area
    accounts: int
    due: int
    in_use: int


def supervises_every_area(user: AbstractBaseUser) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user_id=user.pk, profile__in=SUPERVISES_EVERY_AREA
    ).exists()


def supervised_areas(user: AbstractBaseUser) -> QuerySet[Area]:
    """Return the areas ``user`` supervises."""
    if supervises_every_area(user):
        return Area.objects.all()
    return Area.objects.filter(memberships__user_id=user.pk)


def supervised_agents(user: AbstractBaseUser) -> QuerySet:
    """Return the active agents and supervisors of the areas ``user`` supervises.

    The viewer may be among them: a supervisor who works accounts too is
    measured like anyone else.
    """
    workers = get_user_model().objects.filter(
        is_active=True, membership__profile__in=WORKS_ACCOUNTS
    )
    if not supervises_every_area(user):
        workers = workers.filter(
            membership__areas__in=Area.objects.filter(memberships__user_id=user.pk)
        )
    return workers.distinct().order_by("first_name", "last_name", "username")


def get_team_day(user: AbstractBaseUser, day: datetime.date | None = None) -> TeamDay:
    """Return the day of every agent ``user`` supervises, with a totals row.

    The totals add up the agents' rows, except the accounts worked: an
    account two agents worked counts once for the team.

    ``day`` is a business date (default: today here); activities and
    promises are dated in their creditor's calendar, so each counts on
    the day it was in the creditor's time zone.
    """
    day = day or timezone.localdate()
    agents = list(supervised_agents(user))
    agent_ids = [agent.pk for agent in agents]
    activities = _activity_figures(agent_ids, day)
    promises = _promise_figures(agent_ids, day)

    team = TeamDay(day=day, agents=[])
    for agent in agents:
        row = AgentDay(agent.pk, agent.get_full_name() or agent.get_username())
        row.add(activities.get(agent.pk, AgentDay(agent.pk, "")))
        row.add(promises.get(agent.pk, AgentDay(agent.pk, "")))
        team.agents.append(row)
        team.total.add(row)
    # Two agents may work the same account: the team worked it once.
    team.total.accounts_worked = _accounts_worked(agent_ids, day)
    return team


def _accounts_worked(agent_ids: list[int], day: datetime.date) -> int:
    return (
        ActivityAccount.objects.filter(
            activity__user_id__in=agent_ids, activity__occurred_on=day
        )
        .values("account_id")
        .distinct()
        .count()
    )


def _activity_figures(agent_ids: list[int], day: datetime.date) -> dict:
    # An activity on several accounts is one row per account in the join,
    # so every count is distinct: an activity counts once, an account once.
    rows = (
        Activity.objects.filter(user_id__in=agent_ids, occurred_on=day)
        .values("user_id")
        .annotate(
            accounts_worked=Count("account_links__account_id", distinct=True),
            activities=Count("pk", distinct=True),
            contacts=Count(
                "pk",
                distinct=True,
                filter=Q(result_code__category__in=CONTACT_CATEGORIES),
            ),
            right_party_contacts=Count(
                "pk",
                distinct=True,
                filter=Q(result_code__category__in=RIGHT_PARTY_CATEGORIES),
            ),
        )
        .order_by()
    )
    return {
        row["user_id"]: AgentDay(
            row["user_id"],
            "",
            accounts_worked=row["accounts_worked"],
            activities=row["activities"],
            contacts=row["contacts"],
            right_party_contacts=row["right_party_contacts"],
        )
        for row in rows
    }


def _promise_figures(agent_ids: list[int], day: datetime.date) -> dict:
    rows = (
        Promise.objects.filter(taken_by_id__in=agent_ids, taken_on=day)
        .values("taken_by_id")
        .annotate(promises=Count("pk"), promised_amount=Sum("amount"))
        .order_by()
    )
    return {
        row["taken_by_id"]: AgentDay(
            row["taken_by_id"],
            "",
            promises=row["promises"],
            promised_amount=row["promised_amount"] or ZERO,
        )
        for row in rows
    }


def list_queue_sizes(
    user: AbstractBaseUser, *, now: datetime.datetime | None = None
) -> list[QueueSize]:
    """Return, per supervised area, its accounts, those due now and those open.

    "Open" are the area's accounts some agent has in their console now;
    the due ones leave them out, as every agent's queue does.
    """
    now = now or timezone.now()
    live_locks = AccountLock.objects.filter(expires_at__gt=now)
    return [
        QueueSize(
            area=area,
            accounts=area_accounts([area.pk]).count(),
            due=area_queue(area, now=now).count(),
            in_use=live_locks.filter(
                account_id__in=area_accounts([area.pk]).values("pk")
            ).count(),
        )
        for area in supervised_areas(user).order_by("name")
    ]


# Accounts to move


def choose_accounts(user: AbstractBaseUser, data: dict) -> QuerySet[Account]:
    """Return the visible accounts that meet every filter of ``data``.

    The result is a plain ``pk__in`` queryset, so whoever updates the
    accounts' assignments is not tangled in the joins of the filter.
    """
    accounts = scoping.visible_accounts(user)
    if data.get("numbers"):
        accounts = accounts.filter(number__in=data["numbers"])
    if data.get("portfolio"):
        accounts = accounts.filter(portfolio=data["portfolio"])
    if data.get("stage"):
        accounts = accounts.filter(stage__slug=data["stage"])
    if data.get("state"):
        accounts = accounts.filter(_in_state(data["state"]))
    if data.get("days_from") is not None:
        accounts = accounts.filter(days_past_due__gte=data["days_from"])
    if data.get("days_to") is not None:
        accounts = accounts.filter(days_past_due__lte=data["days_to"])
    if data.get("assigned_area"):
        accounts = accounts.filter(assignment__area=data["assigned_area"])
    if data.get("assigned_agent"):
        accounts = accounts.filter(assignment__agent=data["assigned_agent"])
    if data.get("queue_of"):
        accounts = accounts.filter(pk__in=agent_accounts(data["queue_of"]).values("pk"))
    return Account.objects.filter(pk__in=accounts.values("pk"))


def _in_state(state: str) -> Q:
    # An account nobody has worked has no state row at all.
    if state == ManagementState.NOT_WORKED:
        return Q(management__isnull=True) | Q(management__state=state)
    return Q(management__state=state)
