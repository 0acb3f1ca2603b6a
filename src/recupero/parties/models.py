"""Debtors, the people related to them, and every way to reach them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DebtorKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class IdentityStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid, to review")
    MISSING = "missing", _("Missing")


class Source(models.TextChoices):
    CREDITOR_FILE = "creditor_file", _("Creditor file")
    DEBTOR = "debtor", _("Debtor")
    THIRD_PARTY = "third_party", _("Third party")
    AGENT_RESEARCH = "agent_research", _("Agent research")


class Debtor(models.Model):
    """A person or company that owes.

    ``identity_key`` is what makes two files speak of the same debtor: the
    CUIT/CUIL when it is valid, else the DNI, else the creditor's own
    customer number (``ext:<creditor id>:<number>``).
    """

    identity_key = models.CharField(_("identity key"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DebtorKind.choices, default=DebtorKind.PERSON
    )
    name = models.CharField(_("name"), max_length=200)
    cuit = models.CharField(_("CUIT/CUIL"), max_length=11, blank=True, db_index=True)
    dni = models.CharField(_("DNI"), max_length=8, blank=True, db_index=True)
    tax_id_as_written = models.CharField(
        _("tax id as written"), max_length=40, blank=True
    )
    identity_status = models.CharField(
        _("identity status"),
        max_length=10,
        choices=IdentityStatus.choices,
        default=IdentityStatus.MISSING,
    )
    identity_issue = models.CharField(_("identity issue"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.CREDITOR_FILE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def cuit_display(self) -> str:
        if len(self.cuit) != 11:
            return self.cuit
        return f"{self.cuit[:2]}-{self.cuit[2:10]}-{self.cuit[10]}"


class Relation(models.TextChoices):
    GUARANTOR = "guarantor", _("Guarantor")
    SPOUSE = "spouse", _("Spouse")
    EMPLOYER = "employer", _("Employer")
    REFERENCE = "reference", _("Reference")


class RelatedPerson(models.Model):
    """Someone tied to a debtor who may be contacted, but never told the debt."""

    debtor = models.ForeignKey(
        Debtor,
        on_delete=models.CASCADE,
        related_name="related_persons",
        verbose_name=_("debtor"),
    )
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=200)
    cuit = models.CharField(_("CUIT/CUIL"), max_length=11, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.CREDITOR_FILE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("related person")
        verbose_name_plural = _("related persons")
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "relation", "name"], name="unique_related_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ADDRESS = "address", _("Postal address")
    SOCIAL = "social", _("Social network")


class PhoneType(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    FIXED_LINE = "fixed_line", _("Fixed line")
    TOLL_FREE = "toll_free", _("Toll free")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class ContactStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    TO_REVIEW = "to_review", _("To review")
    INVALID = "invalid", _("Invalid")
    CONFIRMED = "confirmed", _("Confirmed")
    WRONG = "wrong", _("Wrong")
    OPTED_OUT = "opted_out", _("Opted out")


class ContactPoint(models.Model):
    """One way to reach a debtor or a related person.

    ``raw`` keeps the value exactly as it was written; ``value`` is its
    normal form (E.164 for phones, the lower-cased address for e-mails), the
    key on which the same contact point from two files is recognised.
    """

    debtor = models.ForeignKey(
        Debtor,
        on_delete=models.CASCADE,
        related_name="contact_points",
        verbose_name=_("debtor"),
    )
    related_person = models.ForeignKey(
        RelatedPerson,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_points",
        verbose_name=_("related person"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    raw = models.CharField(_("as written"), max_length=300)
    value = models.CharField(_("normalised"), max_length=300, db_index=True)
    phone_type = models.CharField(
        _("phone type"),
        max_length=12,
        choices=PhoneType.choices,
        blank=True,
        default="",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.CREDITOR_FILE
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ContactStatus.choices,
        default=ContactStatus.UNVERIFIED,
    )
    issue = models.CharField(_("issue"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "kind", "value"], name="unique_contact_point"
            )
        ]

    def __str__(self) -> str:
        return self.value or self.raw
