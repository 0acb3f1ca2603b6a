"""Issue and revoke API tokens; find the token of a presented key."""

import datetime
import hashlib
import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recupero.access.actions import set_membership
from recupero.access.audit import record_audit
from recupero.access.models import AuditAction, Membership, ProfileKind
from recupero.api.models import ApiToken
from recupero.portfolios.models import Creditor

logger = logging.getLogger(__name__)

KEY_PREFIX = "rcp_"
# Characters kept to tell keys apart: "rcp_" and 8 of the random part.
SHOWN_CHARACTERS = 12
# Writing the last use on every request would turn reads into writes.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def issue_token(
    *,
    user: AbstractBaseUser,
    name: str,
    creditor: Creditor | None = None,
    expires_at: datetime.datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token acting as ``user``; return it and its key, shown once.

    A creditor token must belong to a user whose membership is that
    creditor's. Raise ``ValidationError`` otherwise, or when the name is
    blank or the expiry already past.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("The token needs a name."), code="token_name_missing")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            _("The expiry date is already past."), code="token_expiry_past"
        )
    if creditor is not None and not _belongs_to(user, creditor.pk):
        raise ValidationError(
            _("A creditor token must belong to a user of that creditor."),
            code="token_creditor_mismatch",
        )

    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        user=user,
        creditor=creditor,
        key_hash=hash_key(key),
        prefix=key[:SHOWN_CHARACTERS],
        expires_at=expires_at,
        created_by=actor,
    )
    record_audit(
        actor,
        AuditAction.CREATE,
        obj=token,
        changes={"user": user.pk, "creditor": creditor.pk if creditor else None},
    )
    logger.info("api token %s issued", token.pk, extra={"user_id": user.pk})
    return token, key


def _belongs_to(user: AbstractBaseUser, creditor_id: int) -> bool:
    return Membership.objects.filter(
        user_id=user.pk, profile=ProfileKind.CREDITOR, creditor_id=creditor_id
    ).exists()


@transaction.atomic
def issue_integration_token(
    *,
    creditor: Creditor,
    name: str,
    expires_at: datetime.datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``creditor``'s systems, acting as its service user.

    The service user (``api-<creditor code>``) is made on first use: it
    has the creditor profile and no password, so it can only act through
    its tokens.
    """
    username = f"api-{creditor.code}"[:150]
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        set_membership(
            user, profile=ProfileKind.CREDITOR, creditor=creditor, actor=actor
        )
    return issue_token(
        user=user, name=name, creditor=creditor, expires_at=expires_at, actor=actor
    )


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: AbstractBaseUser | None = None) -> bool:
    """Revoke ``token`` from now on; return False if it already was."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    if not updated:
        return False
    record_audit(actor, AuditAction.CHANGE, obj=token, changes={"revoked": True})
    logger.info("api token %s revoked", token.pk)
    return True


def find_token(key: str) -> ApiToken | None:
    """Return the usable token whose key is ``key``, noting its use.

    None for an unknown, revoked or expired key, an inactive user, or a
    creditor token whose user no longer belongs to that creditor.
    """
    if not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.creditor_id is not None and not _belongs_to(token.user, token.creditor_id):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        _note_use(token, now)
    return token


def _note_use(token: ApiToken, now: datetime.datetime) -> None:
    # The stamp only informs the token's owner: a database busy with a long
    # write (SQLite locks the whole file) must not turn the call into an
    # error; the next call a minute later tries again.
    try:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except OperationalError:
        logger.warning("api token %s: last use not recorded, database busy", token.pk)
        return
    token.last_used_at = now
