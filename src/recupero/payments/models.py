from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from recupero.portfolios.models import MONEY


class EntryKind(models.TextChoices):
    """Why an entry was posted to an account's ledger."""

    OPENING = "opening", _("Opening balance")
    BALANCE_UPDATE = "balance_update", _("Balance update")


class Component(models.TextChoices):
    """What part of the debt an entry moves; an account column each."""

    CAPITAL = "capital", _("Capital")
    INTEREST = "interest", _("Interest")
    FEES = "fees", _("Fees")


class LedgerEntry(models.Model):
    """One debit (a positive amount) or credit (a negative one) of an account.

    The ledger is the account's cuenta corriente: the account's capital,
    interest and fees are, each, the sum of its entries of that component.
    Entries are only ever added; a mistake is corrected by another entry.
    """

    account = models.ForeignKey(
        "portfolios.Account",
        on_delete=models.PROTECT,
        related_name="ledger",
        verbose_name=_("account"),
    )
    value_date = models.DateField(_("value date"))
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    component = models.CharField(
        _("component"), max_length=12, choices=Component.choices
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    import_job = models.ForeignKey(
        "portfolios.ImportJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("source file"),
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["account", "value_date", "id"]
        indexes = [models.Index(fields=["account", "value_date", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=Decimal("0.00")),
                name="ledger_entry_moves_money",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.value_date} {self.component} {self.amount}"

    @property
    def is_debit(self) -> bool:
        return self.amount > 0
