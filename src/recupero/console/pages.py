"""Reads of the agent console: the queue page and the account's 360° page.

Everything starts from ``recupero.access.scoping``; the 360° page is a
fixed number of queries whatever the length of the debtor's history.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from recupero.access import scoping
from recupero.collections.models import (
    AccountState,
    Activity,
    Channel,
    NonPaymentReason,
    Promise,
    PromiseStatus,
    ResultCode,
    StateChange,
)
from recupero.collections.states import ManagementState
from recupero.console.actions import lock_holder
from recupero.console.models import AccountLock
from recupero.console.queue import agent_queue
from recupero.parties.models import ContactKind, ContactPoint, RelatedPerson, Source
from recupero.portfolios.models import Account

# The timeline shows the latest entries; older ones are in the admin.
TIMELINE_LENGTH = 100
QUEUE_PAGE = 50
# The queue page counts the due accounts up to this many and says "1.000+"
# beyond: an exact count of a book of a million is a read of the whole
# book on every page load, and nobody works through a thousand today.
QUEUE_COUNT_CAP = 1000
# Channels an agent records by hand; the system's own channels (a letter
# run, a message) are recorded by the runs that send them.
AGENT_CHANNELS = [
    Channel.OUTBOUND_CALL,
    Channel.INBOUND_CALL,
    Channel.WHATSAPP,
    Channel.SMS,
    Channel.EMAIL,
    Channel.FIELD_VISIT,
]


@dataclass
class QueuePage:
    accounts: list[Account]
    # The accounts due, counted up to QUEUE_COUNT_CAP; ``more`` when there
    # are more than that.
    due: int
    open_account: Account | None
    more: bool = False


def get_queue_page(user: AbstractBaseUser) -> QueuePage:
    """Return the head of ``user``'s queue, its size and their open account.

    The size is exact up to ``QUEUE_COUNT_CAP`` accounts.
    """
    queue = agent_queue(user)
    head = list(
        queue.select_related("debtor", "stage", "creditor", "management")[:QUEUE_PAGE]
    )
    held = (
        AccountLock.objects.filter(user=user).select_related("account__debtor").first()
    )
    # COUNT over "LIMIT cap + 1": the database stops at the first cap + 1.
    due = queue.order_by()[: QUEUE_COUNT_CAP + 1].count()
    return QueuePage(
        accounts=head,
        due=min(due, QUEUE_COUNT_CAP),
        open_account=held.account if held else None,
        more=due > QUEUE_COUNT_CAP,
    )


def get_account(user: AbstractBaseUser, account_id: int) -> Account:
    """Return the account if ``user`` may see it, else raise Http404."""
    accounts = scoping.visible_accounts(user).select_related(
        "debtor", "creditor", "portfolio", "stage"
    )
    return get_object_or_404(accounts, pk=account_id)


@dataclass
class TimelineEntry:
    at: datetime.datetime
    activity: Activity | None = None
    change: StateChange | None = None


@dataclass
class AccountPage:
    account: Account
    state: AccountState
    lock: AccountLock | None
    held_by_user: bool
    other_accounts: list[Account]
    contact_points: list[ContactPoint]
    related_persons: list[RelatedPerson]
    promises: list[Promise]
    timeline: list[TimelineEntry]
    result_codes: list[ResultCode]
    channels: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[tuple[str, str]] = field(default_factory=list)
    contact_kinds: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    promised: Decimal = Decimal("0.00")


def get_account_page(user: AbstractBaseUser, account: Account) -> AccountPage:
    """Return what the agent sees while working ``account``.

    The debtor's other accounts are those with the same creditor that the
    user may see: a call about one creditor's debt never shows another's.
    """
    state = AccountState.objects.filter(account=account).first() or AccountState(
        account=account, state=ManagementState.NOT_WORKED
    )
    lock = lock_holder(account)
    siblings = (
        _debtors_visible_accounts(user, account)
        .exclude(pk=account.pk)
        .select_related("stage", "management")
        .order_by("number")
    )
    promises = list(account.promises.order_by("-taken_on", "-pk")[:10])
    return AccountPage(
        account=account,
        state=state,
        lock=lock,
        held_by_user=lock is not None and lock.user_id == user.pk,
        other_accounts=list(siblings),
        contact_points=_contact_points(account),
        related_persons=list(account.debtor.related_persons.order_by("name")),
        promises=promises,
        timeline=_timeline(user, account),
        result_codes=list(ResultCode.objects.filter(is_active=True)),
        channels=[(c.value, c.label) for c in AGENT_CHANNELS],
        reasons=list(NonPaymentReason.choices),
        contact_kinds=list(ContactKind.choices),
        sources=[(s.value, s.label) for s in Source if s != Source.CREDITOR_FILE],
        promised=sum(
            (p.amount for p in promises if p.status == PromiseStatus.PENDING),
            Decimal(0),
        ),
    )


def _debtors_visible_accounts(user: AbstractBaseUser, account: Account) -> QuerySet:
    """Return the accounts of ``account``'s debtor and creditor ``user`` sees.

    Only the debtor is asked of the table; the creditor and the scope are
    asked of each of the debtor's accounts, by primary key. Beside them,
    SQLite would read the creditor's million accounts (the ORs of IN (…)
    of the scope, or the creditor's index) instead of the debtor's few.
    """
    visible = scoping.visible_accounts(user).filter(
        pk=OuterRef("pk"), creditor_id=account.creditor_id
    )
    return Account.objects.filter(Exists(visible), debtor_id=account.debtor_id)


def _contact_points(account: Account) -> list[ContactPoint]:
    # The debtor's own first, phones before e-mails before addresses, then
    # those of related persons under their names.
    return list(
        ContactPoint.objects.filter(debtor_id=account.debtor_id)
        .select_related("related_person")
        .order_by("related_person_id", "kind", "pk")
    )


def _timeline(user: AbstractBaseUser, account: Account) -> list[TimelineEntry]:
    """Return the debtor's activities with this creditor and the state changes.

    Activities on several accounts (a call about all of them) show once;
    only activities on accounts the user may see are listed.
    """
    visible = _debtors_visible_accounts(user, account)
    activities = (
        Activity.objects.filter(
            creditor_id=account.creditor_id,
            debtor_id=account.debtor_id,
            account_links__account__in=visible,
        )
        .distinct()
        .select_related("result_code", "user", "contact_point")
        .prefetch_related(
            Prefetch("promises", queryset=Promise.objects.order_by("pk")),
            "attachments",
        )
        .order_by("-started_at", "-pk")[:TIMELINE_LENGTH]
    )
    changes = StateChange.objects.filter(account=account).order_by(
        "-changed_at", "-pk"
    )[:TIMELINE_LENGTH]
    entries = [TimelineEntry(at=a.started_at, activity=a) for a in activities]
    entries += [TimelineEntry(at=c.changed_at, change=c) for c in changes]
    # A state change and the activity that caused it share their instant;
    # the change is listed above it, as its consequence.
    entries.sort(key=lambda e: (e.at, e.change is not None), reverse=True)
    return entries[:TIMELINE_LENGTH]
