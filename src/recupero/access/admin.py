"""The administrator's pages: areas, memberships, assignments, audit trail.

What a profile may do is edited on its group (Authentication ▸ Groups);
memberships are saved through the same action as everywhere else, so the
user's groups follow their profile.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from recupero.access.actions import set_membership
from recupero.access.models import (
    AccountAssignment,
    Area,
    AuditEvent,
    Membership,
    PortfolioArea,
    ProfileGroup,
)


class PortfolioAreaInline(admin.TabularInline):
    model = PortfolioArea
    extra = 0
    autocomplete_fields = ["portfolio"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [PortfolioAreaInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "profile", "creditor"]
    list_filter = ["profile", "areas", "creditor"]
    list_select_related = ["user", "creditor"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["areas"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Membership | None = None
    ) -> list[str]:
        # A membership is the user's; another user gets a membership of their own.
        return ["user"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: Membership, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = set_membership(
            obj.user if change else data["user"],
            profile=data["profile"],
            areas=data["areas"],
            creditor=data["creditor"],
            actor=request.user,
        )
        obj.pk = saved.pk
        obj.user = saved.user
        obj._state.adding = False

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        # set_membership has saved the areas already.
        pass


@admin.register(ProfileGroup)
class ProfileGroupAdmin(admin.ModelAdmin):
    """Which group holds each profile's permissions; edit those on the group."""

    list_display = ["profile", "group"]
    readonly_fields = ["profile", "group", "granted_defaults"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AccountAssignment)
class AccountAssignmentAdmin(admin.ModelAdmin):
    list_display = ["account", "area", "agent", "assigned_at"]
    list_filter = ["area"]
    list_select_related = ["account", "area", "agent"]
    search_fields = ["account__number"]
    raw_id_fields = ["account", "agent", "assigned_by"]


class CreatedBetweenFilter(admin.ListFilter):
    """Events between two dates, both included, in the local time zone."""

    title = _("date range")
    template = "admin/access/date_range_filter.html"
    parameters = ("from_date", "to_date")

    def __init__(
        self, request: HttpRequest, params: dict, model: Any, model_admin: Any
    ) -> None:
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            value = params.pop(name, None)
            if isinstance(value, list):
                value = value[-1] if value else None
            if value:
                self.used_parameters[name] = value

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return list(self.parameters)

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:
        kept = [
            (name, value)
            for name, value in changelist.params.items()
            if name not in self.parameters
        ]
        yield {
            "from_date": self.used_parameters.get("from_date", ""),
            "to_date": self.used_parameters.get("to_date", ""),
            "kept": kept,
        }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        start = _local_midnight(self.used_parameters.get("from_date"))
        end = _local_midnight(self.used_parameters.get("to_date"), days_after=1)
        if start is not None:
            queryset = queryset.filter(created_at__gte=start)
        if end is not None:
            queryset = queryset.filter(created_at__lt=end)
        return queryset


def _local_midnight(text: str | None, days_after: int = 0) -> datetime.datetime | None:
    """Return the start of the day ``text`` (aaaa-mm-dd) plus some days."""
    try:
        day = parse_date(text or "")
    except ValueError:
        return None
    if day is None:
        return None
    day += datetime.timedelta(days=days_after)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Search the trail by user, date range, action and object. Read only."""

    list_display = [
        "created_at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "ip_address",
    ]
    list_filter = [CreatedBetweenFilter, "action", "object_type"]
    search_fields = ["=actor_username", "=object_id"]
    search_help_text = _("A user name or an object id, exactly.")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
