"""Reads of creditors, accounts and imports for the screens.

Every read starts from one of the ``visible_*`` functions, which are
``recupero.access.scoping``'s: the one place where reads are scoped.
``queries.stage_summary`` holds the stage totals; this module holds what
only the screens need.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Func, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.shortcuts import get_object_or_404

from recupero.access import scoping
from recupero.parties.models import Debtor
from recupero.parties.queries import debtors_with_phone, debtors_with_tax_id
from recupero.portfolios.models import (
    Account,
    BalanceSnapshot,
    Creditor,
    ImportIssue,
    ImportJob,
    ImportProfile,
    Portfolio,
    Stage,
)
from recupero.portfolios.queries import UNSTAGED, balance_in_cents, cents_to_money

AnyUser = AbstractBaseUser | AnonymousUser

# What people write between the digits of a number, CUIT or phone.
NUMBER_SEPARATORS = re.compile(r"[\s\-./()+]")
# Accented letters of Spanish names and what they are searched as. Listed
# in both cases because SQLite's lower() only knows ASCII letters.
PLAIN_LETTERS = {
    "á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u", "ñ": "n",
    "Á": "a", "É": "e", "Í": "i", "Ó": "o", "Ú": "u", "Ü": "u", "Ñ": "n",
}  # fmt: skip


visible_creditors = scoping.visible_creditors
visible_accounts = scoping.visible_accounts
visible_imports = scoping.visible_import_jobs
visible_profiles = scoping.visible_import_profiles
visible_portfolios = scoping.visible_portfolios


# Accounts


def search_accounts(
    user: AnyUser,
    *,
    text: str = "",
    creditor: Creditor | None = None,
    portfolio: Portfolio | None = None,
    stage: str = "",
) -> QuerySet[Account]:
    """Return the accounts found by one search box and the filters.

    ``text`` finds an account by number (exact or prefix), debtor name
    (contains, any case), CUIT/CUIL or DNI (separators ignored) and phone
    (any written form). ``stage`` is a stage slug, the same across
    creditors, or ``UNSTAGED``.
    """
    accounts = visible_accounts(user)
    if creditor is not None:
        accounts = accounts.filter(creditor=creditor)
    if portfolio is not None:
        accounts = accounts.filter(portfolio=portfolio)
    if stage == UNSTAGED:
        accounts = accounts.filter(stage=None)
    elif stage:
        accounts = accounts.filter(stage__slug=stage)
    text = text.strip()
    if text:
        accounts = accounts.annotate(
            debtor_plain_name=plain_text("debtor__name")
        ).filter(_matching(text))
    return accounts.select_related("creditor", "portfolio", "debtor", "stage").order_by(
        "creditor__name", "creditor_id", "number"
    )


def _matching(text: str) -> Q:
    # A prefix match on the number also finds the exact number.
    match = Q(number__istartswith=text) | _name_matching(text)
    compact = NUMBER_SEPARATORS.sub("", text)
    if compact.isdigit():
        if compact != text:
            match |= Q(number__istartswith=compact)
        for extra in (
            debtors_with_tax_id(compact, via="debtor__"),
            debtors_with_phone(text, via="debtor__"),
        ):
            if extra is not None:
                match |= extra
    return match


def _name_matching(text: str) -> Q:
    """Match names holding every word of ``text``, in any order and case.

    Accents do not count, so ``perez juan`` finds ``Pérez, Juan``.
    """
    match = Q()
    for word in plain(text).split():
        match &= Q(debtor_plain_name__contains=word)
    return match


def plain(text: str) -> str:
    """Return ``text`` in lower case without accents, as names are searched."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def plain_text(field: str) -> Func:
    """Return the database expression of ``plain`` over a text column."""
    expression: F | Func = F(field)
    for letter, replacement in PLAIN_LETTERS.items():
        expression = Replace(expression, Value(letter), Value(replacement))
    return Lower(expression)


def list_search_choices(user: AnyUser) -> tuple[list[Creditor], list[Portfolio]]:
    """Return the creditors and portfolios offered as filters."""
    creditors = list(visible_creditors(user).order_by("name"))
    portfolios = list(
        visible_portfolios(user)
        .select_related("creditor")
        .order_by("creditor__name", "name")
    )
    return creditors, portfolios


def list_stage_choices(user: AnyUser) -> list[tuple[str, str]]:
    """Return (slug, name) of every stage, one per slug, in stage order."""
    seen: dict[str, str] = {}
    for slug, name in (
        Stage.objects.filter(creditor__in=visible_creditors(user))
        .order_by("position", "slug")
        .values_list("slug", "name")
    ):
        seen.setdefault(slug, name)
    return list(seen.items())


def list_debtor_accounts(user: AnyUser, debtor: Debtor) -> list[Account]:
    """Return the debtor's accounts with every creditor, history newest first."""
    history = BalanceSnapshot.objects.order_by("-as_of")
    return list(
        visible_accounts(user)
        .filter(debtor=debtor)
        .select_related("creditor", "portfolio", "stage")
        .prefetch_related(Prefetch("balance_history", queryset=history))
        .order_by("creditor__name", "number")
    )


# Home page


@dataclass
class StageCell:
    accounts: int = 0
    balance: Decimal = Decimal("0.00")


@dataclass
class PortfolioRow:
    portfolio_id: int
    name: str
    code: str
    cells: dict[str, StageCell] = field(default_factory=dict)

    def cells_in(self, slugs: list[str]) -> list[StageCell]:
        return [self.cells.get(slug, StageCell()) for slug in slugs]

    @property
    def accounts(self) -> int:
        return sum(cell.accounts for cell in self.cells.values())

    @property
    def balance(self) -> Decimal:
        return sum((cell.balance for cell in self.cells.values()), Decimal("0.00"))


def portfolio_breakdown(user: AnyUser) -> dict[int, list[PortfolioRow]]:
    """Return, per creditor id, each portfolio's accounts and balance by stage.

    One aggregate query over all accounts; cells are keyed by stage slug
    (``UNSTAGED`` for accounts the cycle has not placed yet).
    """
    totals = (
        visible_accounts(user)
        .values(
            "creditor_id",
            "portfolio_id",
            "portfolio__name",
            "portfolio__code",
            "stage__slug",
        )
        .annotate(accounts=Count("id"), cents=balance_in_cents())
        .order_by("creditor_id", "portfolio__name", "portfolio_id")
    )
    rows: dict[int, PortfolioRow] = {}
    by_creditor: dict[int, list[PortfolioRow]] = {}
    for total in totals:
        row = rows.get(total["portfolio_id"])
        if row is None:
            row = rows[total["portfolio_id"]] = PortfolioRow(
                total["portfolio_id"],
                total["portfolio__name"],
                total["portfolio__code"],
            )
            by_creditor.setdefault(total["creditor_id"], []).append(row)
        row.cells[total["stage__slug"] or UNSTAGED] = StageCell(
            total["accounts"], cents_to_money(total["cents"])
        )
    return by_creditor


# Imports


def list_imports(user: AnyUser) -> QuerySet[ImportJob]:
    return visible_imports(user).select_related("creditor", "profile", "portfolio")


def get_import_job(user: AnyUser, job_id: int) -> ImportJob:
    """Return the import if ``user`` may see it, else raise Http404."""
    return get_object_or_404(
        visible_imports(user).select_related(
            "creditor", "profile", "portfolio", "duplicate_of"
        ),
        pk=job_id,
    )


def list_first_issues(job: ImportJob, limit: int = 200) -> list[ImportIssue]:
    return list(job.issues.order_by("line", "id")[:limit])


def iter_issues(job: ImportJob) -> Iterator[ImportIssue]:
    """Yield every issue of the import in file order without loading them all."""
    return job.issues.order_by("line", "id").iterator(chunk_size=2000)


def list_profiles(user: AnyUser) -> QuerySet[ImportProfile]:
    return (
        visible_profiles(user)
        .select_related("creditor")
        .order_by("creditor__name", "name")
    )


def get_import_profile(user: AnyUser, profile_id: int) -> ImportProfile:
    """Return the profile if ``user`` may see it, else raise Http404."""
    return get_object_or_404(
        visible_profiles(user).select_related("creditor"), pk=profile_id
    )
