"""The audit trail: who read or changed what, when and from where.

Every read of a debtor's page and every change goes through
``record_audit`` (or ``record_audit_many`` for set-based work). What is
recorded names objects by type and id; the caller's ``changes`` must hold
field names, ids and codes only, never a name, document, phone or address.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest

from recupero.access.models import AuditAction, AuditEvent
from recupero.parties.models import Debtor

logger = logging.getLogger(__name__)

AnyUser = AbstractBaseUser | AnonymousUser
MAX_USER_AGENT = 300
MAX_PATH = 300
BULK_ROWS = 2000


def record_audit(
    request_or_user: HttpRequest | AnyUser | None,
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record one audit event and return it.

    Given a request, the event also says from where (IP address, browser,
    page without its query string, which may hold what was searched).
    Given only a user (a task, a command), it says who; given None, the
    system did it. ``obj`` fills the object's type and id.
    """
    if obj is not None:
        object_type = object_type_of(obj)
        object_id = obj.pk
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        changes=dict(changes or {}),
        **_origin(request_or_user),
    )
    event.save()
    logger.debug(
        "audit %s %s %s",
        action,
        object_type,
        event.object_id,
        extra={"audit_event_id": event.pk, "user_id": event.actor_id},
    )
    return event


def record_audit_many(
    request_or_user: HttpRequest | AnyUser | None,
    action: str,
    *,
    object_type: str,
    object_ids: Iterable[object],
    changes: Mapping[str, Any] | None = None,
) -> int:
    """Record the same event for many objects in bulk; return how many.

    For set-based work (mass reassignment, imports, the cycle) that must
    leave one row per object without one INSERT per row.
    """
    origin = _origin(request_or_user)
    written = 0
    batch: list[AuditEvent] = []
    for object_id in object_ids:
        batch.append(
            AuditEvent(
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                changes=dict(changes or {}),
                **origin,
            )
        )
        if len(batch) >= BULK_ROWS:
            written += len(AuditEvent.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(AuditEvent.objects.bulk_create(batch))
    return written


def audit_read(request: HttpRequest, debtor: Debtor) -> AuditEvent:
    """Record that the request's user opened the debtor's page."""
    return record_audit(request, AuditAction.READ, obj=debtor)


def object_type_of(obj: models.Model) -> str:
    """Return ``app_label.model`` of a model instance, e.g. ``parties.debtor``."""
    return obj._meta.label_lower


def _origin(request_or_user: HttpRequest | AnyUser | None) -> dict[str, Any]:
    if isinstance(request_or_user, HttpRequest):
        request = request_or_user
        return {
            **_actor(getattr(request, "user", None)),
            "ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.headers.get("user-agent", "")[:MAX_USER_AGENT],
            "path": request.path[:MAX_PATH],
        }
    return _actor(request_or_user)


def _actor(user: AnyUser | None) -> dict[str, Any]:
    if user is None or not user.is_authenticated:
        return {"actor": None, "actor_username": ""}
    return {"actor": user, "actor_username": user.get_username()}
