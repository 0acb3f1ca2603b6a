"""Log-ins and log-outs go to the audit trail.

Failed log-ins are counted by django-axes, which shows them in the admin
and locks the user name out from the address after too many.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from recupero.access.audit import record_audit
from recupero.access.models import AuditAction


@receiver(user_logged_in, dispatch_uid="recupero_audit_log_in")
def audit_log_in(
    sender: Any, request: HttpRequest | None, user: Any, **kw: Any
) -> None:
    record_audit(request if request is not None else user, AuditAction.LOG_IN, obj=user)


@receiver(user_logged_out, dispatch_uid="recupero_audit_log_out")
def audit_log_out(
    sender: Any, request: HttpRequest | None, user: Any, **kw: Any
) -> None:
    if user is None:
        return
    origin = request if request is not None else user
    record_audit(origin, AuditAction.LOG_OUT, obj=user)
