"""Writes of the agent's day: result codes, activities, promises, plans.

Every function here is one transaction. Activities are only ever added;
their consequences (the contact point's status, the management state, the
next attempt, a promise) are applied in the same transaction, through the
same set-based statements whether one account or a whole letter run is
concerned.

Each write leaves its audit event. Given ``origin`` (the request that asked
for it) the event says who and from where; otherwise it names ``user``, or
the system when there is none. The events hold ids and codes only: never
the contact value used, a note or a file name.
"""

import datetime
import logging
import mimetypes
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import F, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from recupero.access.audit import object_type_of, record_audit
from recupero.access.models import AuditAction
from recupero.access.scoping import visible_accounts
from recupero.collections.catalogue import DEFAULT_RESULT_CODES
from recupero.collections.errors import ErrorCode
from recupero.collections.models import (
    AccountState,
    Activity,
    ActivityAccount,
    Attachment,
    AttachmentKind,
    Channel,
    CollectionsPolicy,
    ContactEffect,
    NonPaymentReason,
    Promise,
    PromiseStatus,
    ResultCode,
)
from recupero.collections.states import (
    FINAL_STATES,
    TRANSITIONS,
    Event,
    ManagementState,
)
from recupero.collections.transitions import (
    apply_event,
    ensure_account_states,
    refresh_debtor_states,
)
from recupero.formatting import format_date, format_money
from recupero.parties.actions import mark_contact_point
from recupero.parties.models import ContactKind, ContactPoint, ContactStatus
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account, Creditor

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")

User = AbstractBaseUser

# The kind of contact point each channel uses; other channels take any.
CHANNEL_KINDS = {
    Channel.OUTBOUND_CALL: ContactKind.PHONE,
    Channel.INBOUND_CALL: ContactKind.PHONE,
    Channel.SMS: ContactKind.PHONE,
    Channel.WHATSAPP: ContactKind.PHONE,
    Channel.EMAIL: ContactKind.EMAIL,
    Channel.LETTER: ContactKind.ADDRESS,
    Channel.FIELD_VISIT: ContactKind.ADDRESS,
}
CONTACT_EFFECT_STATUS = {
    ContactEffect.CONFIRM: ContactStatus.CONFIRMED,
    ContactEffect.MARK_WRONG: ContactStatus.WRONG,
    ContactEffect.MARK_INVALID: ContactStatus.INVALID,
    ContactEffect.OPT_OUT: ContactStatus.OPTED_OUT,
}
# A contact point in one of these can still be used.
USABLE_CONTACT_STATUSES = (
    ContactStatus.UNVERIFIED,
    ContactStatus.TO_REVIEW,
    ContactStatus.CONFIRMED,
)


# -- result codes ----------------------------------------------------------


def ensure_default_result_codes() -> int:
    """Add the default codes that are missing; return how many were added.

    Codes already there are left as the administrator edited them, so this
    runs safely after every migration.
    """
    existing = set(ResultCode.objects.values_list("code", flat=True))
    missing = [
        ResultCode(
            code=default.code,
            name=default.name,
            category=default.category,
            channels=[channel.value for channel in default.channels],
            contact_effect=default.contact_effect,
            state_event=default.state_event.value if default.state_event else "",
            next_attempt_days=default.next_attempt_days,
            requires_contact_point=default.requires_contact_point,
            requires_promise=default.requires_promise,
            requires_reason=default.requires_reason,
            shortcut=default.shortcut,
            position=position,
        )
        for position, default in enumerate(DEFAULT_RESULT_CODES)
        if default.code not in existing
    ]
    ResultCode.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def get_result_code(code: ResultCode | str) -> ResultCode:
    """Return the result code, or raise ``ValidationError`` if there is none."""
    if isinstance(code, ResultCode):
        return code
    found = ResultCode.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            "No existe el resultado %(code)s.",
            code=ErrorCode.CODE_UNKNOWN.value,
            params={"code": code},
        )
    return found


def get_policy(creditor: Creditor) -> CollectionsPolicy:
    """Return the creditor's policy, or an unsaved one with the defaults."""
    policy = CollectionsPolicy.objects.filter(creditor=creditor).first()
    return policy or CollectionsPolicy(creditor=creditor)


# -- activities ------------------------------------------------------------


@dataclass(frozen=True)
class PromiseTerms:
    amount: Decimal
    due_on: datetime.date


@transaction.atomic
def register_activity(
    *,
    account: Account,
    code: ResultCode | str,
    channel: str,
    user: User | None,
    contact_point: ContactPoint | None = None,
    all_debtor_accounts: bool = False,
    started_at: datetime.datetime | None = None,
    ended_at: datetime.datetime | None = None,
    note: str = "",
    promise: PromiseTerms | None = None,
    reason: str = "",
    attachments: Iterable[File] = (),
    next_attempt_on: datetime.date | None = None,
    origin: HttpRequest | None = None,
) -> Activity:
    """Record a contact or attempt on ``account`` and apply its result.

    With ``all_debtor_accounts`` the activity covers every open account the
    debtor has with the same creditor (never another creditor's); a
    deceased result always does. ``user`` is None for the system. The
    code's effect is applied to ``contact_point`` and to the management
    state, a promise code takes ``promise``, and the account is due again
    on ``next_attempt_on`` or after the code's delay. Raise
    ``ValidationError`` (codes in ``errors.ErrorCode``) on bad input.
    """
    code = get_result_code(code)
    started_at = started_at or timezone.now()
    occurred_on = business_date(account.creditor, started_at)
    accounts = covered_accounts(account, code, all_debtor_accounts, user)
    lock_accounts(accounts)
    _check_activity(
        account, accounts, code, channel, contact_point, started_at, ended_at
    )
    _check_details(code, promise, reason, accounts)

    activity = Activity.objects.create(
        creditor_id=account.creditor_id,
        debtor_id=account.debtor_id,
        user=user,
        channel=channel,
        contact_point=contact_point,
        contact_value=contact_point.value if contact_point else "",
        result_code=code,
        reason=reason,
        note=note,
        started_at=started_at,
        ended_at=ended_at,
        occurred_on=occurred_on,
    )
    ActivityAccount.objects.bulk_create(
        ActivityAccount(activity=activity, account_id=pk) for pk in accounts
    )
    record_audit(
        _audited_as(origin, user),
        AuditAction.CREATE,
        obj=activity,
        changes={
            "code": code.code,
            "channel": channel,
            "accounts": accounts,
            "contact_point": contact_point.pk if contact_point else None,
            "reason": reason,
        },
    )
    covered = Account.objects.filter(pk__in=accounts)
    taken = None
    if code.requires_promise and promise is not None:
        taken = _take_promise(
            account, promise, channel, user, activity, occurred_on, started_at, origin
        )
    elif code.state_event:
        apply_event(
            covered, Event(code.state_event), at=started_at, activity_id=activity.pk
        )
    _apply_contact_effect(
        code, contact_point, user, origin, activity, covered, started_at
    )

    activity.next_attempt_on = _next_attempt(code, occurred_on, taken, next_attempt_on)
    activity.save(update_fields=["next_attempt_on"])
    _record_on_states(covered, activity, chosen=next_attempt_on is not None)
    refresh_debtor_states(covered, at=started_at)
    # Last, once every check has passed: a refusal rolls the rows back but
    # would leave a file already written to storage behind.
    for file in attachments:
        add_attachment(activity, file=file, user=user, origin=origin)
    logger.info(
        "activity %s registered on %s accounts with %s",
        activity.pk,
        len(accounts),
        code.code,
        extra={"activity_id": activity.pk, "account_id": account.pk},
    )
    return activity


def covered_accounts(
    account: Account,
    code: ResultCode,
    all_debtor_accounts: bool,
    user: User | None = None,
) -> list[int]:
    """Return the ids of the accounts the activity is about, ``account`` first.

    "All the debtor's accounts" means those ``user`` sees: an agent's
    result must not land on another area's accounts. A death is a fact
    about the debtor, not a contact outcome, so it reaches every account
    the debtor has with the creditor, whoever records it.
    """
    deceased = code.state_event == Event.DECEASED
    if not (all_debtor_accounts or deceased):
        return [account.pk]
    siblings = (
        Account.objects.filter(
            debtor_id=account.debtor_id, creditor_id=account.creditor_id
        )
        .exclude(pk=account.pk)
        .exclude(management__state=ManagementState.SETTLED)
    )
    if user is not None and not deceased:
        siblings = siblings.filter(pk__in=visible_accounts(user).values("pk"))
    return [account.pk, *siblings.order_by("pk").values_list("pk", flat=True)]


def lock_accounts(account_ids: list[int]) -> None:
    """Hold the accounts' rows until the transaction ends.

    Two writes on one account (two promises against its balance, two
    results moving its state) then run one after the other: each reads
    what the other wrote instead of both starting from the same state.
    Rows are locked in id order, so that two writes on overlapping sets
    cannot deadlock. SQLite runs one write transaction at a time already.
    """
    if connection.vendor == "sqlite":
        return
    list(
        Account.objects.select_for_update()
        .filter(pk__in=account_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_activity(
    account: Account,
    accounts: list[int],
    code: ResultCode,
    channel: str,
    contact_point: ContactPoint | None,
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None,
) -> None:
    _check_code_and_channel(code, channel)
    if ended_at is not None and ended_at < started_at:
        _refuse(ErrorCode.ENDS_BEFORE_START, "La gestión termina antes de empezar.")
    if contact_point is None:
        if code.requires_contact_point:
            _refuse(
                ErrorCode.CONTACT_POINT_REQUIRED,
                "El código %(code)s necesita el teléfono, e-mail o domicilio usado.",
                code,
            )
        return
    if contact_point.debtor_id != account.debtor_id:
        _refuse(
            ErrorCode.CONTACT_POINT_OF_OTHER_DEBTOR,
            "El dato de contacto es de otro deudor.",
        )
    wanted = CHANNEL_KINDS.get(Channel(channel))
    if wanted and contact_point.kind != wanted:
        _refuse(
            ErrorCode.CONTACT_POINT_WRONG_KIND,
            "El dato de contacto no sirve para este canal.",
        )


def _check_details(
    code: ResultCode,
    promise: PromiseTerms | None,
    reason: str,
    accounts: list[int],
) -> None:
    if code.requires_promise:
        if promise is None:
            _refuse(
                ErrorCode.PROMISE_REQUIRED,
                "Una promesa de pago necesita importe y fecha.",
            )
        if len(accounts) > 1:
            _refuse(
                ErrorCode.PROMISE_ONE_ACCOUNT,
                "Una promesa de pago se registra cuenta por cuenta.",
            )
    if code.requires_reason and not reason:
        _refuse(ErrorCode.REASON_REQUIRED, "Falta el motivo por el que no puede pagar.")
    if reason and reason not in NonPaymentReason.values:
        _refuse(ErrorCode.REASON_UNKNOWN, "Motivo de no pago desconocido.")


def _refuse(error: ErrorCode, message: str, code: ResultCode | None = None) -> None:
    params = {"code": code.code} if code else None
    raise ValidationError(message, code=error.value, params=params)


def _apply_contact_effect(
    code: ResultCode,
    contact_point: ContactPoint | None,
    user: User | None,
    origin: HttpRequest | None,
    activity: Activity,
    covered: QuerySet[Account],
    at: datetime.datetime,
) -> None:
    """Mark the contact point used; if the debtor has none left, say so."""
    status = CONTACT_EFFECT_STATUS.get(ContactEffect(code.contact_effect))
    if status is None or contact_point is None:
        return
    # An opt-out is the debtor's decision; no later result overrides it.
    # The caller's copy may be stale: another agent may have marked it.
    current = (
        ContactPoint.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=contact_point.pk)
    )
    if current in {status, ContactStatus.OPTED_OUT}:
        return
    # Shown to agents beside the status: the activity's row id meant nothing
    # to them, its date and time point to it in the history.
    started = timezone.localtime(activity.started_at)
    note = f"{code.name}, en la gestión del {format_date(started)} {started:%H:%M}"
    mark_contact_point(
        contact_point, status=status, user=user, note=note, origin=origin
    )

    if status in USABLE_CONTACT_STATUSES:
        return
    usable = ContactPoint.objects.filter(
        debtor_id=contact_point.debtor_id, status__in=USABLE_CONTACT_STATUSES
    )
    if not usable.exists():
        apply_event(
            covered, Event.CONTACT_POINTS_EXHAUSTED, at=at, activity_id=activity.pk
        )


def _next_attempt(
    code: ResultCode,
    occurred_on: datetime.date,
    promise: Promise | None,
    chosen: datetime.date | None,
) -> datetime.date | None:
    if chosen is not None:
        return chosen
    if promise is not None:
        return promise.deadline + datetime.timedelta(days=1)
    if code.next_attempt_days is None:
        return None
    return occurred_on + datetime.timedelta(days=code.next_attempt_days)


def _record_on_states(
    accounts: QuerySet[Account], activity: Activity, *, chosen: bool
) -> None:
    """Note ``activity`` on the accounts' states and set their next attempt.

    An activity reported late, older than the last one recorded, joins the
    count but does not undo what the later one decided. Unless the agent
    chose the date, a pending promise keeps the account out of the queue
    until the day after its deadline, whatever a call meanwhile gave.
    """
    ensure_account_states(accounts)
    states = AccountState.objects.filter(account__in=accounts.values("id"))
    later = Q(last_activity_at__gt=activity.started_at)
    states.filter(later).update(activity_count=F("activity_count") + 1)
    states.exclude(later).update(
        next_attempt_on=activity.next_attempt_on,
        last_activity_at=activity.started_at,
        last_result_code=activity.result_code_id,
        activity_count=F("activity_count") + 1,
    )

    if chosen or activity.next_attempt_on is None:
        return
    held = (
        Promise.objects.filter(
            account__in=accounts.values("id"), status=PromiseStatus.PENDING
        )
        .values("account_id")
        .annotate(deadline=Max("deadline"))
    )
    for row in held:
        after = row["deadline"] + datetime.timedelta(days=1)
        states.filter(account_id=row["account_id"], next_attempt_on__lt=after).update(
            next_attempt_on=after
        )


def add_attachment(
    activity: Activity,
    *,
    file: File,
    user: User | None,
    kind: str | None = None,
    origin: HttpRequest | None = None,
) -> Attachment:
    """Attach ``file`` to ``activity``; audio is taken for a call recording."""
    name = (file.name or "adjunto").rsplit("/", 1)[-1]
    if kind is None:
        kind = _attachment_kind(name)
    # Stored under a name of our own: the sender's may be long, odd or name
    # the debtor; it is kept in ``name`` for the download.
    suffix = Path(name).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ""
    file.name = f"{uuid.uuid4().hex}{suffix}"
    attachment = Attachment.objects.create(
        activity=activity,
        kind=kind,
        file=file,
        name=name[:255],
        size=file.size or 0,
        created_by=user,
    )
    # The file's name may name the debtor: only its kind and size are kept.
    record_audit(
        _audited_as(origin, user),
        AuditAction.CREATE,
        obj=attachment,
        changes={"activity": activity.pk, "kind": kind, "size": attachment.size},
    )
    return attachment


def _attachment_kind(name: str) -> str:
    content_type = mimetypes.guess_type(name)[0] or ""
    if content_type.startswith("audio/"):
        return AttachmentKind.RECORDING
    if content_type.startswith("image/"):
        return AttachmentKind.IMAGE
    return AttachmentKind.DOCUMENT


# -- mass registration -----------------------------------------------------


def open_for_mass(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """Return the accounts of ``accounts`` a mass result is recorded on.

    A letter run or a campaign is about accounts still being collected:
    settled and deceased ones stay out of it, and out of its count.
    """
    return accounts.exclude(management__state__in=FINAL_STATES)


@transaction.atomic
def register_mass_result(
    accounts: QuerySet[Account],
    code: ResultCode | str,
    *,
    channel: str,
    user: User | None = None,
    at: datetime.datetime | None = None,
    note: str = "",
    origin: HttpRequest | None = None,
) -> int:
    """Record ``code`` on every account of ``accounts``; return how many.

    For a letter run, an SMS campaign or a dialer's unanswered calls: one
    activity per account, written in bulk, with the code's effect on the
    management state and its next attempt. Codes that need a contact point,
    a promise or a reason cannot be registered in mass, nor a deceased
    result, which covers all of one debtor's accounts.

    Every write is one INSERT ... SELECT or UPDATE over the whole set (per
    calendar day of the creditors' time zones): no account is loaded into
    Python, so a million accounts cost a handful of statements. Each
    statement reads ``accounts`` again, so it must not select on what
    this writes (the accounts' activities or states).

    One audit event sums it up (see ``_audit_mass``) rather than one per
    activity: the trail is searched for who ran a mass result, when and
    with what, and each activity keeps its own user and time.
    """
    code = get_result_code(code)
    at = at or timezone.now()
    check_mass_code(code, channel)

    accounts = accounts.order_by()
    zones = set(accounts.values_list("creditor__time_zone", flat=True).distinct())
    if not zones:
        # Nothing to do; an empty queryset (``none()``) would not even
        # compile into the raw INSERT ... SELECT statements.
        return 0
    days = {zone: _local_date(at, zone) for zone in zones}
    run = MassRun(code=code, channel=channel, user=user, at=at, note=note)
    made = _insert_mass_activities(accounts, run, days)

    event = Event(code.state_event) if code.state_event else None
    if event is not None and TRANSITIONS[event]:
        apply_event(accounts, event, at=at)  # which adds missing state rows
    else:
        ensure_account_states(accounts)
    for day in set(days.values()):
        _record_mass_on_states(accounts, code, at, day, days)
    refresh_debtor_states(accounts, at=at)
    _audit_mass(_audited_as(origin, user), code, channel, at, made)
    logger.info(
        "mass result %s registered on %s accounts",
        code.code,
        made.count,
        extra={"first_activity": made.first, "last_activity": made.last},
    )
    return made.count


@dataclass(frozen=True)
class MassRun:
    """What every activity of one mass registration shares."""

    code: ResultCode
    channel: str
    user: User | None
    at: datetime.datetime
    note: str


@dataclass(frozen=True)
class MassActivities:
    """The activities one mass registration wrote: how many, first and last id."""

    count: int
    first: int
    last: int


def check_mass_code(code: ResultCode, channel: str) -> None:
    """Refuse what ``register_mass_result`` refuses, before a job is queued."""
    if code.requires_contact_point or code.requires_promise or code.requires_reason:
        _refuse(
            ErrorCode.MASS_CODE_NEEDS_DETAILS,
            "El código %(code)s necesita datos de cada gestión: "
            "no se registra en masa.",
            code,
        )
    # A deceased result covers every account of the debtor with the
    # creditor (see ``covered_accounts``), which a search may not hold:
    # it is recorded debtor by debtor, where the agent sees them all.
    if code.state_event == Event.DECEASED:
        _refuse(
            ErrorCode.MASS_CODE_DEBTOR_WIDE,
            "El código %(code)s abarca todas las cuentas del deudor: "
            "no se registra en masa.",
            code,
        )
    _check_code_and_channel(code, channel)


def _insert_mass_activities(
    accounts: QuerySet[Account],
    run: MassRun,
    days: dict[str, datetime.date],
) -> MassActivities:
    """Write one activity per account and link it to its account.

    Per calendar day, the activities are inserted from the accounts in the
    order of their ids, and the n-th account is linked to the n-th new
    activity. How each database hands out those ids differs: see
    ``_insert_numbered`` and ``_insert_in_order``.
    """
    ops = connection.ops
    created_at = ops.adapt_datetimefield_value(timezone.now())
    made: list[MassActivities] = []
    with connection.cursor() as cursor:
        for day in set(days.values()):
            zones = [zone for zone, each in days.items() if each == day]
            wanted = accounts.filter(creditor__time_zone__in=zones).values(
                "id", "debtor_id", "creditor_id"
            )
            columns = [
                run.user.pk if run.user else None,
                run.channel,
                run.code.pk,
                run.note,
                ops.adapt_datetimefield_value(run.at),
                ops.adapt_datefield_value(day),
                ops.adapt_datefield_value(_next_attempt(run.code, day, None, None)),
                created_at,
            ]
            insert = (
                _insert_numbered
                if connection.vendor == "postgresql"
                else _insert_in_order
            )
            made.append(insert(cursor, wanted, columns))
    return MassActivities(
        count=sum(each.count for each in made),
        first=min(each.first for each in made),
        last=max(each.last for each in made),
    )


# Every column of an activity; the values of those after the debtor's come
# from ``_insert_mass_activities``'s ``columns``, in this order.
MASS_ACTIVITY_INSERT = (
    "INSERT INTO collections_activity ({id}creditor_id, debtor_id, user_id, "
    "channel, contact_point_id, contact_value, result_code_id, reason, note, "
    "started_at, ended_at, occurred_on, next_attempt_on, created_at) "
    "SELECT {wanted_id}wanted.creditor_id, wanted.debtor_id, %s, %s, NULL, '', "
    "%s, '', %s, %s, NULL, %s, %s, %s FROM {source} wanted"
)
MASS_LINK_INSERT = "INSERT INTO collections_activityaccount (activity_id, account_id) "


def _insert_numbered(
    cursor: CursorWrapper, wanted: QuerySet, columns: list
) -> MassActivities:
    """Insert activities and links in one statement, with ids drawn first.

    PostgreSQL: each account draws its activity's id from the sequence, so
    the pairing holds however many other transactions insert activities at
    the same time.
    """
    wanted_sql, params = wanted.query.sql_with_params()
    sequence = "pg_get_serial_sequence('collections_activity', 'id')"
    activities = MASS_ACTIVITY_INSERT.format(
        id="id, ", wanted_id="wanted.activity_id, ", source="numbered"
    )
    cursor.execute(
        "WITH numbered AS MATERIALIZED (SELECT wanted.*, "
        f"nextval({sequence}) AS activity_id FROM ({wanted_sql}) wanted "
        f"ORDER BY wanted.id), made AS ({activities}), "
        f"linked AS ({MASS_LINK_INSERT} SELECT activity_id, id FROM numbered) "
        "SELECT COUNT(*), MIN(activity_id), MAX(activity_id) FROM numbered",
        [*params, *columns],
    )
    count, first, last = cursor.fetchone()
    return MassActivities(count=count, first=first or 0, last=last or 0)


def _insert_in_order(
    cursor: CursorWrapper, wanted: QuerySet, columns: list
) -> MassActivities:
    """Insert activities in the accounts' order, then link them by position.

    SQLite: one writer at a time, so the rows of one INSERT get consecutive
    ids in the order they are selected, the last being ``lastrowid``. The
    accounts are read again for the links within the same transaction.
    """
    wanted_sql, params = wanted.query.sql_with_params()
    source = f"({wanted_sql})"
    cursor.execute(
        MASS_ACTIVITY_INSERT.format(id="", wanted_id="", source=source)
        + " ORDER BY wanted.id",
        [*columns, *params],
    )
    count, last = cursor.rowcount, cursor.lastrowid
    if not count:
        return MassActivities(count=0, first=0, last=0)
    first = last - count + 1
    cursor.execute(
        f"{MASS_LINK_INSERT} SELECT %s + ROW_NUMBER() OVER (ORDER BY wanted.id), "
        f"wanted.id FROM {source} wanted",
        [first - 1, *params],
    )
    if cursor.rowcount != count:
        # The accounts changed between the two reads (a selection made on
        # the activities themselves): the pairing would be wrong, so the
        # whole registration is undone.
        raise RuntimeError(
            f"mass result: {count} activities but {cursor.rowcount} links"
        )
    return MassActivities(count=count, first=first, last=last)


def _audit_mass(
    by: HttpRequest | User | None,
    code: ResultCode,
    channel: str,
    at: datetime.datetime,
    made: MassActivities,
) -> None:
    """Record one event for a mass registration.

    The ids of one bulk INSERT may interleave with those of a concurrent
    one on PostgreSQL, so the range is exact only together with the code,
    the user and ``started_at``, which every activity of the run shares.
    """
    record_audit(
        by,
        AuditAction.CREATE,
        object_type=object_type_of(Activity()),
        changes={
            "mass": True,
            "code": code.code,
            "channel": channel,
            "count": made.count,
            "first_activity": made.first,
            "last_activity": made.last,
            "started_at": at.isoformat(),
        },
    )


def _check_code_and_channel(code: ResultCode, channel: str) -> None:
    if not code.is_active:
        _refuse(ErrorCode.CODE_INACTIVE, "El código %(code)s está dado de baja.", code)
    if channel not in Channel.values or not code.allows_channel(channel):
        _refuse(
            ErrorCode.CHANNEL_NOT_ALLOWED,
            "El código %(code)s no se usa en este canal.",
            code,
        )


def _record_mass_on_states(
    accounts: QuerySet[Account],
    code: ResultCode,
    at: datetime.datetime,
    day: datetime.date,
    days: dict[str, datetime.date],
) -> None:
    """Update the accounts whose creditor's calendar is at ``day``."""
    zones = [zone for zone, each in days.items() if each == day]
    AccountState.objects.filter(
        account__in=accounts.filter(creditor__time_zone__in=zones).values("id")
    ).update(
        next_attempt_on=_next_attempt(code, day, None, None),
        last_activity_at=at,
        last_result_code=code.pk,
        activity_count=F("activity_count") + 1,
    )


def _local_date(at: datetime.datetime, zone: str) -> datetime.date:
    return business_date(Creditor(time_zone=zone), at)


# -- promises, plans -------------------------------------------------------


@transaction.atomic
def register_promise(
    *,
    account: Account,
    amount: Decimal,
    due_on: datetime.date,
    channel: str,
    user: User | None,
    activity: Activity | None = None,
    at: datetime.datetime | None = None,
    origin: HttpRequest | None = None,
) -> Promise:
    """Record a promise to pay ``amount`` on ``due_on`` and apply it.

    The account moves to "promise pending" and is due again the day after
    the promise's deadline (its date plus the creditor's grace days).
    Raise ``ValidationError`` when the amount is not positive or the date
    is past or further ahead than the creditor allows.
    """
    at = at or timezone.now()
    taken_on = business_date(account.creditor, at)
    terms = PromiseTerms(amount=amount, due_on=due_on)
    lock_accounts([account.pk])
    promise = _take_promise(
        account, terms, channel, user, activity, taken_on, at, origin
    )

    AccountState.objects.filter(account=account).update(
        next_attempt_on=promise.deadline + datetime.timedelta(days=1)
    )
    refresh_debtor_states(Account.objects.filter(pk=account.pk), at=at)
    return promise


def _take_promise(
    account: Account,
    terms: PromiseTerms,
    channel: str,
    user: User | None,
    activity: Activity | None,
    taken_on: datetime.date,
    at: datetime.datetime,
    origin: HttpRequest | None,
) -> Promise:
    policy = get_policy(account.creditor)
    pending = Promise.objects.filter(account=account, status=PromiseStatus.PENDING)
    promised = sum((each.outstanding for each in pending), Decimal("0.00"))
    # Read under the caller's lock: the object in hand may be older than a
    # payment or balance update that came in since it was loaded.
    amounts = Account.objects.values_list("capital", "interest", "fees")
    balance = sum(amounts.get(pk=account.pk), Decimal("0.00"))
    today = business_date(account.creditor, timezone.now())
    _check_promise(terms, taken_on, policy, balance - promised, today=today)

    promise = Promise.objects.create(
        account=account,
        activity=activity,
        amount=terms.amount,
        due_on=terms.due_on,
        grace_days=policy.promise_grace_days,
        deadline=terms.due_on + datetime.timedelta(days=policy.promise_grace_days),
        channel=channel,
        taken_on=taken_on,
        taken_by=user,
    )
    apply_event(
        Account.objects.filter(pk=account.pk),
        Event.PROMISE_TAKEN,
        at=at,
        activity_id=activity.pk if activity else None,
        promise_id=promise.pk,
    )
    record_audit(
        _audited_as(origin, user),
        AuditAction.CREATE,
        obj=promise,
        changes={
            "account": account.pk,
            "activity": activity.pk if activity else None,
            "channel": channel,
            "due_on": terms.due_on.isoformat(),
            "deadline": promise.deadline.isoformat(),
        },
    )
    return promise


def _check_promise(
    terms: PromiseTerms,
    taken_on: datetime.date,
    policy: CollectionsPolicy,
    balance: Decimal,
    *,
    today: datetime.date,
) -> None:
    """Refuse ``terms`` unless they fit ``balance``, the debt not yet promised.

    The date may not be past on the day the promise was taken nor today:
    a call recorded late may carry its promise, if it is still to come.
    """
    if not isinstance(terms.amount, Decimal) or terms.amount <= 0:
        _refuse(ErrorCode.PROMISE_AMOUNT, "El importe prometido debe ser positivo.")
    # A debtor may promise part of the debt, never more than all of it (less
    # what pending promises already cover): more is a typing slip, and it
    # would read as kept only once a payment larger than the debt arrived.
    if terms.amount > balance:
        raise ValidationError(
            "El importe prometido no puede superar la deuda sin prometer, %(balance)s.",
            code=ErrorCode.PROMISE_AMOUNT.value,
            params={"balance": format_money(balance)},
        )
    if terms.amount != terms.amount.quantize(CENT):
        _refuse(ErrorCode.PROMISE_AMOUNT, "El importe va en pesos y centavos.")
    if terms.due_on < max(taken_on, today):
        _refuse(ErrorCode.PROMISE_DATE_PAST, "La fecha prometida ya pasó.")
    latest = taken_on + datetime.timedelta(days=policy.max_promise_days)
    if terms.due_on > latest:
        raise ValidationError(
            "La fecha prometida no puede pasar del %(latest)s.",
            code=ErrorCode.PROMISE_DATE_TOO_FAR.value,
            params={"latest": latest.strftime("%d/%m/%Y")},
        )


@transaction.atomic
def record_plan_signed(
    account: Account,
    *,
    at: datetime.datetime | None = None,
    user: User | None = None,
    origin: HttpRequest | None = None,
) -> ManagementState:
    """Move ``account`` to "plan active"; for the payments app to call."""
    return _single_event(account, Event.PLAN_SIGNED, at, _audited_as(origin, user))


@transaction.atomic
def record_plan_broken(
    account: Account,
    *,
    at: datetime.datetime | None = None,
    user: User | None = None,
    origin: HttpRequest | None = None,
) -> ManagementState:
    """Move ``account`` to "plan broken"; for the payments app to call."""
    return _single_event(account, Event.PLAN_BROKEN, at, _audited_as(origin, user))


def _single_event(
    account: Account,
    event: Event,
    at: datetime.datetime | None,
    by: HttpRequest | User | None,
) -> ManagementState:
    """Apply ``event`` to ``account``; audit it when the state moved."""
    at = at or timezone.now()
    one = Account.objects.filter(pk=account.pk)
    before = get_account_state(account)
    moved = apply_event(one, event, at=at)
    refresh_debtor_states(one, at=at)
    after = get_account_state(account)
    if moved:
        record_audit(
            by,
            AuditAction.CHANGE,
            obj=account,
            changes={"event": event.value, "from_state": before, "to_state": after},
        )
    return after


def _audited_as(
    origin: HttpRequest | None, user: User | None
) -> HttpRequest | User | None:
    """Return what the audit event names: the request if any, else the user."""
    return origin if origin is not None else user


def get_account_state(account: Account) -> ManagementState:
    """Return ``account``'s management state ("not worked" without a row)."""
    state = (
        AccountState.objects.filter(account=account)
        .values_list("state", flat=True)
        .first()
    )
    return ManagementState(state or ManagementState.NOT_WORKED)
