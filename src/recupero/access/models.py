"""Areas, profiles and memberships of users; who works which account; audit.

What a profile may *do* is the permissions of its group, edited in the
admin. What a user may *see* follows from the profile and the areas of
their membership, and is decided in ``scoping`` only.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from recupero.portfolios.models import Account, Creditor, Portfolio


class Area(models.Model):
    """A team of agents and supervisors that works some portfolios."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProfileKind(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    CASHIER = "cashier", _("Cashier")
    STRATEGY_MANAGER = "strategy_manager", _("Strategy manager")
    BACK_OFFICE = "back_office", _("Back office")
    CREDITOR = "creditor", _("Creditor (read only)")
    ADMINISTRATOR = "administrator", _("Administrator")


class ProfileGroup(models.Model):
    """The group that holds what one profile may do.

    The group may be renamed and its permissions edited in the admin; this
    row keeps knowing which profile it stands for.
    """

    profile = models.CharField(
        _("profile"), max_length=20, choices=ProfileKind.choices, unique=True
    )
    group = models.OneToOneField(
        Group,
        on_delete=models.CASCADE,
        related_name="recupero_profile",
        verbose_name=_("group"),
    )
    # Defaults granted once, so that running ensure_default_profiles again
    # does not give back what the administrator took away.
    granted_defaults = models.JSONField(
        _("default permissions granted"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("profile group")
        verbose_name_plural = _("profile groups")
        ordering = ["profile"]

    def __str__(self) -> str:
        return self.get_profile_display()


class Membership(models.Model):
    """A user's profile, areas and, for a creditor's user, its creditor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    profile = models.CharField(_("profile"), max_length=20, choices=ProfileKind.choices)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="memberships", verbose_name=_("areas")
    )
    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("creditor"),
        help_text=_("Only for creditor users: the one creditor they see."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # A creditor user without a creditor would see nothing, and any
            # other profile with one would suggest a limit that is not there.
            models.CheckConstraint(
                condition=(
                    Q(profile=ProfileKind.CREDITOR, creditor__isnull=False)
                    | (~Q(profile=ProfileKind.CREDITOR) & Q(creditor__isnull=True))
                ),
                name="creditor_only_for_creditor_users",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.profile}"


class PortfolioArea(models.Model):
    """An area works a portfolio; several areas may share one."""

    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.CASCADE,
        related_name="area_links",
        verbose_name=_("portfolio"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        related_name="portfolio_links",
        verbose_name=_("area"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio of an area")
        verbose_name_plural = _("portfolios of areas")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "portfolio"], name="unique_portfolio_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_id} ← {self.portfolio_id}"


class AccountAssignment(models.Model):
    """An account handed to an area, and optionally to one of its agents.

    It adds to what the portfolio's areas already see: the account's own
    areas keep seeing it.
    """

    account = models.OneToOneField(
        Account,
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("account"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("area"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("agent"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    class Meta:
        verbose_name = _("account assignment")
        verbose_name_plural = _("account assignments")
        indexes = [models.Index(fields=["agent"]), models.Index(fields=["area"])]

    def __str__(self) -> str:
        return f"{self.account_id} → {self.area_id}/{self.agent_id}"


class AuditAction(models.TextChoices):
    """The usual actions; other apps may record their own verbs too."""

    READ = "read", pgettext_lazy("audit action", "Read")
    CREATE = "create", pgettext_lazy("audit action", "Create")
    CHANGE = "change", pgettext_lazy("audit action", "Change")
    DELETE = "delete", pgettext_lazy("audit action", "Delete")
    EXPORT = "export", pgettext_lazy("audit action", "Export")
    LOG_IN = "log_in", pgettext_lazy("audit action", "Log in")
    LOG_OUT = "log_out", pgettext_lazy("audit action", "Log out")


class AuditEvent(models.Model):
    """One read or change: who, when, what and from where. Append only.

    ``changes`` holds field names, ids and codes, never personal data such
    as names, documents, phones or addresses: the trail is searched by
    support staff who need not read them.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept so that the trail still says who it was once the user is gone.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"
