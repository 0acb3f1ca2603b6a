"""Creditors, their portfolios and accounts, stages and imports."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from recupero.parties.models import Debtor

MONEY = {"max_digits": 18, "decimal_places": 2}
DEFAULT_TIME_ZONE = "America/Argentina/Buenos_Aires"


class Creditor(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    cuit = models.CharField(_("CUIT"), max_length=11, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=60, default=DEFAULT_TIME_ZONE
    )
    grace_days = models.PositiveIntegerField(
        _("grace days"),
        default=0,
        help_text=_(
            "Days after a due date before an account counts as late. Days "
            "past due count from the end of the grace period."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("creditor")
        verbose_name_plural = _("creditors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A band of days past due; each creditor has its own editable set."""

    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("creditor"),
    )
    slug = models.SlugField(_("slug"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    min_days = models.PositiveIntegerField(_("from day"), default=0)
    max_days = models.PositiveIntegerField(
        _("to day"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    is_legal = models.BooleanField(
        _("legal stage"),
        default=False,
        help_text=_("Accounts marked as in legal proceedings go to this stage."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["creditor", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "slug"], name="unique_stage_slug"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, days_past_due: int) -> bool:
        if days_past_due < self.min_days:
            return False
        return self.max_days is None or days_past_due <= self.max_days


class Portfolio(models.Model):
    """A placement: the accounts a creditor hands over on a date."""

    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        related_name="portfolios",
        verbose_name=_("creditor"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    placed_on = models.DateField(_("placed on"))
    recall_on = models.DateField(_("to be returned on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        ordering = ["-placed_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "code"], name="unique_portfolio_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AccountQuerySet(models.QuerySet["Account"]):
    def with_balance(self) -> "AccountQuerySet":
        return self.annotate(balance=F("capital") + F("interest") + F("fees"))


class Account(models.Model):
    """One debt of a debtor with a creditor.

    The balance is capital + interest + fees; a negative balance is a credit
    in the debtor's favour and is kept as such.
    """

    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("creditor"),
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("portfolio"),
    )
    debtor = models.ForeignKey(
        Debtor,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("debtor"),
    )
    number = models.CharField(_("account number"), max_length=60)
    product = models.CharField(_("product"), max_length=80, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="ARS")
    capital = models.DecimalField(_("capital"), default=Decimal("0.00"), **MONEY)
    interest = models.DecimalField(_("interest"), default=Decimal("0.00"), **MONEY)
    fees = models.DecimalField(_("fees"), default=Decimal("0.00"), **MONEY)
    credit_limit = models.DecimalField(
        _("credit limit"), null=True, blank=True, **MONEY
    )
    due_date = models.DateField(
        _("due date of the oldest unpaid amount"), null=True, blank=True
    )
    days_past_due = models.IntegerField(_("days past due"), default=0)
    stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("stage"),
    )
    # A copy of the stage's position, -1 without a stage, kept by the
    # database itself (triggers of migration 0004, whatever writes the
    # stage): the agent console's queue is ordered by it first, and one
    # index over it reads the queue's head without sorting the whole book.
    # db_default too: bulk loads in plain SQL need not name the column.
    stage_position = models.SmallIntegerField(
        _("stage position"), default=-1, db_default=-1, editable=False
    )
    is_legal = models.BooleanField(_("in legal proceedings"), default=False)
    extra = models.JSONField(_("other imported fields"), default=dict, blank=True)
    balance_as_of = models.DateField(_("balance as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "number"], name="unique_account_number"
            )
        ]
        indexes = [
            models.Index(fields=["creditor", "due_date"]),
            models.Index(fields=["stage"]),
            # The first keys of the agent console's queue order (see
            # console.queue.QUEUE_ORDER): the database reads the head from it
            # and sorts only the accounts with the same stage and days. The
            # balance, an expression, is left out: SQLite would not match it.
            models.Index(
                F("stage_position").desc(),
                F("days_past_due").desc(),
                name="account_queue_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> Decimal:
        return self.capital + self.interest + self.fees


class BalanceSnapshot(models.Model):
    """The account's balance as a file stated it on a date."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="balance_history",
        verbose_name=_("account"),
    )
    as_of = models.DateField(_("as of"))
    capital = models.DecimalField(_("capital"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    fees = models.DecimalField(_("fees"), **MONEY)
    balance = models.DecimalField(_("balance"), **MONEY)
    import_job = models.ForeignKey(
        "ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("balance snapshot")
        verbose_name_plural = _("balance history")
        ordering = ["account", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "as_of"], name="unique_balance_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.as_of}"


class CycleRun(models.Model):
    """One run of the nightly cycle for an as-of date."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    stage_changes = models.PositiveIntegerField(_("stage changes"), default=0)

    class Meta:
        verbose_name = _("cycle run")
        verbose_name_plural = _("cycle runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"cycle {self.as_of}"


class StageChange(models.Model):
    """An account moving from one stage to another, for roll rates."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("account"),
    )
    from_stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("from stage"),
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to stage")
    )
    changed_on = models.DateField(
        _("changed on"),
    )
    cycle_run = models.ForeignKey(
        CycleRun,
        on_delete=models.SET_NULL,
        null=True,
        related_name="changes",
        verbose_name=_("cycle run"),
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["changed_on"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.from_stage_id} -> {self.to_stage_id}"


class ImportKind(models.TextChoices):
    PORTFOLIO = "portfolio", _("Portfolio (new and updated accounts)")
    BALANCES = "balances", _("Balance update (existing accounts only)")
    PAYMENTS = "payments", _("Payments (to existing accounts)")


class ImportProfile(models.Model):
    """How one creditor's files are read: format options and column mapping.

    ``columns`` maps a Recupero field to ``{"column": <file header>}`` or
    ``{"value": <fixed value>}``, optionally with ``"transform"`` (see
    ``portfolios.importing.mapping``, which lists the fields and
    transforms). ``history`` lists ``{"column": <header>, "as_of":
    "YYYY-MM-DD"}`` for older statement balances kept as balance history.
    """

    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.CASCADE,
        related_name="import_profiles",
        verbose_name=_("creditor"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=ImportKind.choices,
        default=ImportKind.PORTFOLIO,
    )
    encoding = models.CharField(_("encoding"), max_length=20, default="auto")
    delimiter = models.CharField(_("delimiter"), max_length=5, default="auto")
    decimal_separator = models.CharField(
        _("decimal separator"), max_length=1, default=","
    )
    date_format = models.CharField(
        _("date format"),
        max_length=20,
        default="dd/mm/aaaa",
        help_text=_("dd/mm/aaaa, iso or excel. ISO and Excel serials are always read."),
    )
    default_area = models.CharField(
        _("default area code"),
        max_length=5,
        blank=True,
        help_text=_("Completes local phone numbers written without one, e.g. 11."),
    )
    columns = models.JSONField(_("column mapping"), default=dict)
    history = models.JSONField(_("balance history columns"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "name"], name="unique_import_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.creditor} · {self.name}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed: nothing was loaded")
    DUPLICATE = "duplicate", _("Already imported")


class ImportJob(models.Model):
    """One file going in, with its progress and its row report."""

    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        related_name="imports",
        verbose_name=_("creditor"),
    )
    profile = models.ForeignKey(
        ImportProfile, on_delete=models.PROTECT, verbose_name=_("import profile")
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("portfolio"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    detected = models.JSONField(_("detected format"), default=dict, blank=True)
    bytes_read = models.BigIntegerField(_("bytes read"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rows_with_warnings = models.PositiveIntegerField(_("rows with warnings"), default=0)
    error = models.TextField(_("error"), blank=True)
    message = models.TextField(
        _("outcome"), blank=True, help_text=_("What the import did, in words.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def rows_accepted(self) -> int:
        return self.rows_created + self.rows_updated + self.rows_unchanged

    @property
    def progress_percent(self) -> int:
        if self.status in {ImportStatus.DONE, ImportStatus.DUPLICATE}:
            return 100
        return int(100 * self.bytes_read / self.size) if self.size else 0


class IssueSeverity(models.TextChoices):
    ERROR = "error", _("Rejected")
    WARNING = "warning", _("Warning")


class ImportIssue(models.Model):
    """A problem found in one row of an import file."""

    job = models.ForeignKey(
        ImportJob,
        on_delete=models.CASCADE,
        related_name="issues",
        verbose_name=_("import"),
    )
    line = models.PositiveIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    field = models.CharField(_("field"), max_length=60, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=IssueSeverity.choices
    )
    code = models.CharField(_("code"), max_length=40)
    message = models.CharField(_("reason"), max_length=300)
    account_number = models.CharField(_("account number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        ordering = ["job", "line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportSeenKey(models.Model):
    """Account numbers met so far in a running import.

    Lets a file of millions of rows detect an account repeated far apart
    without holding every number in memory; emptied when the job ends.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=60)
    line = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="unique_seen_key")
        ]

    def __str__(self) -> str:
        return self.number
