"""Writes of the agent console: taking, keeping and handing back accounts.

An agent works one account at a time. "Next account" hands back the one
they had and locks the first due account of their queue that nobody else
holds; opening an account by its page locks it too when it is free, and
hands back the one they had. A
result is registered only by the agent who holds the account, so two
agents never record on the same account at once.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recupero.collections.actions import (
    covered_accounts,
    get_result_code,
    register_activity,
)
from recupero.collections.models import Activity
from recupero.console.models import AccountLock
from recupero.console.queue import agent_queue
from recupero.portfolios.models import Account

logger = logging.getLogger(__name__)

# Long enough for a call and its notes; short enough that an account left
# open in a closed browser is back in the queue within the hour.
LOCK_DURATION = datetime.timedelta(minutes=20)
# How many accounts of the head of the queue are tried when others are
# taking the same ones at the same moment, and how many times the head is
# read again once others' locks are committed.
CANDIDATES = 25
ROUNDS = 8

LOCKED_BY_ANOTHER = "account_locked"


def lock_holder(account: Account, *, now: datetime.datetime | None = None):
    """Return the lock another agent may hold on ``account``, or None."""
    now = now or timezone.now()
    return (
        AccountLock.objects.filter(account=account, expires_at__gt=now)
        .select_related("user")
        .first()
    )


def check_not_held_by_another(
    user: AbstractBaseUser, account: Account, **activity_fields
) -> None:
    """Raise ``ValidationError`` (``account_locked``) if another agent holds
    ``account``, or another account the activity would cover.

    ``activity_fields`` are those of ``register_activity``: with
    ``all_debtor_accounts`` (or a code that always covers them, deceased)
    the debtor's other accounts count too. For writes that come from
    outside the console, such as a dialer through the API, this is the
    whole check: they take no hold, but do not write over an agent's work.
    """
    accounts = [account.pk]
    if "code" in activity_fields:
        accounts = covered_accounts(
            account,
            get_result_code(activity_fields["code"]),
            activity_fields.get("all_debtor_accounts", False),
            user,
        )
    holder = (
        AccountLock.objects.filter(
            account_id__in=accounts, expires_at__gt=timezone.now()
        )
        .exclude(user_id=user.pk)
        .select_related("user")
        .order_by("account_id")
        .first()
    )
    if holder is not None:
        _refuse_held(holder)


@transaction.atomic
def take_next_account(
    user: AbstractBaseUser, *, now: datetime.datetime | None = None
) -> Account | None:
    """Hand back ``user``'s accounts and lock the next one of their queue.

    Return None when the queue is empty. When another agent takes the same
    account at the same instant, one insert of the lock fails and that
    agent goes on to the following account; when a crowd took the whole
    head at once, the head is read again. The same agent asking twice at
    once (a double click) waits for the first answer, so it never holds
    two accounts.
    """
    now = now or timezone.now()
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    _drop_expired(now)
    AccountLock.objects.filter(user=user).delete()

    for _round in range(ROUNDS):
        head = list(
            agent_queue(user, now=now).values_list("pk", flat=True)[:CANDIDATES]
        )
        if not head:
            return None
        for account_id in head:
            if _try_lock(account_id, user, now):
                logger.info(
                    "account %s taken from the queue by user %s",
                    account_id,
                    user.pk,
                    extra={"account_id": account_id, "user_id": user.pk},
                )
                return Account.objects.get(pk=account_id)
    return None


@transaction.atomic
def open_account(
    user: AbstractBaseUser, account: Account, *, now: datetime.datetime | None = None
) -> AccountLock | None:
    """Lock ``account`` to ``user`` if nobody else holds it.

    Return the lock ``user`` now holds, or None when another agent has the
    account open (the page then shows who, and registers nothing). Any
    other account ``user`` held goes back to the queue: one account at a
    time, so browsing from page to page never hoards accounts.
    """
    now = now or timezone.now()
    _drop_expired(now)
    AccountLock.objects.filter(user=user).exclude(account=account).delete()
    expires_at = now + LOCK_DURATION
    extended = AccountLock.objects.filter(account=account, user=user).update(
        expires_at=expires_at
    )
    if extended or _try_lock(account.pk, user, now):
        return AccountLock.objects.get(account=account)
    return None


@transaction.atomic
def release_account(user: AbstractBaseUser, account: Account) -> bool:
    """Hand ``account`` back to the queue; return whether ``user`` held it."""
    deleted, _rows = AccountLock.objects.filter(account=account, user=user).delete()
    return bool(deleted)


@transaction.atomic
def record_result(
    user: AbstractBaseUser, account: Account, **activity_fields
) -> Activity:
    """Register an activity on ``account`` for the agent who holds it.

    Takes the fields of ``collections.actions.register_activity``. Raise
    ``ValidationError`` (code ``account_locked``) when another agent has
    the account open; otherwise the agent's hold is extended.
    """
    if open_account(user, account) is None:
        _refuse_held(lock_holder(account))
    check_not_held_by_another(user, account, **activity_fields)
    return register_activity(account=account, user=user, **activity_fields)


def _refuse_held(holder: AccountLock | None) -> None:
    raise ValidationError(
        _("Another agent (%(agent)s) is working this account."),
        code=LOCKED_BY_ANOTHER,
        params={"agent": _agent_name(holder.user) if holder else "?"},
    )


def _try_lock(account_id: int, user: AbstractBaseUser, now: datetime.datetime) -> bool:
    try:
        with transaction.atomic():
            AccountLock.objects.create(
                account_id=account_id,
                user=user,
                locked_at=now,
                expires_at=now + LOCK_DURATION,
            )
    except IntegrityError:
        return False
    return True


def _drop_expired(now: datetime.datetime) -> None:
    AccountLock.objects.filter(expires_at__lte=now).delete()


def _agent_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()
