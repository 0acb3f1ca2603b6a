"""The plan form: terms typed the Argentine way, accounts of one debtor."""

from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from recupero.console.forms import ArgentineAmountField, ArgentineDateField
from recupero.formatting import format_money
from recupero.payments.plans import PlanTerms
from recupero.payments.quoting import SYSTEM_NAMES, AmortizationSystem
from recupero.portfolios.models import Account

ZERO = Decimal("0.00")


class AccountsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Account) -> str:
        product = f" · {obj.product}" if obj.product else ""
        return f"{obj.number}{product} · {format_money(obj.balance)}"


class PlanForm(forms.Form):
    """What an agent offers; the accounts are those of the debtor he sees."""

    accounts = AccountsField(
        queryset=Account.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("accounts"),
        error_messages={"required": _("Choose at least one account.")},
    )
    system = forms.ChoiceField(
        choices=[(system.value, SYSTEM_NAMES[system]) for system in AmortizationSystem],
        initial=AmortizationSystem.FRENCH.value,
        label=_("amortization system"),
    )
    installments = forms.IntegerField(
        min_value=1, max_value=600, initial=12, label=_("installments")
    )
    tna = ArgentineAmountField(label=_("TNA (%)"))
    first_due = ArgentineDateField(label=_("first due date"), help_text="dd/mm/aaaa")
    down_payment = ArgentineAmountField(
        required=False, initial="0,00", label=_("down payment")
    )
    discount = ArgentineAmountField(
        required=False, initial="0", label=_("discount (%)")
    )

    def __init__(self, *args: object, accounts: Sequence[Account], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["accounts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Account.objects.filter(
            pk__in=[a.pk for a in accounts]
        ).order_by("number")

    def terms(self) -> PlanTerms:
        """Return the terms of a valid form."""
        data = self.cleaned_data
        return PlanTerms(
            system=data["system"],
            installments=data["installments"],
            tna=data["tna"],
            first_due=data["first_due"],
            down_payment=data["down_payment"] or ZERO,
            discount=data["discount"] or ZERO,
        )


class AcceptForm(forms.Form):
    accepted_on = ArgentineDateField(label=_("accepted on"), help_text="dd/mm/aaaa")
