from django.contrib import admin

from recupero.console.models import AccountLock


@admin.register(AccountLock)
class AccountLockAdmin(admin.ModelAdmin):
    list_display = ["account", "user", "locked_at", "expires_at"]
    list_select_related = ["account", "user"]
    raw_id_fields = ["account"]
