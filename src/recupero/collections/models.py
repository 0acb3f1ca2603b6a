"""Activities, result codes, management state and promises to pay.

Activities and state changes are history: rows are added, never rewritten.
What an account stands at now lives in ``AccountState`` (one row per
account, created on its first event; no row means "not worked yet") and
``DebtorState``; the collections settings a creditor may change live in
``CollectionsPolicy``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recupero.collections.states import Event, ManagementState
from recupero.parties.models import ContactPoint, Debtor
from recupero.portfolios.models import MONEY, Account, Creditor, Portfolio

DEFAULT_PROMISE_GRACE_DAYS = 2
DEFAULT_MAX_PROMISE_DAYS = 30


class Channel(models.TextChoices):
    OUTBOUND_CALL = "outbound_call", _("Outbound call")
    INBOUND_CALL = "inbound_call", _("Inbound call")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "letter", _("Letter")
    FIELD_VISIT = "field_visit", _("Field visit")


class ResultCategory(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact")
    THIRD_PARTY = "third_party", _("Third party")
    RIGHT_PARTY = "right_party", _("Right party")
    COMMITMENT = "commitment", _("Commitment")
    NEGATIVE = "negative", _("Negative")
    TERMINAL = "terminal", _("Terminal")


class ContactEffect(models.TextChoices):
    NONE = "none", _("None")
    CONFIRM = "confirm", _("Confirm it")
    MARK_WRONG = "mark_wrong", _("Mark it wrong (someone else's)")
    MARK_INVALID = "mark_invalid", _("Mark it invalid (does not work)")
    OPT_OUT = "opt_out", _("Never use it again (opted out)")


class NonPaymentReason(models.TextChoices):
    UNEMPLOYMENT = "unemployment", _("Unemployment")
    ILLNESS = "illness", _("Illness")
    OVER_INDEBTEDNESS = "over_indebtedness", _("Over-indebtedness")
    INCOME_DROP = "income_drop", _("Lower income")
    BUSINESS_CLOSED = "business_closed", _("Business closed")
    FAMILY_PROBLEMS = "family_problems", _("Family problems")
    OTHER = "other", _("Other reason")


class ResultCode(models.Model):
    """A tipificación: what came of an activity, and what that implies.

    ``channels`` lists the channels it may be used on (empty: all).
    ``next_attempt_days`` is the default delay before the account is due
    again (empty: the code schedules no further attempt).
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    category = models.CharField(
        _("category"), max_length=12, choices=ResultCategory.choices
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    contact_effect = models.CharField(
        _("effect on the contact point used"),
        max_length=12,
        choices=ContactEffect.choices,
        default=ContactEffect.NONE,
    )
    state_event = models.CharField(
        _("effect on the management state"),
        max_length=30,
        choices=[(event.value, event.label) for event in Event],
        blank=True,
        help_text=_("The event the automaton receives; empty: none."),
    )
    next_attempt_days = models.PositiveSmallIntegerField(
        _("days before the next attempt"), null=True, blank=True
    )
    requires_contact_point = models.BooleanField(
        _("requires the contact point used"), default=False
    )
    requires_promise = models.BooleanField(
        _("requires promise amount and date"), default=False
    )
    requires_reason = models.BooleanField(
        _("requires a reason for not paying"), default=False
    )
    shortcut = models.CharField(_("keyboard shortcut"), max_length=1, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("result code")
        verbose_name_plural = _("result codes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def allows_channel(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    @property
    def is_right_party_contact(self) -> bool:
        return self.category in {
            ResultCategory.RIGHT_PARTY,
            ResultCategory.COMMITMENT,
            ResultCategory.NEGATIVE,
        }


class CollectionsPolicy(models.Model):
    """A creditor's rules for promises; creditors without one get defaults."""

    creditor = models.OneToOneField(
        Creditor,
        on_delete=models.CASCADE,
        related_name="collections_policy",
        verbose_name=_("creditor"),
    )
    promise_grace_days = models.PositiveSmallIntegerField(
        _("promise grace days"),
        default=DEFAULT_PROMISE_GRACE_DAYS,
        help_text=_(
            "Days after a promise's date in which a payment still keeps it; "
            "bank and Pago Fácil payments reach the creditor days later."
        ),
    )
    max_promise_days = models.PositiveSmallIntegerField(
        _("longest promise, in days"),
        default=DEFAULT_MAX_PROMISE_DAYS,
        help_text=_("How far ahead an agent may accept a promise's date."),
    )

    class Meta:
        verbose_name = _("collections policy")
        verbose_name_plural = _("collections policies")

    def __str__(self) -> str:
        return str(self.creditor)


# The longest note of an activity, the same in the console and the API: a
# note written in one must fit in the other.
ACTIVITY_NOTE_MAX_LENGTH = 5000


class Activity(models.Model):
    """A gestión: one contact or attempt, on one account or several.

    An activity on all of a debtor's accounts at once is one row linked to
    each of them, so a conversation counts once as a contact. ``user`` is
    empty for activities the system made (a letter run, a dialer).
    """

    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("creditor"),
    )
    debtor = models.ForeignKey(
        Debtor,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("debtor"),
    )
    accounts = models.ManyToManyField(
        Account,
        through="ActivityAccount",
        related_name="activities",
        verbose_name=_("accounts"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    contact_point = models.ForeignKey(
        ContactPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("contact point used"),
    )
    # The value as it was used; the contact point may later be corrected.
    contact_value = models.CharField(_("contact used"), max_length=300, blank=True)
    result_code = models.ForeignKey(
        ResultCode,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("result"),
    )
    reason = models.CharField(
        _("reason for not paying"),
        max_length=20,
        choices=NonPaymentReason.choices,
        blank=True,
    )
    # Its length is checked where notes come in (ACTIVITY_NOTE_MAX_LENGTH).
    note = models.TextField(_("note"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    occurred_on = models.DateField(_("date"), help_text=_("In the creditor's time."))
    next_attempt_on = models.DateField(_("next attempt on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-started_at", "-id"]
        permissions = [
            (
                "register_mass_result",
                _("Can record a result on every account of a search"),
            )
        ]
        indexes = [
            models.Index(fields=["debtor", "-started_at"]),
            models.Index(fields=["user", "occurred_on"]),
            models.Index(fields=["creditor", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.result_code_id}"

    @property
    def is_system(self) -> bool:
        return self.user_id is None


class ActivityAccount(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="account_links"
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="activity_links"
    )

    class Meta:
        verbose_name = _("account of an activity")
        verbose_name_plural = _("accounts of activities")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "activity"], name="unique_activity_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.account_id}"


class AttachmentKind(models.TextChoices):
    RECORDING = "recording", _("Call recording")
    DOCUMENT = "document", _("Document")
    IMAGE = "image", _("Image")


class Attachment(models.Model):
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("activity"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class AccountState(models.Model):
    """Where an account's collection stands now, and when to try again."""

    account = models.OneToOneField(
        Account,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="management",
        verbose_name=_("account"),
    )
    state = models.CharField(
        _("management state"),
        max_length=20,
        choices=ManagementState.choices,
        default=ManagementState.NOT_WORKED,
    )
    changed_at = models.DateTimeField(_("state since"), null=True, blank=True)
    next_attempt_on = models.DateField(_("next attempt on"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    last_result_code = models.ForeignKey(
        ResultCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last result"),
    )
    activity_count = models.PositiveIntegerField(_("activities"), default=0)

    class Meta:
        verbose_name = _("account management state")
        verbose_name_plural = _("account management states")
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["next_attempt_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.state}"


class DebtorState(models.Model):
    """A debtor's state with one creditor: the most advanced of its accounts.

    Kept per creditor so that one creditor's users never read what another
    creditor's accounts say about the debtor.
    """

    debtor = models.ForeignKey(
        Debtor,
        on_delete=models.CASCADE,
        related_name="management_states",
        verbose_name=_("debtor"),
    )
    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("creditor"),
    )
    state = models.CharField(
        _("management state"),
        max_length=20,
        choices=ManagementState.choices,
        default=ManagementState.NOT_WORKED,
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("debtor management state")
        verbose_name_plural = _("debtor management states")
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "creditor"], name="unique_debtor_state"
            )
        ]
        indexes = [models.Index(fields=["creditor", "state"])]

    def __str__(self) -> str:
        return f"{self.debtor_id}/{self.creditor_id}: {self.state}"


class StateChange(models.Model):
    """An account moving from one management state to another."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="management_changes",
        verbose_name=_("account"),
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=ManagementState.choices
    )
    to_state = models.CharField(_("to"), max_length=20, choices=ManagementState.choices)
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    promise = models.ForeignKey(
        "Promise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promise"),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("management state change")
        verbose_name_plural = _("management state changes")
        indexes = [models.Index(fields=["account", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.from_state} -> {self.to_state}"


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class Promise(models.Model):
    """A promise to pay ``amount`` by ``due_on``.

    ``deadline`` is ``due_on`` plus the creditor's grace days when the
    promise was taken: a payment dated up to it counts, and the nightly run
    decides the promise the day after. ``paid_amount`` is what payments
    have brought to it so far.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="promises",
        verbose_name=_("account"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promises",
        verbose_name=_("activity"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    due_on = models.DateField(_("promised date"))
    grace_days = models.PositiveSmallIntegerField(_("grace days"))
    deadline = models.DateField(_("kept if paid by"))
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    taken_on = models.DateField(_("taken on"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PromiseStatus.choices,
        default=PromiseStatus.PENDING,
    )
    paid_amount = models.DecimalField(
        _("paid towards it"), default=Decimal("0.00"), **MONEY
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["account", "due_on", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["account", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="promise_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount} @ {self.due_on}"

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal("0.00"), self.amount - self.paid_amount)


class MassJobStatus(models.TextChoices):
    # "Finished", not "Done": an import's "Done" is feminine ("Terminada").
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class MassResultJob(models.Model):
    """A mass result too large for a web request, run by a task.

    It keeps the search as it was asked (the text and the filters) and the
    count the user confirmed: the task searches again as that user and
    records nothing if the count has changed since.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    result_code = models.ForeignKey(
        ResultCode,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("result"),
    )
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    note = models.TextField(_("note"), blank=True)
    # The search, as ``search_accounts`` takes it. The filters protect
    # their creditor and portfolio: without them the search would widen.
    search_text = models.CharField(_("search"), max_length=100, blank=True)
    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creditor"),
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("portfolio"),
    )
    stage = models.CharField(_("stage"), max_length=50, blank=True)
    expected = models.PositiveIntegerField(_("accounts found"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MassJobStatus.choices,
        default=MassJobStatus.PENDING,
    )
    recorded = models.PositiveIntegerField(_("accounts recorded"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The one-time token of the form that asked for it: a second submit of
    # the same page (a double click, a reload) collides on it and records
    # nothing, where the count check alone would let it through.
    token = models.UUIDField(
        _("form token"), null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("mass result")
        verbose_name_plural = _("mass results")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.result_code_id} × {self.expected}"

    @property
    def is_finished(self) -> bool:
        return self.status in {MassJobStatus.DONE, MassJobStatus.FAILED}
