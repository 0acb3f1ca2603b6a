from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recupero.portfolios.models import MONEY

RATE = {"max_digits": 9, "decimal_places": 4}
# The largest single payment: far above any debt a collection agency works,
# and far enough below the columns' 16 whole digits that sums of many
# payments still fit.
MAX_PAYMENT = Decimal("999999999999.99")


class EntryKind(models.TextChoices):
    """Why an entry was posted to an account's ledger."""

    OPENING = "opening", _("Opening balance")
    BALANCE_UPDATE = "balance_update", _("Balance update")
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Payment reversal")
    DISCOUNT = "discount", _("Discount")
    WRITE_OFF = "write_off", _("Write-off")
    PENALTY = "penalty", _("Penalty interest")
    PLAN = "plan", _("Payment plan")


class Component(models.TextChoices):
    """What part of the debt an entry moves.

    The account keeps three sums of them: capital; interest, which holds
    compensatory and penalty interest and the IVA on both; and fees, which
    holds costs and fees (see ``ACCOUNT_COLUMN``).
    """

    CAPITAL = "capital", _("Capital")
    INTEREST = "interest", _("Interest")
    PENALTY_INTEREST = "penalty_interest", _("Penalty interest")
    INTEREST_VAT = "interest_vat", _("IVA on interest")
    FEES = "fees", _("Fees")


# The account column that sums each component.
ACCOUNT_COLUMN = {
    Component.CAPITAL: "capital",
    Component.INTEREST: "interest",
    Component.PENALTY_INTEREST: "interest",
    Component.INTEREST_VAT: "interest",
    Component.FEES: "fees",
}


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
        _("component"), max_length=20, choices=Component.choices
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
    payment = models.ForeignKey(
        "Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("payment"),
    )
    plan = models.ForeignKey(
        "PaymentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("payment plan"),
    )
    installment = models.ForeignKey(
        "Installment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("installment"),
    )
    # A default in the database too: the import and the migration that
    # open ledgers write entries with bulk SQL that leaves it out.
    note = models.CharField(_("note"), max_length=200, blank=True, db_default="")

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


# -- per creditor ------------------------------------------------------------


class DayCount(models.TextChoices):
    MONTHLY = "30", _("TNA / 12")
    ACTUAL = "365", _("TNA × days / 365")


def default_waterfall() -> list[str]:
    return ["fees", "penalty_interest", "interest", "capital"]


class MoneySettings(models.Model):
    """How a creditor quotes, allocates and breaks plans; one per creditor.

    A creditor without a row uses the defaults below.
    """

    creditor = models.OneToOneField(
        "portfolios.Creditor",
        on_delete=models.CASCADE,
        related_name="money_settings",
        verbose_name=_("creditor"),
    )
    day_count = models.CharField(
        _("day-count basis"), max_length=3, choices=DayCount, default=DayCount.MONTHLY
    )
    iva_rate = models.DecimalField(
        _("IVA on interest (%)"), default=Decimal("21.0000"), **RATE
    )
    penalty_tna = models.DecimalField(
        _("penalty interest TNA (%)"), default=Decimal("0.0000"), **RATE
    )
    waterfall = models.JSONField(
        _("allocation order"),
        default=default_waterfall,
        help_text=_("Components in the order a payment pays them."),
    )
    broken_after = models.PositiveSmallIntegerField(
        _("overdue installments that break a plan"), default=3
    )
    max_discount = models.DecimalField(
        _("maximum discount (%)"), default=Decimal("0.0000"), **RATE
    )
    max_installments = models.PositiveSmallIntegerField(
        _("maximum installments"), default=12
    )
    min_installment = models.DecimalField(
        _("minimum installment"), default=Decimal("0.00"), **MONEY
    )
    min_down_payment = models.DecimalField(
        _("minimum down payment (%)"), default=Decimal("0.0000"), **RATE
    )

    class Meta:
        verbose_name = _("money settings")
        verbose_name_plural = _("money settings")

    def __str__(self) -> str:
        return str(self.creditor)


# -- branches, tills and receipts -------------------------------------------


class Branch(models.Model):
    """A place that takes payments, with its receipt point of sale."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    point_of_sale = models.PositiveIntegerField(_("point of sale"), unique=True)
    # The last receipt number used; taken under a row lock, so two
    # cashiers posting at once get consecutive numbers, never the same.
    last_receipt_number = models.PositiveBigIntegerField(
        _("last receipt number"), default=0
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["point_of_sale"]

    def __str__(self) -> str:
        return f"{self.point_of_sale:04d} {self.name}"


class TillStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Till(models.Model):
    """A cashier's till from opening to closing, with the count (arqueo)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="tills", verbose_name=_("branch")
    )
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tills",
        verbose_name=_("cashier"),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=TillStatus, default=TillStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opening_cash = models.DecimalField(
        _("cash at opening"), default=Decimal("0.00"), **MONEY
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    expected_cash = models.DecimalField(
        _("expected cash"), null=True, blank=True, **MONEY
    )
    counted_cash = models.DecimalField(
        _("counted cash"), null=True, blank=True, **MONEY
    )
    difference = models.DecimalField(_("difference"), null=True, blank=True, **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("till")
        verbose_name_plural = _("tills")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cashier"],
                condition=models.Q(status="open"),
                name="one_open_till_per_cashier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.cashier} · {self.opened_at:%d/%m/%Y}"


# -- payments ---------------------------------------------------------------


class PaymentSource(models.TextChoices):
    """Where a payment came from; its reference is unique per source."""

    TILL = "till", _("Till")
    CREDITOR_FILE = "creditor_file", _("Creditor file")
    BANK_FILE = "bank_file", _("Bank file")
    PAGO_FACIL = "pago_facil", _("Pago Fácil / Rapipago")
    PAGO_MIS_CUENTAS = "pago_mis_cuentas", _("Pago Mis Cuentas")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Transfer")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")
    DEBIT = "debit", _("Direct debit")
    NETWORK = "network", _("Payment network")


class PaymentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REVERSED = "reversed", _("Reversed")


class Payment(models.Model):
    """Money received for an account, applied once and only once.

    ``(creditor, source, reference)`` is unique: the same payment arriving
    again (a file loaded twice, a network rendition repeated) is found and
    reported, never applied a second time.
    """

    creditor = models.ForeignKey(
        "portfolios.Creditor",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("creditor"),
    )
    account = models.ForeignKey(
        "portfolios.Account",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("account"),
    )
    source = models.CharField(_("source"), max_length=20, choices=PaymentSource)
    reference = models.CharField(_("external reference"), max_length=80)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod)
    amount = models.DecimalField(_("amount"), **MONEY)
    value_date = models.DateField(_("value date"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PaymentStatus,
        default=PaymentStatus.APPLIED,
    )
    # What was left after paying everything the account owed: a credit
    # (saldo a favor) of the account, posted to its ledger, never lost.
    credit = models.DecimalField(_("credit left"), default=Decimal("0.00"), **MONEY)
    till = models.ForeignKey(
        Till,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("till"),
    )
    import_job = models.ForeignKey(
        "portfolios.ImportJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("source file"),
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_on = models.DateField(_("reversal date"), null=True, blank=True)
    reversal_reason = models.CharField(_("reversal reason"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-value_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "source", "reference"],
                name="one_payment_per_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["account", "value_date"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.reference}"


class Receipt(models.Model):
    """The numbered receipt of a payment: point of sale and number, no gaps."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("branch"),
    )
    number = models.PositiveBigIntegerField(_("number"))
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name=_("payment"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["branch", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "number"], name="one_receipt_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch.point_of_sale:04d}-{self.number:08d}"


# -- payment plans ------------------------------------------------------------


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Agreed")
    ACTIVE = "active", _("In force")
    COMPLETED = "completed", _("Completed")
    BROKEN = "broken", _("Fallen through")
    CANCELLED = "cancelled", _("Withdrawn")


class PaymentPlan(models.Model):
    """A convenio: a chosen quote over one or more of a debtor's accounts."""

    creditor = models.ForeignKey(
        "portfolios.Creditor",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("creditor"),
    )
    debtor = models.ForeignKey(
        "parties.Debtor",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("debtor"),
    )
    accounts = models.ManyToManyField(
        "portfolios.Account", related_name="plans", verbose_name=_("accounts")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus, default=PlanStatus.PROPOSED
    )
    system = models.CharField(_("amortization system"), max_length=10)
    principal = models.DecimalField(_("debt included"), **MONEY)
    discount = models.DecimalField(_("discount (%)"), default=Decimal("0.0000"), **RATE)
    down_payment = models.DecimalField(
        _("down payment"), default=Decimal("0.00"), **MONEY
    )
    tna = models.DecimalField(_("TNA (%)"), **RATE)
    iva_rate = models.DecimalField(_("IVA on interest (%)"), **RATE)
    day_count = models.CharField(_("day-count basis"), max_length=3, choices=DayCount)
    installment_count = models.PositiveSmallIntegerField(_("installments"))
    first_due = models.DateField(_("first due date"))
    cft = models.DecimalField(_("CFT with IVA (%)"), null=True, blank=True, **RATE)
    needs_approval = models.BooleanField(
        _("needs a supervisor's approval"), default=False
    )
    approval_reasons = models.JSONField(_("limits exceeded"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} {self.debtor}"


class InstallmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


class Installment(models.Model):
    """One installment of a plan (number 0 is the down payment)."""

    plan = models.ForeignKey(
        PaymentPlan,
        on_delete=models.CASCADE,
        related_name="installments",
        verbose_name=_("payment plan"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due date"))
    capital = models.DecimalField(_("capital"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    interest_vat = models.DecimalField(_("IVA on interest"), **MONEY)
    fees = models.DecimalField(_("fees"), default=Decimal("0.00"), **MONEY)
    total = models.DecimalField(_("installment total"), **MONEY)
    paid = models.DecimalField(_("paid"), default=Decimal("0.00"), **MONEY)
    penalty_interest = models.DecimalField(
        _("penalty interest"), default=Decimal("0.00"), **MONEY
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=InstallmentStatus,
        default=InstallmentStatus.PENDING,
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="one_installment_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.number}"


# -- payment networks ---------------------------------------------------------


class PublishedDebt(models.Model):
    """A bill published to a payment network for its debtor to pay there.

    Pago Mis Cuentas identifies a payment by the debtor's reference and the
    bill; the rendition's payments are matched back to these rows.
    """

    creditor = models.ForeignKey(
        "portfolios.Creditor",
        on_delete=models.PROTECT,
        related_name="published_debts",
        verbose_name=_("creditor"),
    )
    account = models.ForeignKey(
        "portfolios.Account",
        on_delete=models.PROTECT,
        related_name="published_debts",
        verbose_name=_("account"),
    )
    network = models.CharField(_("network"), max_length=20, choices=PaymentSource)
    reference = models.CharField(_("debtor reference"), max_length=40)
    bill = models.CharField(_("bill"), max_length=40)
    first_due = models.DateField(_("first due date"))
    first_amount = models.DecimalField(_("first amount"), **MONEY)
    second_due = models.DateField(_("second due date"), null=True, blank=True)
    second_amount = models.DecimalField(
        _("second amount"), null=True, blank=True, **MONEY
    )
    third_due = models.DateField(_("third due date"), null=True, blank=True)
    third_amount = models.DecimalField(
        _("third amount"), null=True, blank=True, **MONEY
    )
    file_name = models.CharField(_("file name"), max_length=80)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published debt")
        verbose_name_plural = _("published debts")
        ordering = ["-published_at", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "network", "reference", "bill"],
                name="one_published_bill",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}/{self.bill}"


class Rendition(models.Model):
    """A payment network's rendition file and how it reconciled.

    ``report`` lists each payment line as matched (applied to its published
    bill), unmatched (no such bill), or duplicate (already applied).
    """

    creditor = models.ForeignKey(
        "portfolios.Creditor",
        on_delete=models.PROTECT,
        related_name="renditions",
        verbose_name=_("creditor"),
    )
    network = models.CharField(_("network"), max_length=20, choices=PaymentSource)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("file fingerprint"), max_length=64)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    matched_amount = models.DecimalField(
        _("amount matched"), default=Decimal("0.00"), **MONEY
    )
    report = models.JSONField(_("report"), default=list, blank=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.file_name
