"""Reads of the API: scoped querysets and their JSON shapes.

Every queryset here starts from ``recupero.access.scoping``; an object
outside the caller's scope is answered exactly as one that does not exist.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from recupero.access import scoping
from recupero.api.errors import not_found
from recupero.collections.models import (
    AccountState,
    Activity,
    ActivityAccount,
    Attachment,
    Promise,
)
from recupero.collections.states import ManagementState
from recupero.parties.models import ContactPoint, Debtor
from recupero.parties.queries import debtors_with_phone, debtors_with_tax_id
from recupero.portfolios import listing
from recupero.portfolios.listing import NUMBER_SEPARATORS, plain, plain_text
from recupero.portfolios.models import Account

AnyUser = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)
Shape = Callable[[list[Any]], Iterable[dict[str, Any]]]


def get_visible(queryset: QuerySet[M], pk: int) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def page(queryset: QuerySet, limit: int, offset: int, shape: Shape) -> dict[str, Any]:
    """Return one page of ``queryset`` (already ordered), rows in ``shape``."""
    rows = list(queryset[offset : offset + limit])
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(shape(rows)),
    }


def each(shape: Callable[[Any], dict[str, Any]]) -> Shape:
    return lambda rows: [shape(row) for row in rows]


# -- debtors -------------------------------------------------------------------


def search_debtors(user: AnyUser, text: str) -> QuerySet[Debtor]:
    """Return the visible debtors whose name, CUIT/DNI or phone match ``text``.

    Every word of a name must appear, accents and case aside; digits are
    also looked for as a CUIT/CUIL or DNI and as a phone, as written.
    """
    debtors = scoping.visible_debtors(user)
    text = text.strip()
    if text:
        debtors = debtors.annotate(plain_name=plain_text("name")).filter(
            _debtor_matching(text)
        )
    return debtors.order_by("name", "id")


def _debtor_matching(text: str) -> Q:
    match = Q()
    for word in plain(text).split():
        match &= Q(plain_name__contains=word)
    compact = NUMBER_SEPARATORS.sub("", text)
    if compact.isdigit():
        for extra in (debtors_with_tax_id(compact), debtors_with_phone(text)):
            if extra is not None:
                match |= extra
    return match


def debtor_out(debtor: Debtor) -> dict[str, Any]:
    return {
        "id": debtor.pk,
        "name": debtor.name,
        "kind": debtor.kind,
        "cuit": debtor.cuit,
        "dni": debtor.dni,
        "identity_status": debtor.identity_status,
    }


def debtor_contact_points(debtor: Debtor) -> QuerySet[ContactPoint]:
    return debtor.contact_points.order_by("kind", "id")


def contact_point_out(point: ContactPoint) -> dict[str, Any]:
    return {
        "id": point.pk,
        "kind": point.kind,
        "raw": point.raw,
        "value": point.value,
        "phone_type": point.phone_type,
        "status": point.status,
        "issue": point.issue,
        "source": point.source,
        "related_person_id": point.related_person_id,
        "created_at": point.created_at,
    }


def debtor_detail(user: AnyUser, debtor: Debtor) -> dict[str, Any]:
    points = list(debtor_contact_points(debtor))
    persons = debtor.related_persons.order_by("relation", "name", "id")
    accounts = accounts_of(user).filter(debtor=debtor)
    return {
        **debtor_out(debtor),
        "contact_points": [
            contact_point_out(p) for p in points if p.related_person_id is None
        ],
        "related_persons": [
            {
                "id": person.pk,
                "relation": person.relation,
                "name": person.name,
                "contact_points": [
                    contact_point_out(p)
                    for p in points
                    if p.related_person_id == person.pk
                ],
            }
            for person in persons
        ],
        "accounts": [account_out(account) for account in accounts],
    }


def get_contact_point(user: AnyUser, pk: int) -> ContactPoint:
    """Return the contact point if its debtor is visible to ``user``."""
    points = ContactPoint.objects.filter(
        debtor__in=scoping.visible_debtors(user).values("pk")
    )
    return get_visible(points, pk)


# -- accounts ------------------------------------------------------------------


def accounts_of(user: AnyUser) -> QuerySet[Account]:
    """Return the visible accounts, ordered by creditor and number."""
    return (
        scoping.visible_accounts(user)
        .select_related("creditor", "portfolio", "debtor", "stage", "management")
        .order_by("creditor__code", "creditor_id", "number", "id")
    )


def with_state(accounts: QuerySet[Account], state: str) -> QuerySet[Account]:
    # An account never worked has no state row yet.
    if state == ManagementState.NOT_WORKED:
        return accounts.filter(Q(management__isnull=True) | Q(management__state=state))
    return accounts.filter(management__state=state)


def account_out(account: Account) -> dict[str, Any]:
    state = _state_of(account)
    return {
        "id": account.pk,
        "number": account.number,
        "creditor_id": account.creditor_id,
        "creditor_code": account.creditor.code,
        "portfolio_id": account.portfolio_id,
        "portfolio_code": account.portfolio.code,
        "debtor_id": account.debtor_id,
        "debtor_name": account.debtor.name,
        "product": account.product,
        "currency": account.currency,
        "capital": account.capital,
        "interest": account.interest,
        "fees": account.fees,
        "balance": account.capital + account.interest + account.fees,
        "balance_as_of": account.balance_as_of,
        "due_date": account.due_date,
        "days_past_due": account.days_past_due,
        "stage": (
            {"slug": account.stage.slug, "name": account.stage.name}
            if account.stage
            else None
        ),
        "is_legal": account.is_legal,
        "management_state": state.state if state else ManagementState.NOT_WORKED,
        "next_attempt_on": state.next_attempt_on if state else None,
    }


def _state_of(account: Account) -> AccountState | None:
    try:
        return account.management  # type: ignore[attr-defined]
    except AccountState.DoesNotExist:
        return None


# -- activities ----------------------------------------------------------------


def activities_on(user: AnyUser, accounts: QuerySet[Account]) -> QuerySet[Activity]:
    """Return the activities on any of ``accounts``, newest first.

    ``accounts`` must already be scoped: an activity is shown because one
    of its accounts is visible, and lists only the visible ones.
    """
    links = ActivityAccount.objects.filter(account__in=accounts.values("pk"))
    return (
        Activity.objects.filter(pk__in=links.values("activity_id"))
        .select_related("user", "result_code")
        .order_by("-started_at", "-id")
    )


def activity_shape(user: AnyUser) -> Shape:
    """Return the shaper of activities that names only visible accounts."""

    def shape(activities: list[Activity]) -> list[dict[str, Any]]:
        links = ActivityAccount.objects.filter(
            activity__in=activities,
            account__in=scoping.visible_accounts(user).values("pk"),
        ).order_by("account_id")
        accounts: dict[int, list[int]] = {}
        for activity_id, account_id in links.values_list("activity_id", "account_id"):
            accounts.setdefault(activity_id, []).append(account_id)
        files = attachments_of(activities)
        return [
            activity_out(a, accounts.get(a.pk, []), files.get(a.pk, []))
            for a in activities
        ]

    return shape


def attachments_of(activities: list[Activity]) -> dict[int, list[dict[str, Any]]]:
    """Return the attachments of ``activities`` by activity id, in one query."""
    found: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Attachment.objects.filter(activity__in=activities)
        .order_by("activity_id", "id")
        .values("activity_id", "id", "kind", "name", "size")
    )
    for row in rows:
        found.setdefault(row.pop("activity_id"), []).append(row)
    return found


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    # Never the stored path: it is the server's business, and a download
    # goes through the API, which checks who asks.
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "name": attachment.name,
        "size": attachment.size,
    }


def activity_out(
    activity: Activity,
    account_ids: list[int],
    attachments: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "debtor_id": activity.debtor_id,
        "account_ids": account_ids,
        "user": activity.user.get_username() if activity.user else None,
        "channel": activity.channel,
        "result_code": activity.result_code.code,
        "contact_point_id": activity.contact_point_id,
        "contact_value": activity.contact_value,
        "reason": activity.reason,
        "note": activity.note,
        "started_at": activity.started_at,
        "ended_at": activity.ended_at,
        "occurred_on": activity.occurred_on,
        "next_attempt_on": activity.next_attempt_on,
        "attachments": attachments,
    }


def promise_out(promise: Promise) -> dict[str, Any]:
    return {
        "id": promise.pk,
        "account_id": promise.account_id,
        "activity_id": promise.activity_id,
        "amount": promise.amount,
        "due_on": promise.due_on,
        "grace_days": promise.grace_days,
        "deadline": promise.deadline,
        "channel": promise.channel,
        "taken_on": promise.taken_on,
        "status": promise.status,
        "paid_amount": promise.paid_amount,
        "outstanding": promise.outstanding,
    }


# -- accounts search -------------------------------------------------------------


def search_accounts(user: AnyUser, text: str) -> QuerySet[Account]:
    """Return the visible accounts found by ``text``, as the web search does."""
    found = listing.search_accounts(user, text=text)
    return found.select_related("management").order_by(
        "creditor__code", "creditor_id", "number", "id"
    )
