"""Contact enrichment: what an agent learns about a debtor while working.

New phones, e-mails, addresses, social handles and related persons go
through the same checks as a creditor file (``phones.py``, ``emails.py``,
``identity.py``), but a value that cannot be used at all is refused with the
reason, so the agent can ask again while the debtor is still on the line.
A value the debtor already has is not added twice.

Every addition and mark is audited. Given ``origin`` (the request that
asked for it) the event says who and from where; otherwise it names
``user``, or the system when there is none. The events name the contact
point's kind, source and status, never its value, and never a related
person's name or CUIT.
"""

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from recupero.access.audit import record_audit
from recupero.access.models import AuditAction
from recupero.parties.emails import normalise_email
from recupero.parties.identity import check_tax_id
from recupero.parties.models import (
    ContactKind,
    ContactPoint,
    ContactStatus,
    Debtor,
    IdentityStatus,
    RelatedPerson,
    Relation,
    Source,
)
from recupero.parties.phones import normalise_phone, same_line_candidates

logger = logging.getLogger(__name__)

# What an agent may say of a contact point after using it.
AGENT_MARKS = (
    ContactStatus.CONFIRMED,
    ContactStatus.WRONG,
    ContactStatus.INVALID,
    ContactStatus.OPTED_OUT,
)
MAX_VALUE = 300
MAX_ISSUE = 200


@transaction.atomic
def add_contact_point(
    *,
    debtor: Debtor,
    kind: str,
    raw: str,
    source: str,
    user: AbstractBaseUser | None,
    related_person: RelatedPerson | None = None,
    default_area: str | None = None,
    details: dict[str, Any] | None = None,
    origin: HttpRequest | None = None,
) -> tuple[ContactPoint, bool]:
    """Add a way to reach ``debtor`` (or one of its related persons).

    Return the contact point and whether it is new: one the debtor already
    has under the same normal form comes back unchanged. Raise
    ``ValidationError`` when ``raw`` cannot be used (the message says why)
    or the person, kind or source is not one of the debtor's.
    """
    _check_choice(kind, ContactKind, "contact_kind_unknown")
    _check_choice(source, Source, "source_unknown")
    if related_person is not None and related_person.debtor_id != debtor.pk:
        raise ValidationError(
            "La persona relacionada es de otro deudor.", code="related_person_other"
        )
    found = _normalise(kind, raw.strip(), default_area)

    existing = (
        ContactPoint.objects.filter(
            debtor=debtor, kind=kind, value__in=_same_values(kind, found["value"])
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing, False

    extra = {**(details or {}), **found.pop("details")}
    if user is not None:
        extra["added_by"] = user.pk
    contact_point = ContactPoint.objects.create(
        debtor=debtor,
        related_person=related_person,
        kind=kind,
        source=source,
        details=extra,
        **found,
    )
    record_audit(
        _audited_as(origin, user),
        AuditAction.CREATE,
        obj=contact_point,
        changes={
            "debtor": debtor.pk,
            "related_person": related_person.pk if related_person else None,
            "kind": kind,
            "source": source,
            "status": contact_point.status,
        },
    )
    logger.info(
        "contact point %s added to debtor %s",
        contact_point.pk,
        debtor.pk,
        extra={"debtor_id": debtor.pk, "user_id": getattr(user, "pk", None)},
    )
    return contact_point, True


def _same_values(kind: str, value: str) -> list[str]:
    """Return the stored forms under which ``value`` may already be there.

    A mobile written without its 9 and the same mobile with it are one
    line; whichever the debtor has first is kept.
    """
    if kind == ContactKind.PHONE:
        return [value, *sorted(same_line_candidates(value))]
    return [value]


def _normalise(kind: str, raw: str, default_area: str | None) -> dict[str, Any]:
    """Return the fields of a contact point for ``raw``, or raise."""
    if not raw:
        raise ValidationError("El dato está vacío.", code="empty")
    if kind == ContactKind.PHONE:
        phone = normalise_phone(raw, default_area)
        if not phone.e164:
            raise ValidationError(phone.issue, code="phone_invalid")
        return {
            "raw": raw[:MAX_VALUE],
            "value": phone.e164,
            "phone_type": phone.phone_type,
            "status": phone.status,
            "issue": phone.issue[:MAX_ISSUE],
            "details": {"national": phone.national},
        }
    if kind == ContactKind.EMAIL:
        email = normalise_email(raw)
        if not email.value:
            raise ValidationError(email.issue, code="email_invalid")
        return {
            "raw": raw[:MAX_VALUE],
            "value": email.value,
            "status": email.status,
            "issue": email.issue[:MAX_ISSUE],
            "details": {},
        }
    # Addresses and social handles have no registry to check them against;
    # like the import, they are recognised by their folded, spaced form.
    return {
        "raw": raw[:MAX_VALUE],
        "value": " ".join(raw.casefold().split())[:MAX_VALUE],
        "status": ContactStatus.UNVERIFIED,
        "issue": "",
        "details": {},
    }


@transaction.atomic
def mark_contact_point(
    contact_point: ContactPoint,
    *,
    status: str,
    user: AbstractBaseUser | None,
    note: str = "",
    origin: HttpRequest | None = None,
) -> ContactPoint:
    """Record what using ``contact_point`` showed: confirmed, wrong, ...

    An opted-out contact point stays so: only the debtor can lift an
    opt-out, and that is recorded by an administrator, not from a call.
    """
    if status not in AGENT_MARKS:
        raise ValidationError(
            "Una gestión solo puede confirmar, descartar o bloquear un dato.",
            code="mark_unknown",
        )
    contact_point = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    if contact_point.status == ContactStatus.OPTED_OUT:
        raise ValidationError(
            "El deudor pidió no ser contactado por este medio.", code="opted_out"
        )

    previous = contact_point.status
    contact_point.status = status
    if note or status == ContactStatus.CONFIRMED:
        contact_point.issue = note[:MAX_ISSUE]
    contact_point.save(update_fields=["status", "issue", "updated_at"])
    # The note is free text and may quote the value: it is not recorded.
    record_audit(
        _audited_as(origin, user),
        AuditAction.CHANGE,
        obj=contact_point,
        changes={
            "debtor": contact_point.debtor_id,
            "from_status": previous,
            "to_status": status,
        },
    )
    logger.info(
        "contact point %s marked %s",
        contact_point.pk,
        status,
        extra={
            "debtor_id": contact_point.debtor_id,
            "user_id": getattr(user, "pk", None),
        },
    )
    return contact_point


@transaction.atomic
def add_related_person(
    *,
    debtor: Debtor,
    relation: str,
    name: str,
    source: str,
    user: AbstractBaseUser | None,
    tax_id: str = "",
    origin: HttpRequest | None = None,
) -> tuple[RelatedPerson, bool]:
    """Add a guarantor, spouse, employer or reference to ``debtor``.

    Return the person and whether it is new; the same relation and name
    again returns the one already there. A CUIT/CUIL or DNI, when given,
    must be valid.
    """
    _check_choice(relation, Relation, "relation_unknown")
    _check_choice(source, Source, "source_unknown")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Falta el nombre.", code="name_missing")
    cuit = _related_cuit(tax_id)

    person, created = RelatedPerson.objects.get_or_create(
        debtor=debtor,
        relation=relation,
        name=name[:200],
        defaults={"cuit": cuit, "source": source},
    )
    if created:
        record_audit(
            _audited_as(origin, user),
            AuditAction.CREATE,
            obj=person,
            changes={
                "debtor": debtor.pk,
                "relation": relation,
                "source": source,
                "has_cuit": bool(cuit),
            },
        )
        logger.info(
            "related person %s added to debtor %s",
            person.pk,
            debtor.pk,
            extra={"debtor_id": debtor.pk, "user_id": getattr(user, "pk", None)},
        )
    return person, created


def _related_cuit(tax_id: str) -> str:
    """Return the CUIT/CUIL in ``tax_id`` ("" when blank or a bare DNI)."""
    if not tax_id.strip():
        return ""
    found = check_tax_id(tax_id)
    if found.status != IdentityStatus.VALID:
        raise ValidationError(found.issue, code="tax_id_invalid")
    return found.cuit


def _audited_as(
    origin: HttpRequest | None, user: AbstractBaseUser | None
) -> HttpRequest | AbstractBaseUser | None:
    """Return what the audit event names: the request if any, else the user."""
    return origin if origin is not None else user


def _check_choice(value: str, choices: type, code: str) -> None:
    if value not in choices.values:
        raise ValidationError(f"Valor desconocido: {value!r}.", code=code)
