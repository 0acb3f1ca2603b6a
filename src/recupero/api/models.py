"""API tokens: who calls the API, for which creditor, until when.

Only the SHA-256 of a key is stored, with its first characters to tell
keys apart in lists; the key itself is shown once, when issued.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recupero.portfolios.models import Creditor


class ApiToken(models.Model):
    """A bearer key that acts as ``user``.

    A creditor integration token belongs to a service user whose membership
    is that creditor's, so it is scoped exactly as the creditor's people;
    ``creditor`` records what it was issued for, and a token whose user
    no longer belongs to that creditor stops working.
    """

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("creditor"),
        help_text=_("Only for a creditor's integration."),
    )
    key_hash = models.CharField(_("key SHA-256"), max_length=64, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=16)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, at: datetime.datetime | None = None) -> bool:
        now = at or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now
