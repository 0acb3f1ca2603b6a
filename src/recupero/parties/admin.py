"""Admin pages for debtors and their contact data.

Tables here reach millions of rows: foreign keys are raw-id fields (a select
would load every debtor), full counts are off, and a search that reads as a
CUIT, DNI, phone or e-mail becomes an exact, indexed lookup on its normal
form, so ``20-05536168-2`` finds the debtor stored as ``20055361682``.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from recupero.parties.emails import normalise_email
from recupero.parties.identity import check_tax_id
from recupero.parties.models import (
    ContactPoint,
    ContactStatus,
    Debtor,
    IdentityStatus,
    RelatedPerson,
)
from recupero.parties.phones import normalise_phone, same_line_candidates


def _tax_id_filter(search_term: str) -> Q | None:
    """Return the exact filter a CUIT or DNI search term stands for."""
    found = check_tax_id(search_term)
    if found.status != IdentityStatus.VALID:
        return None
    by_dni = Q(dni=found.dni) if found.dni else Q(pk__in=[])
    if found.cuit:
        return Q(cuit=found.cuit) | by_dni
    return by_dni


class RelatedPersonInline(admin.TabularInline):
    model = RelatedPerson
    fields = ["relation", "name", "cuit", "source"]
    extra = 0


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    fields = ["kind", "raw", "value", "phone_type", "status", "issue", "source"]
    raw_id_fields = ["related_person"]
    extra = 0


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):
    list_display = ["name", "cuit", "dni", "kind", "identity_status"]
    list_filter = ["identity_status", "kind", "source"]
    search_fields = ["name", "=cuit", "=dni"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RelatedPersonInline, ContactPointInline]
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Debtor], search_term: str
    ) -> tuple[QuerySet[Debtor], bool]:
        tax_id = _tax_id_filter(search_term)
        if tax_id is not None:
            return queryset.filter(tax_id), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(RelatedPerson)
class RelatedPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "relation", "debtor", "source"]
    list_filter = ["relation", "source"]
    search_fields = ["name", "=cuit"]
    raw_id_fields = ["debtor"]
    list_select_related = ["debtor"]
    show_full_result_count = False


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "phone_type", "status", "issue", "debtor"]
    list_filter = ["kind", "status", "phone_type", "source"]
    search_fields = ["=value", "=raw"]
    raw_id_fields = ["debtor", "related_person"]
    list_select_related = ["debtor"]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False

    def get_search_results(
        self,
        request: HttpRequest,
        queryset: QuerySet[ContactPoint],
        search_term: str,
    ) -> tuple[QuerySet[ContactPoint], bool]:
        values = _contact_values(search_term)
        if values:
            return queryset.filter(Q(value__in=values) | Q(raw=search_term)), False
        return super().get_search_results(request, queryset, search_term)


def _contact_values(search_term: str) -> set[str]:
    """Return the stored values a typed phone or e-mail may be kept under."""
    if "@" in search_term:
        email = normalise_email(search_term)
        return {email.value} if email.value else set()
    phone = normalise_phone(search_term)
    if phone.status == ContactStatus.INVALID:
        return set()
    return {phone.e164} | same_line_candidates(phone.e164)
