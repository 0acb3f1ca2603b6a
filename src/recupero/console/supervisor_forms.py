"""What the supervisor types: the day to look at and the accounts to move."""

import datetime
import re

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recupero.access import scoping
from recupero.access.actions import check_agent_in_area
from recupero.collections.states import ManagementState
from recupero.console.figures import (
    choose_accounts,
    supervised_agents,
    supervised_areas,
)
from recupero.console.forms import ArgentineDateField
from recupero.formatting import format_count
from recupero.portfolios.listing import list_stage_choices
from recupero.portfolios.models import Account

FIRST_DAY = datetime.date(2000, 1, 1)
# More numbers than this belong in a filter or an import, not a text box.
MAX_NUMBERS = 5000
NUMBER_SEPARATORS = re.compile(r"[\s,;]+")
# Filters that choose accounts; the target fields do not.
CHOOSING_FIELDS = (
    "numbers",
    "portfolio",
    "stage",
    "state",
    "days_from",
    "days_to",
    "assigned_area",
    "assigned_agent",
    "queue_of",
)


class DayForm(forms.Form):
    day = ArgentineDateField(
        required=False,
        label=_("Day"),
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/aaaa", "size": 10}),
    )

    def clean_day(self) -> datetime.date | None:
        day = self.cleaned_data["day"]
        if day is None:
            return None
        # The figures are of days that happened; the first bound keeps a
        # typing slip such as 01/01/0001 from reaching date arithmetic.
        if day < FIRST_DAY:
            raise ValidationError(
                _("Choose a day from %(first)s on."),
                code="day_too_early",
                params={"first": FIRST_DAY.strftime("%d/%m/%Y")},
            )
        # A creditor whose zone is ahead of the server's may be in tomorrow.
        if day > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError(_("That day has not come yet."), code="day_ahead")
        return day


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ReassignForm(forms.Form):
    """Which accounts to move (numbers, a filter, or both) and where to.

    Every choosing field that is filled narrows the accounts; the accounts
    are always cut to those the supervisor sees.
    """

    numbers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        label=_("Account numbers"),
        help_text=_("One per line, or separated by spaces or commas."),
    )
    portfolio = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Portfolio")
    )
    stage = forms.ChoiceField(required=False, label=_("Stage"))
    state = forms.ChoiceField(
        choices=[("", "–"), *ManagementState.choices],
        required=False,
        label=_("Management state"),
    )
    days_from = forms.IntegerField(
        required=False, min_value=0, label=_("Days past due from")
    )
    days_to = forms.IntegerField(required=False, min_value=0, label=_("to"))
    assigned_area = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Now assigned to area")
    )
    assigned_agent = AgentChoiceField(
        queryset=None, required=False, label=_("Now assigned to agent")
    )
    queue_of = AgentChoiceField(
        queryset=None, required=False, label=_("Only accounts in the queue of")
    )
    area = forms.ModelChoiceField(queryset=None, label=_("Move to area"))
    agent = AgentChoiceField(
        queryset=None,
        required=False,
        label=_("and agent"),
        help_text=_("Empty: any agent of the area may work them."),
    )
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        areas = supervised_areas(user).order_by("name")
        agents = supervised_agents(user)
        self.fields["portfolio"].queryset = scoping.visible_portfolios(user).order_by(
            "name"
        )
        self.fields["stage"].choices = [("", "–"), *list_stage_choices(user)]
        for name in ("assigned_area", "area"):
            self.fields[name].queryset = areas
        for name in ("assigned_agent", "queue_of", "agent"):
            self.fields[name].queryset = agents

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CHOOSING_FIELDS if name != "numbers"]

    def clean_numbers(self) -> list[str]:
        text = self.cleaned_data["numbers"]
        numbers = list(dict.fromkeys(n for n in NUMBER_SEPARATORS.split(text) if n))
        if len(numbers) > MAX_NUMBERS:
            raise ValidationError(
                _("Type at most %(limit)s numbers; use a filter for more."),
                code="too_many_numbers",
                params={"limit": format_count(MAX_NUMBERS)},
            )
        return numbers

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name) not in (None, "", []) for name in CHOOSING_FIELDS):
            raise ValidationError(
                _("Choose the accounts: type their numbers or set a filter."),
                code="nothing_chosen",
            )
        days_from, days_to = data.get("days_from"), data.get("days_to")
        if days_from is not None and days_to is not None and days_from > days_to:
            self.add_error("days_to", _("It must not be less than the first."))
        area, agent = data.get("area"), data.get("agent")
        if area is not None and agent is not None:
            try:
                check_agent_in_area(agent, area)
            except ValidationError as error:
                self.add_error("agent", error)
        return data

    def chosen_accounts(self) -> QuerySet[Account]:
        """Return the accounts the form chooses, among those the user sees."""
        return choose_accounts(self.user, self.cleaned_data)

    def missing_numbers(self) -> list[str]:
        """Return the typed numbers of no account the user sees."""
        numbers = self.cleaned_data["numbers"]
        if not numbers:
            return []
        found = set(
            scoping.visible_accounts(self.user)
            .filter(number__in=numbers)
            .values_list("number", flat=True)
        )
        return [number for number in numbers if number not in found]
