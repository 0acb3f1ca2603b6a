"""What the agent types in the console, read as the import reads files.

Amounts and dates are written the Argentine way (``1.500,50``,
``15/08/2025``) and read by the import's own parsers, so a value that an
import accepts is accepted here and nothing else is.
"""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from recupero.collections.actions import PromiseTerms
from recupero.collections.models import (
    ACTIVITY_NOTE_MAX_LENGTH,
    Channel,
    NonPaymentReason,
    ResultCode,
)
from recupero.collections.states import Event
from recupero.console.pages import AGENT_CHANNELS
from recupero.parties.models import (
    ContactKind,
    ContactPoint,
    RelatedPerson,
    Relation,
    Source,
)
from recupero.portfolios.importing.values import (
    ValueProblem,
    parse_amount,
    parse_date,
)


class ArgentineAmountField(forms.CharField):
    def to_python(self, value: str | None) -> Decimal | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueProblem as problem:
            raise forms.ValidationError(problem.message, code=problem.code) from None


class ArgentineDateField(forms.CharField):
    def to_python(self, value: str | None) -> datetime.date | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueProblem as problem:
            raise forms.ValidationError(problem.message, code=problem.code) from None


# An hour of a call recorded as MP3 is about 30 MB.
MAX_ATTACHMENT_BYTES = 50 * 2**20


class ResultForm(forms.Form):
    """A result for the account being worked; the code says what else it needs."""

    code = forms.ModelChoiceField(
        queryset=ResultCode.objects.filter(is_active=True),
        to_field_name="code",
        label=_("Result"),
        error_messages={"required": _("Choose a result.")},
    )
    channel = forms.ChoiceField(
        choices=[(c.value, c.label) for c in AGENT_CHANNELS], label=_("Channel")
    )
    contact_point = forms.ModelChoiceField(
        queryset=ContactPoint.objects.none(), required=False, label=_("Contact used")
    )
    all_accounts = forms.BooleanField(
        required=False, label=_("For all of the debtor's accounts")
    )
    promise_amount = ArgentineAmountField(required=False, label=_("Promised amount"))
    promise_date = ArgentineDateField(required=False, label=_("Promised date"))
    reason = forms.ChoiceField(
        choices=[("", "–"), *NonPaymentReason.choices],
        required=False,
        label=_("Reason for not paying"),
    )
    note = forms.CharField(
        required=False,
        max_length=ACTIVITY_NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        label=_("Note"),
    )
    attachment = forms.FileField(
        required=False,
        label=_("Attachment (the call's recording, a photo of the visit…)"),
    )

    def __init__(self, *args, debtor_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the debtor's own contact points and those of its related
        # persons can be chosen; an id of another debtor is not found.
        self.fields["contact_point"].queryset = ContactPoint.objects.filter(
            debtor_id=debtor_id
        )

    def clean_attachment(self):
        attachment = self.cleaned_data["attachment"]
        if attachment is not None and attachment.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(
                _("The file is over %(limit)s MB."),
                code="attachment_too_large",
                params={"limit": MAX_ATTACHMENT_BYTES // 2**20},
            )
        return attachment

    def clean(self) -> dict:
        data = super().clean()
        code = data.get("code")
        # A value that could not be read already says why; "missing" would
        # be a second, wrong message for the same field.
        if code is not None and code.requires_promise:
            if "promise_amount" not in self.errors and not data.get("promise_amount"):
                self.add_error("promise_amount", _("Say how much was promised."))
            if "promise_date" not in self.errors and not data.get("promise_date"):
                self.add_error("promise_date", _("Say when it will be paid."))
        return data

    def promise_terms(self) -> PromiseTerms | None:
        amount = self.cleaned_data.get("promise_amount")
        due_on = self.cleaned_data.get("promise_date")
        if amount is None or due_on is None:
            return None
        return PromiseTerms(amount=amount, due_on=due_on)


class ContactForm(forms.Form):
    """A phone, e-mail, address or handle the agent learns during a call."""

    kind = forms.ChoiceField(choices=ContactKind.choices, label=_("Kind"))
    value = forms.CharField(max_length=300, label=_("Value"))
    source = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Source if s != Source.CREDITOR_FILE],
        label=_("Given by"),
    )


class ContactOfForm(ContactForm):
    """A contact, of the debtor or of one of its related persons."""

    related_person = forms.ModelChoiceField(
        queryset=RelatedPerson.objects.none(), required=False, label=_("Whose")
    )

    def __init__(self, *args, debtor_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["related_person"].queryset = RelatedPerson.objects.filter(
            debtor_id=debtor_id
        )


class RelatedPersonForm(forms.Form):
    """A guarantor, relative, employer or reference the agent learns of."""

    relation = forms.ChoiceField(choices=Relation.choices, label=_("Relation"))
    name = forms.CharField(max_length=200, label=_("Name"))
    tax_id = forms.CharField(max_length=20, required=False, label=_("CUIT/CUIL"))
    phone = forms.CharField(max_length=300, required=False, label=_("Phone"))
    source = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Source if s != Source.CREDITOR_FILE],
        label=_("Given by"),
    )


class MassResultForm(forms.Form):
    """A result for every account of a search, e.g. after a letter run."""

    # The codes the action takes in mass: none that needs details of each
    # activity, nor a deceased result, which covers all of a debtor's
    # accounts (``register_mass_result`` refuses those too).
    code = forms.ModelChoiceField(
        queryset=ResultCode.objects.filter(
            is_active=True,
            requires_contact_point=False,
            requires_promise=False,
            requires_reason=False,
        ).exclude(state_event=Event.DECEASED),
        to_field_name="code",
        label=_("Result"),
    )
    channel = forms.ChoiceField(choices=Channel.choices, label=_("Channel"))
    note = forms.CharField(
        required=False, max_length=ACTIVITY_NOTE_MAX_LENGTH, label=_("Note")
    )
    # The count the user saw, sent back hidden: whatever is wrong with it,
    # the page was not the one this server sent, so one message says so.
    expected = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value"),
            _("The count of accounts was lost; check the search and confirm again."),
        ),
    )
    # A one-time token made when the page is shown: the job row keeps it,
    # so that the same page posted twice records the result only once.
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ("required", "invalid"),
            _("The form's token was lost; check the search and confirm again."),
        ),
    )


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("confirmed", _("Confirmed")), ("wrong", _("Wrong"))]
    )
    note = forms.CharField(required=False, max_length=200)
