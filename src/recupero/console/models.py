"""The agent console's own record: which agent is working which account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recupero.portfolios.models import Account


class AccountLock(models.Model):
    """An account open in an agent's console, kept from every other agent.

    The account is the primary key, so two agents asking for the same
    account at the same instant cannot both get it: the second insert
    fails on any database. A lock lapses at ``expires_at`` (an agent who
    closed the browser must not hold an account for ever); each action of
    the agent on the account extends it.
    """

    account = models.OneToOneField(
        Account,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="console_lock",
        verbose_name=_("account"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agent"),
    )
    locked_at = models.DateTimeField(_("locked at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("account in use")
        verbose_name_plural = _("accounts in use")
        indexes = [models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"{self.account_id} ← {self.user_id}"
