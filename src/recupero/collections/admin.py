"""Admin pages: result codes and policies are parameters; the rest is read.

Activities, state changes and promises are history written by the actions;
the admin shows them for support but never edits them, so nothing here can
bypass the automaton.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from recupero.collections.models import (
    AccountState,
    Activity,
    Channel,
    CollectionsPolicy,
    MassResultJob,
    Promise,
    ResultCode,
    StateChange,
)
from recupero.collections.states import ACTIVITY_EVENTS


class ResultCodeForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ninguno marcado: el código sirve en todos los canales.",
    )

    class Meta:
        model = ResultCode
        fields = [
            "code",
            "name",
            "category",
            "channels",
            "contact_effect",
            "state_event",
            "next_attempt_days",
            "requires_contact_point",
            "requires_promise",
            "requires_reason",
            "shortcut",
            "position",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["state_event"]
        allowed = {event.value for event in ACTIVITY_EVENTS}
        field.choices = [
            (value, label)
            for value, label in field.choices
            if value in allowed or not value
        ]


@admin.register(ResultCode)
class ResultCodeAdmin(admin.ModelAdmin):
    form = ResultCodeForm
    list_display = [
        "code",
        "name",
        "category",
        "contact_effect",
        "state_event",
        "next_attempt_days",
        "shortcut",
        "is_active",
    ]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["position", "code"]


@admin.register(CollectionsPolicy)
class CollectionsPolicyAdmin(admin.ModelAdmin):
    list_display = ["creditor", "promise_grace_days", "max_promise_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "debtor", "channel", "result_code", "user"]
    list_filter = ["channel", "result_code"]
    raw_id_fields = ["debtor", "contact_point", "user"]
    date_hierarchy = "occurred_on"


@admin.register(Promise)
class PromiseAdmin(ReadOnlyAdmin):
    list_display = ["account", "amount", "due_on", "deadline", "status", "paid_amount"]
    list_filter = ["status"]
    raw_id_fields = ["account", "activity", "taken_by"]


@admin.register(AccountState)
class AccountStateAdmin(ReadOnlyAdmin):
    list_display = ["account", "state", "next_attempt_on", "last_activity_at"]
    list_filter = ["state"]
    raw_id_fields = ["account", "last_result_code"]


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdmin):
    list_display = ["account", "from_state", "to_state", "event", "changed_at"]
    list_filter = ["event", "to_state"]
    raw_id_fields = ["account", "activity", "promise"]


@admin.register(MassResultJob)
class MassResultJobAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "created_by",
        "result_code",
        "channel",
        "expected",
        "status",
        "recorded",
        "finished_at",
    ]
    list_filter = ["status", "result_code"]
    raw_id_fields = ["created_by", "creditor", "portfolio"]
