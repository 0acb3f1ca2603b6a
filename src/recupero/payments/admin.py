"""Admin pages: each creditor's money settings and the branches are
parameters; payments, receipts, plans and the ledger are history written by
the actions, shown read-only so that nothing here can unbalance a ledger."""

from django.contrib import admin

from recupero.collections.admin import ReadOnlyAdmin
from recupero.payments.models import (
    Branch,
    LedgerEntry,
    MoneySettings,
    Payment,
    PaymentPlan,
    Receipt,
    Till,
)


@admin.register(MoneySettings)
class MoneySettingsAdmin(admin.ModelAdmin):
    list_display = [
        "creditor",
        "day_count",
        "iva_rate",
        "penalty_tna",
        "broken_after",
        "max_installments",
    ]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["point_of_sale", "code", "name", "is_active"]
    readonly_fields = ["last_receipt_number"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "value_date", "kind", "component", "amount"]
    list_filter = ["kind", "component"]
    search_fields = ["account__number"]
    raw_id_fields = ["account", "import_job", "payment", "plan", "installment"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "source", "account", "amount", "value_date", "status"]
    list_filter = ["source", "method", "status"]
    search_fields = ["reference", "account__number"]
    raw_id_fields = ["account", "till", "import_job"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "payment", "issued_at"]
    raw_id_fields = ["payment"]


@admin.register(Till)
class TillAdmin(ReadOnlyAdmin):
    list_display = ["branch", "cashier", "status", "opened_at", "difference"]
    list_filter = ["status", "branch"]


@admin.register(PaymentPlan)
class PaymentPlanAdmin(ReadOnlyAdmin):
    list_display = ["pk", "debtor", "status", "system", "principal", "created_at"]
    list_filter = ["status", "system"]
    raw_id_fields = ["debtor", "accounts"]
