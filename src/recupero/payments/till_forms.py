"""What a cashier types at the till: amounts the Argentine way (``1.234,56``)."""

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from recupero.console.forms import ArgentineAmountField
from recupero.payments.models import Branch, PaymentMethod
from recupero.payments.tills import new_reference
from recupero.portfolios.models import Account, Creditor


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Branch) -> str:
        return str(obj)


class OpenTillForm(forms.Form):
    branch = BranchChoiceField(
        queryset=Branch.objects.filter(is_active=True),
        label=capfirst(_("branch")),
        empty_label=None,
        error_messages={"required": _("Choose the branch.")},
    )
    opening_cash = ArgentineAmountField(
        label=capfirst(_("cash at opening")),
        error_messages={"required": _("Write the cash the till starts with.")},
    )


class TakePaymentForm(forms.Form):
    """The account by its number, within what the cashier sees, and the money.

    ``token`` is made once when the form is shown and used as the payment's
    reference, so the same form sent twice takes the money once.
    """

    account_number = forms.CharField(
        label=_("Account number"),
        max_length=60,
        error_messages={"required": _("Write the account number.")},
    )
    creditor = forms.ModelChoiceField(
        queryset=Creditor.objects.none(),
        required=False,
        label=_("Creditor"),
        help_text=_("Only needed when two creditors use the same number."),
    )
    amount = ArgentineAmountField(
        label=capfirst(_("amount")),
        error_messages={"required": _("Write the amount paid.")},
    )
    method = forms.ChoiceField(
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CASH,
        label=capfirst(_("method")),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(
        self,
        *args,
        accounts: QuerySet[Account],
        creditors: QuerySet[Creditor],
        **kwargs,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("token", new_reference())
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        self.fields["creditor"].queryset = creditors

    def clean(self) -> dict:
        cleaned = super().clean()
        number = cleaned.get("account_number", "").strip()
        if not number:
            return cleaned
        found = self.accounts.filter(number=number).select_related("creditor", "debtor")
        if cleaned.get("creditor"):
            found = found.filter(creditor=cleaned["creditor"])
        matches = list(found[:2])
        if not matches:
            self.add_error(
                "account_number",
                forms.ValidationError(
                    _("No account you can see has this number."), code="not_found"
                ),
            )
        elif len(matches) > 1:
            self.add_error(
                "creditor",
                forms.ValidationError(
                    _(
                        "Several creditors have an account with this number: "
                        "choose the creditor."
                    ),
                    code="ambiguous",
                ),
            )
        else:
            cleaned["account"] = matches[0]
        return cleaned


class CloseTillForm(forms.Form):
    counted_cash = ArgentineAmountField(
        label=capfirst(_("counted cash")),
        error_messages={"required": _("Write the cash counted in the till.")},
    )
    note = forms.CharField(
        label=capfirst(_("note")),
        max_length=200,
        required=False,
        help_text=_("Why the count differs, if it does."),
    )
