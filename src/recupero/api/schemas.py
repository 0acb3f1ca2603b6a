"""The shapes of what the API takes and gives.

Money leaves as a decimal string with two places (``"1234.50"``), never a
JSON number, and comes in the same way. Dates and times are ISO 8601.
Every string taken is checked for what the databases cannot store.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, PlainSerializer, WithJsonSchema

from recupero.collections.models import (
    ACTIVITY_NOTE_MAX_LENGTH,
    AttachmentKind,
    Channel,
    NonPaymentReason,
)
from recupero.parties.models import ContactKind, Source

# The largest key either database stores: a larger id cannot exist.
MAX_ID = 2**63 - 1
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 10**9
CENT = Decimal("0.01")
# No activity is reported from before this; see ``_in_calendar``.
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def _storable(text: str) -> str:
    # PostgreSQL refuses NUL in text, and neither database stores a lone
    # surrogate: refused here, they are bad input instead of a crash.
    if "\x00" in text:
        raise ValueError(_("Text may not hold NUL characters."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Text is not valid Unicode.")) from None
    return text


Text = Annotated[str, AfterValidator(_storable)]


def _in_calendar(moment: datetime.datetime) -> datetime.datetime:
    # Storing converts to UTC and the business date to the creditor's zone:
    # a time at the very edge of the calendar would overflow there, a crash
    # instead of bad input. Nothing reported happened that early. Compared,
    # not converted, since the conversion itself could overflow.
    if moment < EARLIEST:
        raise ValueError(
            _("Times before %(year)s are not accepted.") % {"year": EARLIEST.year}
        )
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value.quantize(CENT)), return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "1234.50"}),
]
MoneyIn = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$",
            "example": "1500.00",
        }
    ),
]

T = TypeVar("T")


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Page(Schema, Generic[T]):
    count: int
    limit: int
    offset: int
    items: list[T]


# -- debtors and contact points ---------------------------------------------


class ContactPointOut(Schema):
    id: int
    kind: str
    raw: str
    value: str
    phone_type: str
    status: str
    issue: str
    source: str
    related_person_id: int | None
    created_at: datetime.datetime


class RelatedPersonOut(Schema):
    id: int
    relation: str
    name: str
    contact_points: list[ContactPointOut]


class DebtorOut(Schema):
    id: int
    name: str
    kind: str
    cuit: str
    dni: str
    identity_status: str


class StageOut(Schema):
    slug: str
    name: str


class AccountOut(Schema):
    id: int
    number: str
    creditor_id: int
    creditor_code: str
    portfolio_id: int
    portfolio_code: str
    debtor_id: int
    debtor_name: str
    product: str
    currency: str
    capital: Money
    interest: Money
    fees: Money
    balance: Money
    balance_as_of: datetime.date | None
    due_date: datetime.date | None
    days_past_due: int
    stage: StageOut | None
    is_legal: bool
    management_state: str
    next_attempt_on: datetime.date | None


class DebtorDetail(DebtorOut):
    contact_points: list[ContactPointOut]
    related_persons: list[RelatedPersonOut]
    accounts: list[AccountOut]


class ContactPointIn(Schema):
    kind: ContactKind
    value: Text = Field(min_length=1, max_length=300)
    source: Source = Source.AGENT_RESEARCH
    related_person_id: Id | None = None
    default_area: Text | None = Field(
        None, max_length=5, description="Area code for local phone numbers."
    )


# What ``parties.actions.AGENT_MARKS`` allows; a test keeps the two equal.
MarkStatus = Literal["confirmed", "wrong", "invalid", "opted_out"]


class ContactPointMarkIn(Schema):
    status: MarkStatus
    note: Text = Field("", max_length=200)


# -- activities, promises, result codes --------------------------------------


class PromiseTermsIn(Schema):
    amount: MoneyIn
    due_on: datetime.date


class ActivityIn(Schema):
    result_code: Text = Field(max_length=20)
    channel: Channel
    contact_point_id: Id | None = None
    note: Text = Field("", max_length=ACTIVITY_NOTE_MAX_LENGTH)
    promise: PromiseTermsIn | None = None
    reason: NonPaymentReason | None = None
    all_debtor_accounts: bool = False
    started_at: Moment | None = Field(
        None, description="When it began, with its offset; now if not sent."
    )
    ended_at: Moment | None = Field(None, description="When it ended, if known.")


class AttachmentOut(Schema):
    id: int
    kind: AttachmentKind
    name: str
    size: int = Field(description="Bytes.")


class ActivityOut(Schema):
    id: int
    debtor_id: int
    account_ids: list[int]
    user: str | None
    channel: str
    result_code: str
    contact_point_id: int | None
    contact_value: str
    reason: str
    note: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    occurred_on: datetime.date
    next_attempt_on: datetime.date | None
    attachments: list[AttachmentOut]


class ActivityRegistered(ActivityOut):
    management_state: str = Field(description="The account's state afterwards.")


class PromiseIn(Schema):
    amount: MoneyIn
    due_on: datetime.date
    channel: Channel


class PromiseOut(Schema):
    id: int
    account_id: int
    activity_id: int | None
    amount: Money
    due_on: datetime.date
    grace_days: int
    deadline: datetime.date
    channel: str
    taken_on: datetime.date
    status: str
    paid_amount: Money
    outstanding: Money


class ResultCodeOut(Schema):
    code: str
    name: str
    category: str
    channels: list[str]
    contact_effect: str
    state_event: str
    requires_contact_point: bool
    requires_promise: bool
    requires_reason: bool
    is_active: bool


# -- imports -------------------------------------------------------------------


class ImportIssueOut(Schema):
    line: int
    column: str
    field: str
    value: str
    severity: str
    code: str
    message: str
    account_number: str


class ImportJobOut(Schema):
    id: int
    creditor_id: int
    profile_id: int
    portfolio_id: int | None
    file_name: str
    size: int
    status: str
    duplicate_of_id: int | None
    rows_read: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    rows_with_warnings: int
    message: str
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class ImportReport(ImportJobOut):
    issues_total: int
    issues: list[ImportIssueOut] = Field(
        description="The first issues, by line; all of them under /issues."
    )


# -- errors --------------------------------------------------------------------


class ErrorDetail(Schema):
    field: str
    code: str
    message: str


class Error(Schema):
    code: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] | None = None
