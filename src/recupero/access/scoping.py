"""What each user may see: the one place where every read is scoped.

Every list, page, search, export and API answer starts from one of the
``visible_*`` functions. They return querysets built from subqueries, so a
scope over a million accounts stays one SQL statement.

Who sees what:

- superusers, administrators, strategy managers and back office: all;
- cashiers: every account and debtor (anyone may pay at a branch), no
  imports;
- agents and supervisors: the accounts of the portfolios of their areas,
  the accounts assigned to their areas and those assigned to them; no
  imports;
- creditor users: their own creditor's data only, imports included;
- anyone else (no membership, inactive, anonymous): nothing.
"""

import enum
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from recupero.access.models import (
    AccountAssignment,
    Membership,
    PortfolioArea,
    ProfileKind,
)
from recupero.parties.models import Debtor
from recupero.portfolios.models import (
    Account,
    Creditor,
    ImportJob,
    ImportProfile,
    Portfolio,
)

AnyUser = AbstractBaseUser | AnonymousUser

SEES_EVERY_ACCOUNT = {
    ProfileKind.ADMINISTRATOR,
    ProfileKind.STRATEGY_MANAGER,
    ProfileKind.BACK_OFFICE,
    ProfileKind.CASHIER,
}
SEES_EVERY_IMPORT = {
    ProfileKind.ADMINISTRATOR,
    ProfileKind.STRATEGY_MANAGER,
    ProfileKind.BACK_OFFICE,
}
SEES_AREAS = {ProfileKind.AGENT, ProfileKind.SUPERVISOR}

# The scope is worked out once per user object, that is once per request.
CACHE_ATTRIBUTE = "_recupero_scope"


class Reach(enum.Enum):
    NOTHING = "nothing"
    EVERYTHING = "everything"
    AREAS = "areas"
    CREDITOR = "creditor"


@dataclass(frozen=True)
class Scope:
    accounts: Reach
    imports: Reach
    user_id: int | None = None
    creditor_id: int | None = None


NO_SCOPE = Scope(accounts=Reach.NOTHING, imports=Reach.NOTHING)


def get_scope(user: AnyUser) -> Scope:
    """Return what ``user`` reaches, cached on the user object."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _work_out_scope(user)
        setattr(user, CACHE_ATTRIBUTE, cached)
    return cached


def forget_scope(user: AnyUser) -> None:
    """Drop the cached scope, after the user's membership changed."""
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def _work_out_scope(user: AnyUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return Scope(Reach.EVERYTHING, Reach.EVERYTHING, user_id=user.pk)
    membership = (
        Membership.objects.filter(user_id=user.pk)
        .values("profile", "creditor_id")
        .first()
    )
    if membership is None:
        return NO_SCOPE
    return _scope_of_profile(user.pk, membership["profile"], membership["creditor_id"])


def _scope_of_profile(user_id: int, profile: str, creditor_id: int | None) -> Scope:
    if profile == ProfileKind.CREDITOR and creditor_id is not None:
        return Scope(Reach.CREDITOR, Reach.CREDITOR, user_id, creditor_id)
    imports = Reach.EVERYTHING if profile in SEES_EVERY_IMPORT else Reach.NOTHING
    if profile in SEES_EVERY_ACCOUNT:
        return Scope(Reach.EVERYTHING, imports, user_id)
    if profile in SEES_AREAS:
        return Scope(Reach.AREAS, imports, user_id)
    return NO_SCOPE


# Subqueries of the area scope


def _area_ids(user_id: int) -> QuerySet:
    return Membership.areas.through.objects.filter(membership__user_id=user_id).values(
        "area_id"
    )


def _assigned(user_id: int) -> QuerySet[AccountAssignment]:
    return AccountAssignment.objects.filter(
        Q(area_id__in=_area_ids(user_id)) | Q(agent_id=user_id)
    )


def _area_portfolio_ids(user_id: int) -> QuerySet:
    return PortfolioArea.objects.filter(area_id__in=_area_ids(user_id)).values(
        "portfolio_id"
    )


# What each user sees


def visible_accounts(user: AnyUser) -> QuerySet[Account]:
    """Return the accounts ``user`` may see."""
    scope = get_scope(user)
    accounts = Account.objects.all()
    if scope.accounts is Reach.EVERYTHING:
        return accounts
    if scope.accounts is Reach.CREDITOR:
        return accounts.filter(creditor_id=scope.creditor_id)
    if scope.accounts is Reach.AREAS:
        assert scope.user_id is not None
        return accounts.filter(
            Q(portfolio_id__in=_area_portfolio_ids(scope.user_id))
            | Q(pk__in=_assigned(scope.user_id).values("account_id"))
        )
    return accounts.none()


def visible_portfolios(user: AnyUser) -> QuerySet[Portfolio]:
    """Return the portfolios ``user`` may see.

    An agent sees the portfolios of their areas and those that hold an
    account assigned to them or to their areas; the portfolio's figures
    still count only the accounts they see.
    """
    scope = get_scope(user)
    portfolios = Portfolio.objects.all()
    if scope.accounts is Reach.EVERYTHING:
        return portfolios
    if scope.accounts is Reach.CREDITOR:
        return portfolios.filter(creditor_id=scope.creditor_id)
    if scope.accounts is Reach.AREAS:
        assert scope.user_id is not None
        assigned = _assigned(scope.user_id).values("account__portfolio_id")
        return portfolios.filter(
            Q(pk__in=_area_portfolio_ids(scope.user_id)) | Q(pk__in=assigned)
        )
    return portfolios.none()


def visible_creditors(user: AnyUser) -> QuerySet[Creditor]:
    """Return the creditors of whom ``user`` sees something."""
    scope = get_scope(user)
    creditors = Creditor.objects.all()
    if scope.accounts is Reach.EVERYTHING:
        return creditors
    if scope.accounts is Reach.CREDITOR:
        return creditors.filter(pk=scope.creditor_id)
    if scope.accounts is Reach.AREAS:
        return creditors.filter(pk__in=visible_portfolios(user).values("creditor_id"))
    return creditors.none()


def visible_debtors(user: AnyUser) -> QuerySet[Debtor]:
    """Return the debtors that owe at least one account ``user`` sees.

    A debtor may owe to several creditors: seeing the debtor does not show
    the other creditors' accounts, which ``visible_accounts`` still hides.
    """
    scope = get_scope(user)
    if scope.accounts is Reach.EVERYTHING:
        return Debtor.objects.all()
    if scope.accounts is Reach.NOTHING:
        return Debtor.objects.none()
    return Debtor.objects.filter(pk__in=visible_accounts(user).values("debtor_id"))


def visible_import_jobs(user: AnyUser) -> QuerySet[ImportJob]:
    """Return the imports ``user`` may see: back office's and creditors' own."""
    scope = get_scope(user)
    if scope.imports is Reach.EVERYTHING:
        return ImportJob.objects.all()
    if scope.imports is Reach.CREDITOR:
        return ImportJob.objects.filter(creditor_id=scope.creditor_id)
    return ImportJob.objects.none()


def visible_import_profiles(user: AnyUser) -> QuerySet[ImportProfile]:
    """Return the import profiles ``user`` may see, as for imports."""
    scope = get_scope(user)
    if scope.imports is Reach.EVERYTHING:
        return ImportProfile.objects.all()
    if scope.imports is Reach.CREDITOR:
        return ImportProfile.objects.filter(creditor_id=scope.creditor_id)
    return ImportProfile.objects.none()


def can_open_account(user: AnyUser, account: Account) -> bool:
    return visible_accounts(user).filter(pk=account.pk).exists()


def can_open_debtor(user: AnyUser, debtor: Debtor) -> bool:
    return visible_debtors(user).filter(pk=debtor.pk).exists()
