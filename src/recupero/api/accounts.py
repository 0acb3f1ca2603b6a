"""Accounts, the activities and promises on them, and the result codes."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Status

from recupero.api import reading
from recupero.api.errors import ApiError, validation_body
from recupero.api.permissions import require
from recupero.api.schemas import (
    AccountOut,
    ActivityIn,
    ActivityOut,
    ActivityRegistered,
    Error,
    Id,
    Page,
    Paging,
    PromiseIn,
    PromiseOut,
    ResultCodeOut,
    Text,
)
from recupero.collections.actions import (
    PromiseTerms,
    get_account_state,
    register_activity,
    register_promise,
)
from recupero.collections.errors import ErrorCode as CollectionsError
from recupero.collections.models import Promise, ResultCode
from recupero.collections.states import ManagementState
from recupero.console.actions import LOCKED_BY_ANOTHER, check_not_held_by_another
from recupero.parties.models import ContactPoint
from recupero.portfolios.models import Account

router = Router(tags=["accounts"])

# A reporting system's clock may run a little ahead of ours; beyond this, a
# time in the future is a mistake, and it would push the account's state
# and next attempt into a future nobody has seen yet.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class AccountSearch(Paging):
    q: Text = Field(
        "",
        max_length=100,
        description="Account number (or its start), debtor name, CUIT/DNI, phone.",
    )
    creditor: Id | None = None
    portfolio: Id | None = None
    stage: Text = Field("", max_length=40, description="Stage slug.")
    state: ManagementState | None = Field(None, description="Management state.")


def _account(request: HttpRequest, account_id: int) -> Account:
    return reading.get_visible(reading.accounts_of(request.user), account_id)


@router.get("/accounts", response={200: Page[AccountOut], 422: Error})
def list_accounts(request: HttpRequest, search: Query[AccountSearch]) -> dict[str, Any]:
    accounts = reading.search_accounts(request.user, search.q)
    if search.creditor is not None:
        accounts = accounts.filter(creditor_id=search.creditor)
    if search.portfolio is not None:
        accounts = accounts.filter(portfolio_id=search.portfolio)
    if search.stage:
        accounts = accounts.filter(stage__slug=search.stage)
    if search.state is not None:
        accounts = reading.with_state(accounts, search.state)
    return reading.page(
        accounts, search.limit, search.offset, reading.each(reading.account_out)
    )


@router.get("/accounts/{account_id}", response={200: AccountOut, 404: Error})
def get_account(request: HttpRequest, account_id: Path[Id]) -> dict[str, Any]:
    return reading.account_out(_account(request, account_id))


@router.get(
    "/accounts/{account_id}/activities",
    response={200: Page[ActivityOut], 404: Error, 422: Error},
)
def list_account_activities(
    request: HttpRequest, account_id: Path[Id], paging: Query[Paging]
) -> dict[str, Any]:
    account = _account(request, account_id)
    one = Account.objects.filter(pk=account.pk)
    return reading.page(
        reading.activities_on(request.user, one),
        paging.limit,
        paging.offset,
        reading.activity_shape(request.user),
    )


@router.post(
    "/accounts/{account_id}/activities",
    response={201: ActivityRegistered, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Register an activity and apply its result",
)
def add_activity(
    request: HttpRequest, account_id: Path[Id], payload: ActivityIn
) -> Status[dict[str, Any]]:
    require(request, "collections.add_activity")
    account = _account(request, account_id)
    _check_not_future(payload)
    code = _result_code(payload.result_code)
    if payload.promise is not None and not code.requires_promise:
        raise ApiError(
            400,
            "promise_not_expected",
            _("This result code takes no promise."),
            field="promise",
        )
    promise = None
    if payload.promise is not None:
        promise = PromiseTerms(payload.promise.amount, payload.promise.due_on)
    _check_not_held(
        request, account, code=code, all_debtor_accounts=payload.all_debtor_accounts
    )
    activity = register_activity(
        account=account,
        code=code,
        channel=payload.channel,
        user=request.user,
        contact_point=_contact_point(account, payload.contact_point_id),
        all_debtor_accounts=payload.all_debtor_accounts,
        note=payload.note,
        promise=promise,
        reason=payload.reason or "",
        started_at=payload.started_at,
        ended_at=payload.ended_at,
    )
    [shaped] = reading.activity_shape(request.user)([activity])
    return Status(201, {**shaped, "management_state": get_account_state(account)})


def _check_not_future(payload: ActivityIn) -> None:
    latest = timezone.now() + CLOCK_SKEW
    for field in ("started_at", "ended_at"):
        moment = getattr(payload, field)
        if moment is not None and moment > latest:
            raise ApiError(
                400,
                "activity_in_future",
                _("An activity cannot be reported before it happens."),
                field=field,
            )


def _check_not_held(
    request: HttpRequest, account: Account, **activity_fields: Any
) -> None:
    # An integration takes no hold of its own, but an agent's open account
    # is theirs until they close it.
    try:
        check_not_held_by_another(request.user, account, **activity_fields)
    except DjangoValidationError as held:
        message = validation_body(held)["message"]
        raise ApiError(409, LOCKED_BY_ANOTHER, message) from None


def _result_code(code: str) -> ResultCode:
    found = ResultCode.objects.filter(code=code).first()
    if found is None:
        raise ApiError(
            400,
            "result_code_unknown",
            _("There is no result code %(code)s.") % {"code": code},
            field="result_code",
        )
    return found


def _contact_point(account: Account, pk: int | None) -> ContactPoint | None:
    if pk is None:
        return None
    # Another debtor's contact point and one that does not exist get the
    # same answer, so that ids of other creditors' debtors are not probed.
    found = ContactPoint.objects.filter(pk=pk, debtor_id=account.debtor_id).first()
    if found is None:
        raise ApiError(
            400,
            CollectionsError.CONTACT_POINT_OF_OTHER_DEBTOR,
            _("The contact point is not one of this debtor's."),
            field="contact_point_id",
        )
    return found


@router.get(
    "/accounts/{account_id}/promises",
    response={200: Page[PromiseOut], 404: Error, 422: Error},
)
def list_promises(
    request: HttpRequest, account_id: Path[Id], paging: Query[Paging]
) -> dict[str, Any]:
    account = _account(request, account_id)
    promises = Promise.objects.filter(account=account).order_by("-taken_on", "-id")
    return reading.page(
        promises, paging.limit, paging.offset, reading.each(reading.promise_out)
    )


@router.post(
    "/accounts/{account_id}/promises",
    response={201: PromiseOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Register a promise to pay",
)
def add_promise(
    request: HttpRequest, account_id: Path[Id], payload: PromiseIn
) -> Status[dict[str, Any]]:
    require(request, "collections.add_promise")
    account = _account(request, account_id)
    _check_not_held(request, account)
    promise = register_promise(
        account=account,
        amount=payload.amount,
        due_on=payload.due_on,
        channel=payload.channel,
        user=request.user,
    )
    return Status(201, reading.promise_out(promise))


@router.get("/result-codes", response=list[ResultCodeOut], tags=["catalogue"])
def list_result_codes(request: HttpRequest) -> list[ResultCode]:
    return list(ResultCode.objects.order_by("position", "code"))
