"""The Django admin of portfolios: parameters, and a read-only look at the rest.

Accounts and imports change only through imports and the cycle; the admin
shows them for support but does not let anyone edit balances by hand.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from recupero.portfolios.models import (
    Account,
    Creditor,
    CycleRun,
    ImportJob,
    ImportProfile,
    Portfolio,
    Stage,
)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["position", "slug", "name", "min_days", "max_days", "is_legal"]
    ordering = ["position"]


@admin.register(Creditor)
class CreditorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cuit", "grace_days", "time_zone"]
    search_fields = ["name", "code", "cuit"]
    inlines = [StageInline]


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "creditor", "placed_on", "recall_on"]
    list_filter = ["creditor"]
    list_select_related = ["creditor"]
    search_fields = ["name", "code"]
    date_hierarchy = "placed_on"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows for support; they are written only by their own process."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "creditor",
        "portfolio",
        "debtor",
        "stage",
        "days_past_due",
        "is_legal",
    ]
    list_filter = ["creditor", "is_legal"]
    list_select_related = ["creditor", "portfolio", "debtor", "stage"]
    search_fields = ["^number"]
    # Counting every account of a large portfolio on each page costs more
    # than the count is worth.
    show_full_result_count = False


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "creditor", "kind", "encoding", "delimiter", "updated_at"]
    list_filter = ["creditor", "kind"]
    list_select_related = ["creditor"]
    search_fields = ["name"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "creditor",
        "status",
        "rows_read",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_rejected",
        "created_at",
    ]
    list_filter = ["status", "creditor"]
    list_select_related = ["creditor"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "created_at"


@admin.register(CycleRun)
class CycleRunAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "started_at", "finished_at", "accounts", "stage_changes"]
    date_hierarchy = "as_of"
